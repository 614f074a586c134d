import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createSqliteBackend } from '../../src/backends/sqlite/backend.js';
import { findCut } from '../../src/csv/cut.js';
import { openDb } from '../../src/db/open.js';
import { RunRefused } from '../../src/domain/codes.js';
import { CutNotClean, readValidatedRows } from '../../src/import/read-rows.js';
import { runImport } from '../../src/import/run-import.js';
import { tempDir } from '../helpers/cli.js';
import { acmeDirectory, HEADER, meetingsUser, readReport } from '../helpers/directory.js';

/** Physical line of every byte offset just after a line break, counted the reader's way (`\r\n`, `\r`, `\n`). */
function lineAt(bytes: Buffer, offset: number): number {
  const text = bytes.subarray(0, offset).toString('latin1').replace(/\r\n?/g, '\n');
  return text.split('\n').length;
}

describe('findCut: a record boundary by quote parity', () => {
  const write = (text: string | Buffer): string => {
    const path = join(tempDir(), 'cut.csv');
    writeFileSync(path, text);
    return path;
  };

  it('cuts after the first line break at or after the target that is outside quotes', async () => {
    const text = 'a,b\n"x\ny",1\n"p\n""q""\nr",2\nlast,3\n';
    const bytes = Buffer.from(text);
    // Aimed inside the first quoted value (which holds a line break): the cut comes after its record.
    const { cut } = await findCut(write(text), 5, 1024);
    expect(cut).toMatchObject({ byte: text.indexOf('"p'), line: 4 });
    expect(cut!.line).toBe(lineAt(bytes, cut!.byte));
    expect(cut!.firstPartHash).toBe(`sha256:${createHash('sha256').update(bytes.subarray(0, cut!.byte)).digest('hex')}`);
    // Aimed inside the value holding doubled quotes and two line breaks.
    const second = await findCut(write(text), text.indexOf('""q') + 1, 1024);
    expect(second.cut).toMatchObject({ byte: text.indexOf('last'), line: 7 });
  });

  it('counts CRLF, lone CR and a BOM the way the reader does, also across chunk ends', async () => {
    const body = Array.from({ length: 200_000 }, (_, i) => `row${i},${i % 3 === 0 ? '"two\r\nlines"' : 'x'}`);
    const text = `\uFEFFa,b\r\n${body.map((line, i) => line + (i % 5 === 0 ? '\r' : '\r\n')).join('')}`;
    const bytes = Buffer.from(text);
    for (const target of [10, 1024 * 1024 - 1, 1024 * 1024, 1024 * 1024 + 1, 2 * 1024 * 1024 + 7, bytes.length - 30]) {
      const { cut } = await findCut(write(bytes), target, 1024 * 1024);
      expect(cut, `target ${target}`).toBeDefined();
      expect(bytes[cut!.byte - 1]).toBe(10);
      expect(cut!.byte).toBeGreaterThanOrEqual(target);
      expect(cut!.line, `target ${target}`).toBe(lineAt(bytes, cut!.byte));
    }
  });

  it('finds no cut in a tiny file, past the last line break, or beyond the search', async () => {
    expect((await findCut(write('a,b\n1,2\n'), 5, 1024)).cut).toBeUndefined(); // the second part would be empty
    expect((await findCut(write('a,b\n1,2'), 5, 1024)).cut).toBeUndefined();
    expect((await findCut(write(`a,b\n"${'x\n'.repeat(5000)}",1\nz,2\n`), 10, 1000)).cut).toBeUndefined();
    expect((await findCut(write('a,b\r1,2\r3,4\r'), 2, 1024)).cut).toBeUndefined(); // old Mac line ends: no \n to cut after
  });
});

interface Reading {
  rows: Array<Record<string, unknown>>;
  end?: { blankLines: number; bytesRead: number; inputHash: string };
  error?: { code: string; line?: number; message: string };
  fellBack?: boolean;
}

/** Everything the reader threads give for a file, rows by line; a refusal as code, line and message. */
async function read(file: string, splitBytes: number): Promise<Reading> {
  const rows: Array<Record<string, unknown>> = [];
  try {
    const validated = await readValidatedRows({ file, mode: 'add-remove', countries: { 'amsterdam hq': 'NL' } }, { splitBytes });
    for await (const batch of validated.batches) {
      const cells = JSON.parse(batch.cells) as string[][];
      batch.rows.forEach((row, i) => rows.push({ ...row, cells: cells[i] }));
    }
    rows.sort((a, b) => (a.line as number) - (b.line as number));
    return { rows, end: { ...validated.end } };
  } catch (error) {
    if (error instanceof CutNotClean) return { ...(await read(file, Infinity)), fellBack: true };
    if (!(error instanceof RunRefused)) throw error;
    return { rows: [], error: { code: error.code, line: error.line, message: error.message } };
  }
}

/** Reads `text` with one thread and split in two; both must give the same. */
async function expectSameSplit(text: string | Buffer): Promise<{ split: Reading; one: Reading }> {
  const file = join(tempDir(), 'users.csv');
  writeFileSync(file, text);
  const one = await read(file, Infinity);
  const split = await read(file, 1);
  const { fellBack, ...splitReading } = split;
  if (split.error || one.error) expect(splitReading.error).toEqual(one.error);
  else expect(splitReading).toEqual(one);
  return { split: { ...splitReading, ...(fellBack ? { fellBack } : {}) }, one };
}

/** Deterministic random user files of the kinds that make a cut hard. */
function randomFile(seed: number): string {
  let state = seed;
  const random = (): number => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const count = 20 + Math.floor(random() * 400);
  const lines = Array.from({ length: count }, (_, i) => {
    const r = random();
    if (r < 0.08) return meetingsUser(i, { displayName: `Line one\nline two of ${i}` }); // a quoted value across lines
    if (r < 0.12) return meetingsUser(i, { displayName: `Say "hi", ${i}` });
    if (r < 0.15) return '';
    if (r < 0.18) return meetingsUser(i % 7); // duplicates
    if (r < 0.2) return 'not-an-email,,,,,,,,,,,,,,,,,';
    if (r < 0.22) return meetingsUser(i, { phoneNumber: '020 123 4567', location: 'Amsterdam HQ' });
    return meetingsUser(i);
  });
  const eol = random() < 0.3 ? '\r\n' : '\n';
  const bom = random() < 0.3 ? '\uFEFF' : '';
  const sep = random() < 0.1 ? `sep=,${eol}` : '';
  return `${bom}${sep}${[HEADER, ...lines].join(eol)}${random() < 0.5 ? eol : ''}`;
}

describe('a file read by two threads gives what one thread gives', { timeout: 180_000 }, () => {
  it('on random files: quoted values holding line breaks, CRLF, BOM, sep=, blank lines, duplicates, invalid rows', async () => {
    let split = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const { one } = await expectSameSplit(randomFile(seed));
      expect(one.rows.length).toBeGreaterThan(0);
      split++;
    }
    expect(split).toBe(12);
  }, 300_000);

  it('when the cut lands inside a quoted value holding line breaks', async () => {
    const names = Array.from({ length: 60 }, (_, i) => meetingsUser(i, { displayName: `${'long line\n'.repeat(30)}${i}` }));
    const text = [HEADER, ...names].join('\n');
    const { split } = await expectSameSplit(text);
    expect(split.rows).toHaveLength(60);
    expect(split.fellBack).toBeUndefined();
  });

  it('gives the exact line of a refusal in the second part', async () => {
    const body = Array.from({ length: 400 }, (_, i) => meetingsUser(i));
    body[350] = `user350@acme.nl,Bad"quote,,,,,,,,,,,,,,,,`;
    const { split } = await expectSameSplit([HEADER, ...body].join('\n'));
    expect(split.error).toMatchObject({ code: 'INVALID_QUOTE', line: 352 });
    expect(split.fellBack).toBeUndefined();
  });

  it('refuses for the first part first when both parts have a problem', async () => {
    const body = Array.from({ length: 400 }, (_, i) => meetingsUser(i));
    body[20] = `user20@acme.nl,Bad"quote,,,,,,,,,,,,,,,,`;
    body[380] = `user380@acme.nl,Other"quote,,,,,,,,,,,,,,,,`;
    const { split } = await expectSameSplit([HEADER, ...body].join('\n'));
    expect(split.error).toMatchObject({ code: 'INVALID_QUOTE', line: 22 });
  });

  it('a quote never closed in the first part: no record boundary follows it, so one reader reads the file and refuses at the quote', async () => {
    const body = Array.from({ length: 400 }, (_, i) => meetingsUser(i));
    body[100] = `user100@acme.nl,"Never closed,,,,,,,,,,,,,,,,`;
    const { split } = await expectSameSplit([HEADER, ...body].join('\n'));
    expect(split.error).toMatchObject({ code: 'UNCLOSED_QUOTE', line: 102 });
  });

  it('falls back to one reader when the first part does not end cleanly (the cut came before the header)', async () => {
    // Blank lines before the header: the first part holds no header, which alone would be EMPTY_FILE.
    const text = `${'\n'.repeat(3000)}${HEADER}\n${meetingsUser(1)}\n${meetingsUser(2)}\n`;
    const { split } = await expectSameSplit(text);
    expect(split.rows.map((row) => row.line)).toEqual([3002, 3003]);
    expect(split.end?.blankLines).toBe(3000);
  });

  it('falls back when an odd quote makes the scan cut inside a record, and then reads the file as one reader does', async () => {
    // A quote inside an unquoted value flips the parity: every later "boundary" the scan sees is inside a value.
    const body = Array.from({ length: 400 }, (_, i) => meetingsUser(i, { displayName: `Name, ${i}` }));
    body[5] = `user5@acme.nl,Bad"quote,,,,,,,,,,,,,,,,`;
    const { split } = await expectSameSplit([HEADER, ...body].join('\n'));
    expect(split.error).toMatchObject({ code: 'INVALID_QUOTE', line: 7 });
  });

  it('tiny files: a header only, one row, a header and blank lines', async () => {
    for (const text of [HEADER, `${HEADER}\n`, `${HEADER}\n${meetingsUser(1)}`, `${HEADER}\n${meetingsUser(1)}\n`, `${HEADER}\n\n\n\n`, `\uFEFF${HEADER}\r\n${meetingsUser(1)}\r\n`]) {
      await expectSameSplit(text);
    }
  });
});

describe('an import of a split file', { timeout: 180_000 }, () => {
  const logger = pino({ level: 'silent' });

  /** A file large enough to split with plenty of rows in each part. */
  function fileWith(body: string[]): string {
    return [HEADER, ...body].join('\r\n') + '\r\n';
  }

  async function importBoth(text: string, extra: { dryRun?: boolean } = {}) {
    const results = [];
    for (const splitBytes of [Infinity, 1]) {
      const acme = acmeDirectory();
      const file = acme.write('users.csv', text);
      const db = openDb(acme.db, { durability: 'normal' });
      try {
        const result = await runImport({ file, customerId: 'acme', db, backend: createSqliteBackend(db), outDir: join(acme.dir, 'out'), logger, readerSplitBytes: splitBytes, ...extra });
        results.push({ summary: result.summary, results: await readReport(join(acme.dir, 'out', 'results.csv')), errors: await readReport(join(acme.dir, 'out', 'errors.csv')) });
      } finally {
        db.close();
      }
    }
    return results;
  }

  it('finds duplicates across the two parts, with every line of them', async () => {
    const body = Array.from({ length: 300 }, (_, i) => meetingsUser(i));
    body[280] = meetingsUser(3); // the e-mail of line 5, far into the second part
    body[290] = meetingsUser(290, { phoneNumber: '+31201110101' });
    body[10] = meetingsUser(10, { phoneNumber: '+31201110101' });
    const [one, split] = await importBoth(fileWith(body), { dryRun: true });
    const { runId: _a, startedAt: _b, finishedAt: _c, reports: _d, ...same } = split!.summary as unknown as Record<string, unknown>;
    expect(split!.errors).toEqual(one!.errors);
    expect(split!.results).toEqual(one!.results);
    expect(same).toMatchObject({ rows: 300, errors: 4 });
    const messages = split!.errors.slice(1).map((row) => row.join(' '));
    expect(messages.some((m) => m.includes('lines 5 and 282'))).toBe(true);
    expect(messages.some((m) => m.includes('lines 12 and 292'))).toBe(true);
  });

  it('applies every row of both parts, and a stopped run of a split file resumes to the same end', async () => {
    const body = Array.from({ length: 300 }, (_, i) => meetingsUser(i, i === 250 ? { displayName: 'two\nlines' } : {}));
    const [one, split] = await importBoth(fileWith(body));
    expect(split!.summary).toMatchObject({ rows: 300, added: one!.summary.added, errors: one!.summary.errors });
    expect(split!.results).toEqual(one!.results);

    // Stopped while reading (a signal between batches), then resumed: the split read starts over cleanly.
    const acme = acmeDirectory();
    const file = acme.write('users.csv', fileWith(body));
    const db = openDb(acme.db, { durability: 'normal' });
    try {
      let asked = 0;
      const stopped = await runImport({ file, customerId: 'acme', db, backend: createSqliteBackend(db), outDir: join(acme.dir, 'out1'), logger, readerSplitBytes: 1,
        windowSize: 50, stop: () => (++asked === 2 ? 'SIGTERM' : undefined) }).then(() => undefined, (error: unknown) => error);
      expect(stopped).toMatchObject({ code: 'INTERRUPTED' });
      const resumed = await runImport({ file, customerId: 'acme', db, backend: createSqliteBackend(db), outDir: join(acme.dir, 'out1'), logger, readerSplitBytes: 1, windowSize: 50 });
      expect(resumed.resumed).toBe(true);
      expect(resumed.summary).toMatchObject({ rows: 300, added: one!.summary.added, errors: one!.summary.errors });
      expect(await readReport(join(acme.dir, 'out1', 'results.csv'))).toEqual(one!.results);
    } finally {
      db.close();
    }
  });

  it('refuses a file changed between the reading of its two parts', async () => {
    // The second reader's scan hashed the first part before the first reader reads the middle of
    // the file; a byte changed there in between is read differently by the two.
    const body = Array.from({ length: 20_000 }, (_, i) => meetingsUser(i));
    const file = join(tempDir(), 'users.csv');
    writeFileSync(file, fileWith(body));
    const bytes = readFileSync(file);
    const middle = bytes.indexOf('user9000@');
    const validated = await readValidatedRows({ file, mode: 'add-remove' }, { splitBytes: 1 });
    const error = await (async () => {
      let changed = false;
      for await (const batch of validated.batches) {
        // A batch from past the cut: the scan is over, and the first reader is still near the start.
        if (!changed && batch.rows[0]!.line > 10_000) {
          const handle = await import('node:fs/promises').then((fs) => fs.open(file, 'r+'));
          await handle.write('U', middle);
          await handle.close();
          changed = true;
        }
      }
      return undefined;
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INPUT_CHANGED' });
  }, 120_000);
});


describe('users validate --reader-threads 2', { timeout: 300_000 }, () => {
  it('gives the reports one reader gives, on a file large enough to split', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const acme = acmeDirectory();
    // About 4.5 MiB: past the size from which two threads read a file.
    const body = Array.from({ length: 33_000 }, (_, i) => meetingsUser(i, i % 1000 === 7 ? { displayName: 'two\nlines' } : i === 30_000 ? { email: 'user5@acme.nl' } : {}));
    const file = acme.write('users.csv', `${[HEADER, ...body].join('\n')}\n`);
    const reports = [];
    for (const threads of ['1', '2']) {
      const out = join(acme.dir, `out-${threads}`);
      const result = await runCli(['users', 'validate', file, '--customer', 'acme', '--db', acme.db, '--out', out, '--quiet', '--reader-threads', threads]);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).not.toContain('Warning');
      reports.push({ results: readFileSync(join(out, 'results.csv'), 'utf8'), errors: readFileSync(join(out, 'errors.csv'), 'utf8') });
    }
    expect(reports[1]).toEqual(reports[0]);
    expect(reports[0]!.errors).toContain('lines 7 and 30032'); // 30 values before it hold a line break
  });
});

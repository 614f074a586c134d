import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunRefused } from '../../src/domain/codes.js';
import { readValidatedRows } from '../../src/import/read-rows.js';
import { tempDir } from '../helpers/cli.js';
import { HEADER, meetingsUser } from '../helpers/directory.js';

/** The reader thread on a real file: everything it validated, in the order it arrived. */
async function readAll(text: string) {
  const file = join(tempDir(), 'users.csv');
  writeFileSync(file, text);
  const read = await readValidatedRows({ file, mode: 'add-remove' });
  const lines: number[] = [];
  const rows = [];
  for await (const batch of read.batches) {
    const cells = JSON.parse(batch.cells) as string[][];
    expect(cells).toHaveLength(batch.rows.length);
    for (const [i, row] of batch.rows.entries()) {
      lines.push(row.line);
      rows.push({ ...row, cells: cells[i]! });
    }
  }
  return { read, lines, rows };
}

describe('the reader thread', () => {
  it('hands over every row once, in file order, across many batches (the reader runs ahead and waits)', async () => {
    const count = 5500; // six batches: more than the reader may run ahead
    const body = Array.from({ length: count }, (_, i) => meetingsUser(i));
    body[2999] = 'not-an-email,,,,,,,,,,,,,,,,,';
    const { read, lines, rows } = await readAll(`${[HEADER, ...body].join('\n')}\n\n`);
    expect(lines).toEqual(Array.from({ length: count }, (_, i) => i + 2));
    expect(read.header).toEqual(HEADER.split(','));
    expect(read.end.blankLines).toBe(1);
    const valid = rows[10]!;
    expect(valid.intent).toMatchObject({ kind: 'set', email: 'user10@acme.nl', package: 'webex_meetings' });
    expect(valid.cells[0]).toBe('user10@acme.nl');
    const invalid = rows[2999]!;
    expect(invalid.intent).toBeUndefined();
    expect(invalid.issues.map((i) => i.code)).toContain('INVALID_EMAIL');
  });

  it('passes a file-level refusal on with its line, even far into the file', async () => {
    const body = Array.from({ length: 3000 }, (_, i) => meetingsUser(i));
    body[2500] = `"unclosed,${body[2500]}`;
    const error = await readAll([HEADER, ...body].join('\n')).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(RunRefused);
    expect((error as RunRefused).line).toBe(2502);
  });

  it('refuses a file it cannot read before any row', async () => {
    const error = await readValidatedRows({ file: join(tempDir(), 'missing.csv'), mode: 'add-remove' }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(RunRefused);
    expect((error as RunRefused).code).toBe('UNREADABLE_INPUT');
  });
});

describe('the reader thread on large values', () => {
  /** 250 rows each with a 100 KB value in a column that is not read: 25 MB, legal input. */
  const wide = (): string => [`${HEADER},Notes`, ...Array.from({ length: 250 }, (_, i) => `${meetingsUser(i)},${'x'.repeat(100_000)}`)].join('\n');

  it('reads them in batches bounded by size, within its memory limit', async () => {
    const file = join(tempDir(), 'wide.csv');
    writeFileSync(file, wide());
    const read = await readValidatedRows({ file, mode: 'add-remove' });
    let rows = 0;
    let largest = 0;
    for await (const batch of read.batches) {
      rows += batch.rows.length;
      largest = Math.max(largest, batch.cells.length);
    }
    expect(rows).toBe(250);
    expect(largest).toBeLessThan(2.5 * 1024 * 1024);
    expect(read.end.inputHash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('turns a death of the thread (here: out of memory under a tiny heap) into a refusal of the file', async () => {
    const file = join(tempDir(), 'wide.csv');
    writeFileSync(file, wide());
    const failure = await (async () => {
      const read = await readValidatedRows({ file, mode: 'add-remove' }, { heapMb: 2 });
      for await (const _ of read.batches) void _;
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RunRefused);
    expect(failure).toMatchObject({ code: 'READER_FAILED', message: expect.stringContaining('ran out of memory') });
  });
});

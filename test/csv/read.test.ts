import { chmodSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openCsv, readRecords, type CsvRecord, type OpenCsvOptions } from '../../src/csv/read.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/csv/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bulkhub-csv-'));
let count = 0;

/** Writes `content` to a fresh temp file and returns its path. */
function file(content: string | Buffer): string {
  const path = join(dir, `input-${++count}.csv`);
  writeFileSync(path, content);
  return path;
}

async function readAll(path: string, options?: OpenCsvOptions): Promise<{ lines: number[]; cells: string[][]; csv: Awaited<ReturnType<typeof openCsv>> }> {
  const csv = await openCsv(path, options);
  const records: CsvRecord[] = [];
  for await (const record of csv.records) records.push(record);
  return { lines: records.map((r) => r.line), cells: records.map((r) => r.cells), csv };
}

/** Reads `text` through readRecords one byte per chunk: physical lines must not depend on chunking. */
async function linesByteByByte(text: string): Promise<number[]> {
  const bytes = Buffer.from(text);
  async function* oneByte(): AsyncGenerator<Buffer> {
    for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
  }
  const raw = await readRecords(oneByte());
  const lines = [raw.header.line];
  for await (const record of raw.records) lines.push(record.line);
  return lines;
}

const HEADER = 'User ID/Email (Required),First Name,Last Name';

describe('openCsv: records and physical line numbers', () => {
  // Lines: 1 header, 2 anna, 3 blank, 4-6 a value over three lines, 7 delimiters only, 8 spaces, 9 bob.
  const lines = [HEADER, 'anna@x.nl,Anna,Smit', '', 'carl@x.nl,"Carl', 'Jan', 'Piet",Jansen', ',,', '   ', 'bob@x.nl,Bob,Bos', ''];
  const endings: [string, (i: number) => string][] = [
    ['LF', () => '\n'],
    ['CRLF', () => '\r\n'],
    ['CR only', () => '\r'],
    ['mixed', (i) => ['\r\n', '\n', '\r'][i % 3]!],
  ];
  for (const [name, ending] of endings) {
    it(`counts physical lines with ${name} endings, multi-line values and blank lines`, async () => {
      const text = lines.map((line, i) => (i < lines.length - 1 ? line + ending(i) : line)).join('');
      const { lines: starts, cells, csv } = await readAll(file(text));
      expect(starts).toEqual([2, 4, 9]);
      expect(cells[1]).toEqual(['carl@x.nl', 'Carl\nJan\nPiet', 'Jansen']);
      expect(csv.stats).toMatchObject({ blankLines: 3, dataRows: 3, bytesRead: Buffer.byteLength(text), fileSize: Buffer.byteLength(text) });
      expect(await linesByteByByte(text)).toEqual([1, 2, 4, 9]);
    });
  }

  it('matches generated files: random endings, blank lines, quoted line breaks, random chunk sizes', async () => {
    let seed = 42;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >>> 8) % n;
    const pick = <T,>(items: T[]): T => items[rand(items.length)]!;
    for (let round = 0; round < 150; round++) {
      let text = '';
      let line = 1;
      const expected: CsvRecord[] = [];
      for (let r = 0; r < 1 + rand(8); r++) {
        while (rand(4) === 0) {
          const blank = pick(['', '  ', ',,', ' , ']);
          // After a lone CR, an empty line cannot end in LF: the two would read as one CRLF.
          const endings = blank === '' && text.endsWith('\r') ? ['\r\n', '\r'] : ['\n', '\r\n', '\r'];
          text += blank + pick(endings);
          line++;
        }
        const cells = Array.from({ length: 1 + rand(3) }, () => {
          if (rand(2) === 0) return `v${rand(100)}`;
          const breaks = Array.from({ length: rand(3) }, () => pick(['\n', '\r\n', '\r']));
          return `q"${breaks.join('x')}"${rand(9)}`;
        });
        expected.push({ line, cells: cells.map((c) => c.replace(/\r\n?/g, '\n')) });
        text += cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(',') + pick(['\n', '\r\n', '\r']);
        line += 1 + cells.join('').replace(/\r\n?/g, '\n').split('\n').length - 1;
      }
      const bytes = Buffer.from(text);
      async function* randomChunks(): AsyncGenerator<Buffer> {
        for (let at = 0; at < bytes.length; ) {
          const size = 1 + rand(12);
          yield bytes.subarray(at, at + size);
          at += size;
        }
      }
      const raw = await readRecords(randomChunks());
      const got = [raw.header];
      for await (const record of raw.records) got.push(record);
      expect(got, JSON.stringify(text)).toEqual(expected);
    }
  });

  it('skips blank lines before the header and counts trailing ones', async () => {
    const { lines: starts, csv } = await readAll(file(`\n\r\n${HEADER}\nanna@x.nl,Anna,Smit\n\n\n`));
    expect(starts).toEqual([4]);
    expect(csv.stats.blankLines).toBe(4);
  });

  it('reads a header without data rows as no records (the import warns NO_DATA_ROWS)', async () => {
    const { lines: starts, csv } = await readAll(file(`${HEADER}\r\n`));
    expect(starts).toEqual([]);
    expect(csv.stats).toMatchObject({ dataRows: 0, blankLines: 0 });
  });

  it('returns cells untrimmed, ragged rows as they are, and undoes our formula escape', async () => {
    const { cells } = await readAll(file(`${HEADER},Phone Number\n a@x.nl ,'+31201234567,'Smit,'=1+1\nb@x.nl,Bob\n`));
    expect(cells).toEqual([[' a@x.nl ', '+31201234567', "'Smit", '=1+1'], ['b@x.nl', 'Bob']]);
  });

  it('strips a UTF-8 BOM so the first header still maps', async () => {
    const { csv, cells } = await readAll(file(`\uFEFF${HEADER}\nanna@x.nl,Anna,Smit\n`));
    expect(csv.hadBom).toBe(true);
    expect(csv.header.index.email).toBe(0);
    expect(csv.header.names[0]).toBe('User ID/Email (Required)');
    expect(cells).toEqual([['anna@x.nl', 'Anna', 'Smit']]);
  });

  it('sniffs semicolons and tabs from the header line, and --delimiter overrides', async () => {
    const semi = await readAll(file('User ID/Email (Required);Display Name\nanna@x.nl;Smit, Anna\n'));
    expect(semi.csv.delimiter).toBe(';');
    expect(semi.cells).toEqual([['anna@x.nl', 'Smit, Anna']]);
    const tab = await readAll(file('User ID/Email (Required)\tDisplay Name\nanna@x.nl\tSmit; Anna\n'));
    expect(tab.csv.delimiter).toBe('\t');
    // A one-column header gives no hint (it would read as ","); --delimiter decides.
    const forced = await readAll(file('User ID/Email (Required)\nanna@x.nl;Anna\n'), { delimiter: ';' });
    expect(forced.csv.delimiter).toBe(';');
    expect(forced.cells).toEqual([['anna@x.nl', 'Anna']]);
  });

  it("honours Excel's sep= line, keeping line numbers physical", async () => {
    const { csv, lines: starts } = await readAll(file(`sep=;\r\nUser ID/Email (Required);First Name\r\nanna@x.nl;Anna\r\n`));
    expect(csv.delimiter).toBe(';');
    expect(starts).toEqual([3]);
  });

  it('reads a Dutch Excel export (BOM, semicolons, CRLF, Dutch headers)', async () => {
    const { csv, cells } = await readAll(join(FIXTURES, 'export-nl.csv'));
    expect(csv).toMatchObject({ delimiter: ';', hadBom: true });
    expect(csv.header.unknown).toEqual([]);
    expect(csv.header.index).toMatchObject({ email: 0, preferredSite: 7, location: 6, basicMessaging: 11, callingViaWebex: 12 });
    expect(cells[0]?.[5]).toBe('+31201234567');
    expect(cells[0]?.[3]).toBe('de Vries; Jan');
  });

  it('closes the file when the reader stops early or the header is refused', async () => {
    /** Whether this process holds `path` open, polled for a while since closing is asynchronous. */
    const isOpen = async (path: string, expected: boolean): Promise<boolean> => {
      const holds = (): boolean =>
        readdirSync('/proc/self/fd').some((fd) => {
          try {
            return readlinkSync(`/proc/self/fd/${fd}`) === path;
          } catch {
            return false; // closed while we looked
          }
        });
      for (let tries = 0; tries < 100 && holds() !== expected; tries++) await new Promise((r) => setTimeout(r, 20));
      return holds();
    };
    const path = file(`${HEADER}\n${'a@x.nl,Anna,Smit\n'.repeat(200_000)}`); // several read chunks
    const csv = await openCsv(path);
    expect(await isOpen(path, true)).toBe(true);
    for await (const record of csv.records) if (record) break;
    expect(await isOpen(path, false)).toBe(false);

    const refusedPath = file(`${HEADER},Voornaam\n${'a@x.nl,Anna,Smit,A\n'.repeat(200_000)}`);
    await expect(openCsv(refusedPath)).rejects.toMatchObject({ code: 'DUPLICATE_COLUMN' });
    expect(await isOpen(refusedPath, false)).toBe(false);
  });
});

describe('openCsv: file-level refusals name what, where and what to do', () => {
  const refused = (content: string | Buffer | (() => string), options?: OpenCsvOptions) =>
    expect(readAll(typeof content === 'function' ? content() : file(content), options)).rejects;

  it('EMPTY_FILE for 0 bytes and for blank lines only', async () => {
    await refused('').toMatchObject({ code: 'EMPTY_FILE', message: expect.stringContaining('0 bytes') });
    await refused('\r\n  \n,,,\n\t\n').toMatchObject({ code: 'EMPTY_FILE', message: expect.stringContaining('blank lines') });
  });

  it.each([
    ['an .xlsx workbook', readFileBytes('workbook.csv'), /Excel workbook \(\.xlsx\)/],
    ['gzip', gzipSync(`${HEADER}\n`), /gzip/],
    ['an old .xls workbook', Buffer.from('d0cf11e0a1b11ae1000000', 'hex'), /old Excel workbook \(\.xls\)/],
    ['a PDF', Buffer.from('%PDF-1.7\n%\xe2\xe3', 'latin1'), /PDF/],
    ['7-Zip', Buffer.from('377abcaf271c0004', 'hex'), /7-Zip/],
    ['RAR', Buffer.from('526172211a0700', 'hex'), /RAR/],
  ])('NOT_A_CSV for %s', async (_name, bytes, format) => {
    await refused(bytes).toMatchObject({ code: 'NOT_A_CSV', message: expect.stringMatching(format) });
    await refused(bytes).toMatchObject({ message: expect.stringContaining('CSV UTF-8') });
  });

  it.each([
    ['UTF-16 LE with BOM (Excel "Unicode Text")', readFileBytes('unicode-text.csv'), /UTF-16 \(little-endian\)/],
    ['UTF-16 BE with BOM', Buffer.from(`\uFEFF${HEADER}\n`, 'utf16le').swap16(), /UTF-16 \(big-endian\)/],
    ['UTF-16 without BOM', Buffer.from(`${HEADER}\na@x.nl,A,B\n`, 'utf16le'), /looks like UTF-16/],
    ['UTF-32 LE with BOM', Buffer.from('fffe0000', 'hex'), /UTF-32/],
  ])('UNSUPPORTED_ENCODING for %s', async (_name, bytes, what) => {
    await refused(bytes).toMatchObject({ code: 'UNSUPPORTED_ENCODING', message: expect.stringMatching(what) });
  });

  it('INVALID_ENCODING for Windows-1252 names the line and byte offset', async () => {
    await refused(readFileBytes('windows-1252.csv')).toMatchObject({
      code: 'INVALID_ENCODING',
      line: 3,
      message: expect.stringMatching(/^Line 3 \(byte offset 95\).*0xE9 \("é" in Windows-1252\).*CSV UTF-8/),
    });
  });

  it('INVALID_ENCODING deep in the file counts lines through multi-line values', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `u${i}@x.nl,"A\r\nB",C`).join('\r\n');
    const bytes = Buffer.concat([Buffer.from(`${HEADER}\r\n${rows}\r\nz@x.nl,`), Buffer.from([0xc3, 0x28]), Buffer.from('\r\n')]);
    await refused(bytes).toMatchObject({ code: 'INVALID_ENCODING', line: 10002, message: expect.stringContaining(`byte offset ${bytes.length - 4}`) });
  });

  it('UNCLOSED_QUOTE names the line where the quote opened and its column', async () => {
    await refused(`${HEADER}\nanna@x.nl,Anna,Smit\nbob@x.nl,"Bob,Bos\ncarl@x.nl,Carl,Visser\n`).toMatchObject({
      code: 'UNCLOSED_QUOTE',
      line: 3,
      column: 'First Name',
      message: expect.stringContaining('starts on line 3 (column "First Name")'),
    });
  });

  it('UNCLOSED_QUOTE after a multi-line value in the same record', async () => {
    await refused(`${HEADER}\nbob@x.nl,"Bob\nBas","Bos\ncarl@x.nl,Carl,Visser\n`).toMatchObject({ code: 'UNCLOSED_QUOTE', line: 3, column: 'Last Name' });
  });

  it('INVALID_QUOTE for a quote inside an unquoted value and for text after a closing quote', async () => {
    await refused(`${HEADER}\nanna@x.nl,Anna,Smit\nbob@x.nl,Jo"hn,Bos\n`).toMatchObject({
      code: 'INVALID_QUOTE',
      line: 3,
      column: 'First Name',
      message: expect.stringMatching(/^Line 3, column "First Name"/),
    });
    await refused(`${HEADER}\r\nanna@x.nl,"An\r\nna",Smit\r\nbob@x.nl,Bob,"Bos"x\r\n`).toMatchObject({ code: 'INVALID_QUOTE', line: 4, column: 'Last Name' });
  });

  it('RECORD_TOO_LARGE for a runaway record, at the line where it starts', async () => {
    const runaway = `${HEADER}\nanna@x.nl,Anna,Smit\nbob@x.nl,"Bob,Bos\n${'carl@x.nl,Carl,Visser\n'.repeat(50)}`;
    await refused(runaway, { maxRecordBytes: 200 }).toMatchObject({ code: 'RECORD_TOO_LARGE', line: 3, message: expect.stringContaining('a quote on line 3 is never closed') });
  });

  it('RECORD_TOO_LARGE for one long line without a quote says so, and blames no quote', async () => {
    const long = `${HEADER}\nanna@x.nl,Anna,Smit\nbob@x.nl,${'A'.repeat(500)},Bos\n`;
    const refusal = refused(long, { maxRecordBytes: 200 });
    await refusal.toMatchObject({ code: 'RECORD_TOO_LARGE', line: 3, message: expect.stringMatching(/^Line 3 is longer than 200 characters/) });
    await refused(long, { maxRecordBytes: 200 }).toMatchObject({ message: expect.not.stringContaining('quote') });
  });

  it('TOO_MANY_COLUMNS above the limit', async () => {
    await refused(`${HEADER},A,B\n`, { maxColumns: 4 }).toMatchObject({ code: 'TOO_MANY_COLUMNS', line: 1, message: expect.stringContaining('5 columns') });
  });

  it('AMBIGUOUS_DELIMITER when the header has as many commas as semicolons', async () => {
    await refused('User ID/Email (Required);Name,First\n').toMatchObject({ code: 'AMBIGUOUS_DELIMITER', line: 1, message: expect.stringContaining('--delimiter') });
  });

  it('MISSING_EMAIL_COLUMN and DUPLICATE_COLUMN carry the header line', async () => {
    await refused('sep=,\nName,Phone\n').toMatchObject({ code: 'MISSING_EMAIL_COLUMN', line: 2 });
    await refused(`${HEADER},Voornaam\n`).toMatchObject({ code: 'DUPLICATE_COLUMN', line: 1, column: 'First Name' });
  });

  it('UNREADABLE_INPUT for a missing file, a folder and no permission', async () => {
    await refused(() => join(dir, 'missing.csv')).toMatchObject({ code: 'UNREADABLE_INPUT', message: expect.stringContaining('does not exist') });
    await refused(() => dir).toMatchObject({ code: 'UNREADABLE_INPUT', message: expect.stringContaining('folder') });
  });

  it.skipIf(process.getuid?.() === 0)('UNREADABLE_INPUT without read permission', async () => {
    const path = file(`${HEADER}\n`);
    chmodSync(path, 0o000);
    await refused(() => path).toMatchObject({ code: 'UNREADABLE_INPUT', message: expect.stringContaining('permission denied') });
  });
});

function readFileBytes(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RunRefused } from '../../src/domain/codes.js';
import { readRecords, type CsvRecord, type ReadOptions } from '../../src/csv/read.js';

// csv-spectrum (BSD-2-Clause, its LICENSE beside it), vendored into the fixtures: a fresh clone tests alone.
const CORPUS = fileURLToPath(new URL('../fixtures/csv-spectrum/', import.meta.url));
const names = readdirSync(`${CORPUS}csvs`).filter((f) => f.endsWith('.csv')).map((f) => basename(f, '.csv')).sort();

/** Yields `bytes` in chunks of the sizes `next()` gives, to hit every buffer boundary. */
async function* chunked(bytes: Buffer, next: () => number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; ) {
    const size = next();
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

/** A small seeded generator (mulberry32), so a failing chunking can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Parsed {
  header: CsvRecord;
  records: CsvRecord[];
  blankLines: number;
}

async function parseAll(bytes: Buffer, next: () => number = () => bytes.length || 1, options: ReadOptions = {}): Promise<Parsed> {
  const raw = await readRecords(chunked(bytes, next), options);
  const records: CsvRecord[] = [];
  for await (const record of raw.records) records.push(record);
  return { header: raw.header, records, blankLines: raw.stats.blankLines };
}

async function outcome(bytes: Buffer, next?: () => number, options?: ReadOptions): Promise<Parsed | string> {
  try {
    return await parseAll(bytes, next, options);
  } catch (error) {
    return error instanceof RunRefused ? `${error.code} line ${error.line} ${error.column}: ${error.message}` : String(error);
  }
}

describe('csv-spectrum conformance', () => {
  it('finds the whole corpus', () => {
    expect(names).toHaveLength(12);
  });

  for (const name of names.filter((n) => n !== 'location_coordinates')) {
    it(`${name}.csv reads as json/${name}.json`, async () => {
      const { header, records } = await parseAll(readFileSync(`${CORPUS}csvs/${name}.csv`));
      const expected = JSON.parse(readFileSync(`${CORPUS}json/${name}.json`, 'utf8')) as Record<string, string>[];
      const actual = records.map((r) => Object.fromEntries(header.cells.map((h, i) => [h, r.cells[i]])));
      // The decode stage turns every line break into "\n", inside quoted values too (by design).
      const normalised = expected.map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v.replace(/\r\n?/g, '\n')])),
      );
      expect(actual).toEqual(normalised);
    });
  }

  it('refuses location_coordinates.csv for its stray quote (its JSON cannot equal a correct parse)', async () => {
    const bytes = readFileSync(`${CORPUS}csvs/location_coordinates.csv`);
    await expect(parseAll(bytes)).rejects.toMatchObject({
      code: 'INVALID_QUOTE',
      line: 2,
      column: 'Location Coordinates',
    });
  });

  it('gives physical start lines for the multi-line records', async () => {
    const lines = async (name: string): Promise<number[]> =>
      (await parseAll(readFileSync(`${CORPUS}csvs/${name}.csv`))).records.map((r) => r.line);
    expect(await lines('newlines')).toEqual([2, 3, 5]);
    expect(await lines('newlines_crlf')).toEqual([2, 3, 5]);
    expect(await lines('quotes_and_newlines')).toEqual([2, 5]);
  });

  for (const name of names) {
    it(`${name}.csv gives the same result one byte per chunk and in random chunk sizes`, async () => {
      const bytes = readFileSync(`${CORPUS}csvs/${name}.csv`);
      const whole = await outcome(bytes);
      expect(await outcome(bytes, () => 1)).toEqual(whole);
      for (let seed = 1; seed <= 25; seed++) {
        const rand = random(seed);
        expect(await outcome(bytes, () => 1 + Math.floor(rand() * 9))).toEqual(whole);
      }
    });
  }
});

describe('the fast path reads exactly what csv-parse reads', () => {
  // Pieces that make every kind of record: quoted and bare values, doubled quotes, stray quotes,
  // text after a closing quote, line breaks inside and between records, blank and space-only
  // lines, non-ASCII text and characters cut across chunks.
  const PIECES = ['a', 'bc', 'é', '😀', ',', ',', ';', '"', '""', '"x"', '"a,\nb"', '\n', '\n', '\r\n', '\r', ' ', '\t', "'+1"];

  const compare = async (bytes: Buffer, rand: () => number, options: ReadOptions = {}): Promise<void> => {
    const reference = await outcome(bytes, undefined, { ...options, fastPath: false });
    expect(await outcome(bytes, undefined, options), bytes.toString()).toEqual(reference);
    expect(await outcome(bytes, () => 1 + Math.floor(rand() * 7), options), bytes.toString()).toEqual(reference);
  };

  it('on 3,000 random inputs, whole and in random chunks, errors and their wording included', async () => {
    const rand = random(20261121);
    for (let i = 0; i < 3000; i++) {
      let text = 'email,name\n';
      const length = Math.floor(rand() * 40);
      for (let k = 0; k < length; k++) text += PIECES[Math.floor(rand() * PIECES.length)];
      await compare(Buffer.from(text), rand, { delimiter: ',' });
    }
  });

  it('on mostly well-formed rows, with a small record limit', async () => {
    const rand = random(7);
    const value = (): string => {
      const roll = rand();
      if (roll < 0.6) return 'v'.repeat(Math.floor(rand() * 6));
      if (roll < 0.9) return `"q,${'""'.repeat(Math.floor(rand() * 2))}\n${'w'.repeat(Math.floor(rand() * 5))}"`;
      return rand() < 0.5 ? 'x"y' : '"x"y';
    };
    for (let i = 0; i < 500; i++) {
      const rows = Array.from({ length: 1 + Math.floor(rand() * 8) }, () => Array.from({ length: 1 + Math.floor(rand() * 4) }, value).join(';'));
      const text = `email;name\n${rows.join(rand() < 0.3 ? '\n\n' : '\n')}${rand() < 0.5 ? '\n' : ''}`;
      await compare(Buffer.from(text), rand, { delimiter: ';', maxRecordBytes: 12 });
    }
  });

  for (const name of names) {
    it(`on ${name}.csv`, async () => {
      await compare(readFileSync(`${CORPUS}csvs/${name}.csv`), random(3));
    });
  }
});

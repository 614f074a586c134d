import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RunRefused } from '../../src/domain/codes.js';
import { readRecords, type CsvRecord } from '../../src/csv/read.js';

// csv-spectrum (BSD-2-Clause), vendored beside the repo in shared/ (CI clones it there too).
const CORPUS = fileURLToPath(new URL('../../../shared/corpora/csv-spectrum/', import.meta.url));
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

async function parseAll(bytes: Buffer, next: () => number = () => bytes.length || 1): Promise<Parsed> {
  const raw = await readRecords(chunked(bytes, next));
  const records: CsvRecord[] = [];
  for await (const record of raw.records) records.push(record);
  return { header: raw.header, records, blankLines: raw.stats.blankLines };
}

async function outcome(bytes: Buffer, next?: () => number): Promise<Parsed | string> {
  try {
    return await parseAll(bytes, next);
  } catch (error) {
    return error instanceof RunRefused ? `${error.code} line ${error.line} ${error.column}` : String(error);
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

import { createWriteStream, mkdirSync, renameSync, writeFileSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { neutralise } from '../csv/formula.js';
import type { Delimiter } from '../csv/sniff.js';
import type { ReportRow, RunSummary } from '../journal/types.js';
import { reportTables } from './rows.js';

export interface ReportPaths {
  dir: string;
  results: string;
  errors: string;
  summary: string;
  /** The review page (review-html.ts). */
  review: string;
}

export function reportPaths(dir: string): ReportPaths {
  return { dir, results: join(dir, 'results.csv'), errors: join(dir, 'errors.csv'), summary: join(dir, 'summary.json'), review: join(dir, 'report.html') };
}

const BATCH = 1000;

export interface CsvReportOptions {
  /** The field delimiter (default `,`): a `;`-delimited input gets `;`-delimited reports, so Excel set to that list separator opens them in columns. */
  delimiter?: Delimiter;
}

/**
 * Writes results.csv and errors.csv from the journal's rows, in input order (the tables of
 * rows.ts). Both start with a UTF-8 byte order mark and use CRLF, so Excel opens them as UTF-8;
 * every cell a spreadsheet would run as a formula is neutralised. Each file is written under a
 * temporary name and renamed when complete: a crash never leaves a half report that looks whole.
 */
export async function writeRowReports(paths: ReportPaths, header: readonly string[], rows: Iterable<ReportRow>, options: CsvReportOptions = {}): Promise<void> {
  mkdirSync(paths.dir, { recursive: true });
  const tables = reportTables(header);
  const delimiter = options.delimiter ?? ',';
  const results = new CsvFile(paths.results, [...tables.resultColumns], delimiter);
  const errors = new CsvFile(paths.errors, [...tables.errorColumns], delimiter);
  for (const { result, error } of tables.records(rows)) {
    await results.add(result);
    if (error) await errors.add(error);
  }
  await Promise.all([results.close(), errors.close()]);
}

export function writeSummary(paths: ReportPaths, summary: RunSummary): void {
  mkdirSync(paths.dir, { recursive: true });
  const partial = `${paths.summary}.partial`;
  writeFileSync(partial, `${JSON.stringify(summary, null, 2)}\n`);
  renameSync(partial, paths.summary);
}

/** A CSV report being written: batched, with backpressure, renamed into place on close. */
class CsvFile {
  private readonly out: WriteStream;
  private batch: string[][] = [];

  constructor(private readonly path: string, header: string[], private readonly delimiter: Delimiter) {
    this.out = createWriteStream(`${path}.partial`);
    this.out.write('\uFEFF');
    this.batch.push(header);
  }

  async add(record: string[]): Promise<void> {
    this.batch.push(record);
    if (this.batch.length >= BATCH) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const text = stringify(this.batch.map((r) => r.map(neutralise)), { record_delimiter: '\r\n', delimiter: this.delimiter });
    this.batch = [];
    if (!this.out.write(text)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.out.end();
    await once(this.out, 'close');
    renameSync(`${this.path}.partial`, this.path);
  }
}

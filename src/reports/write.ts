import { mkdirSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Delimiter } from '../csv/sniff.js';
import { csvText, UTF8_BOM } from '../csv/write.js';
import type { ReportRow, RunSummary } from '../journal/types.js';
import { partialStream, writeFileWhole } from './partial-file.js';
import { reportTables } from './rows.js';

export interface ReportPaths {
  dir: string;
  results: string;
  errors: string;
  summary: string;
  /** The review page (review-html.ts). */
  review: string;
  /** Written with `--report-format xlsx`, beside the CSVs. */
  resultsXlsx: string;
  errorsXlsx: string;
}

export function reportPaths(dir: string): ReportPaths {
  return {
    dir, results: join(dir, 'results.csv'), errors: join(dir, 'errors.csv'), summary: join(dir, 'summary.json'), review: join(dir, 'report.html'),
    resultsXlsx: join(dir, 'results.xlsx'), errorsXlsx: join(dir, 'errors.xlsx'),
  };
}

const BATCH = 1000;

export interface CsvReportOptions {
  /** The field delimiter (default `,`): a `;`-delimited input gets `;`-delimited reports, so Excel set to that list separator opens them in columns. */
  delimiter?: Delimiter;
  /** `xlsx` also writes results.xlsx and errors.xlsx (src/xlsx/write.ts). @default 'csv' */
  format?: ReportFormat;
}

/** `csv`: results.csv and errors.csv; `xlsx`: results.xlsx and errors.xlsx as well. */
export type ReportFormat = 'csv' | 'xlsx';

interface ReportFile {
  add(record: string[]): Promise<void>;
  /** Completes the file and renames it into place. */
  close(): Promise<void>;
  /** Removes the temporary file of a report that was not completed (a no-op once closed). */
  discard(): void;
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
  const results: ReportFile[] = [new CsvFile(paths.results, [...tables.resultColumns], delimiter)];
  const errors: ReportFile[] = [new CsvFile(paths.errors, [...tables.errorColumns], delimiter)];
  try {
    if (options.format === 'xlsx') {
      // The same records, in workbooks whose cells are text: no formula neutralising needed. Loaded
      // only when asked for, as the zip library would slow every other start of the program.
      const { XlsxFile } = await import('../xlsx/write.js');
      results.push(new XlsxFile(paths.resultsXlsx, tables.resultColumns, 'Results'));
      errors.push(new XlsxFile(paths.errorsXlsx, tables.errorColumns, 'Errors'));
    }
    for (const { result, error } of tables.records(rows)) {
      for (const file of results) await file.add(result);
      if (error) for (const file of errors) await file.add(error);
    }
    await Promise.all([...results, ...errors].map((file) => file.close()));
  } finally {
    for (const file of [...results, ...errors]) file.discard();
  }
}

export function writeSummary(paths: ReportPaths, summary: RunSummary): void {
  mkdirSync(paths.dir, { recursive: true });
  writeFileWhole(paths.summary, `${JSON.stringify(summary, null, 2)}\n`);
}

/** A CSV report being written: batched, with backpressure, renamed into place on close. */
class CsvFile {
  private readonly file: ReturnType<typeof partialStream>;
  private readonly out: WriteStream;
  private batch: string[][] = [];
  private failure: Error | undefined;
  private closed = false;

  constructor(path: string, header: string[], private readonly delimiter: Delimiter) {
    this.file = partialStream(path);
    this.out = this.file.stream;
    // Kept until the next write or close asks: a full disk must fail the run, never crash it.
    this.out.on('error', (error) => (this.failure ??= error));
    this.out.write(UTF8_BOM);
    this.batch.push(header);
  }

  async add(record: string[]): Promise<void> {
    this.batch.push(record);
    if (this.batch.length >= BATCH) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.batch.length === 0) return;
    const text = csvText(this.batch, this.delimiter);
    this.batch = [];
    if (!this.out.write(text)) {
      // The wait that loses the race is cancelled: left pending, each drain left a 'close' and an
      // 'error' listener behind, and Node warned on stderr after ten of them (a large report).
      const waits = new AbortController();
      try {
        await Promise.race([once(this.out, 'drain', { signal: waits.signal }), once(this.out, 'close', { signal: waits.signal })]);
      } finally {
        waits.abort();
      }
    }
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    await this.flush();
    this.out.end();
    if (!this.out.closed) await once(this.out, 'close');
    if (this.failure) throw this.failure;
    this.file.commit();
    this.closed = true;
  }

  /** Removes the temporary file of a report that was not completed. */
  discard(): void {
    if (!this.closed) this.file.discard();
  }
}

import { createWriteStream, mkdirSync, renameSync, writeFileSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { headerKey, REPORT_COLUMNS } from '../domain/columns.js';
import { neutralise } from '../csv/formula.js';
import type { ReportRow, RunSummary } from '../journal/types.js';

/** The columns of results.csv, in the order the contract promises. */
export const RESULT_COLUMNS = ['line', 'email', 'action', 'status', 'code', 'message'] as const;

export interface ReportPaths {
  dir: string;
  results: string;
  errors: string;
  summary: string;
  /** Written with `--report-format xlsx`, beside the CSVs. */
  resultsXlsx: string;
  errorsXlsx: string;
}

export function reportPaths(dir: string): ReportPaths {
  return {
    dir, results: join(dir, 'results.csv'), errors: join(dir, 'errors.csv'), summary: join(dir, 'summary.json'),
    resultsXlsx: join(dir, 'results.xlsx'), errorsXlsx: join(dir, 'errors.xlsx'),
  };
}

const BATCH = 1000;
const REPORT_KEYS = new Set(REPORT_COLUMNS.map(headerKey));

/**
 * Writes results.csv and errors.csv from the journal's rows, in input order. Both start with
 * a UTF-8 byte order mark and use CRLF, so Excel opens them as UTF-8; every cell a spreadsheet
 * would run as a formula is neutralised. Each file is written under a temporary name and
 * renamed when complete: a crash never leaves a half report that looks whole.
 */
export async function writeRowReports(paths: ReportPaths, header: readonly string[], rows: Iterable<ReportRow>, format: ReportFormat = 'csv'): Promise<void> {
  mkdirSync(paths.dir, { recursive: true });
  // A fed-back errors.csv already has our two columns: keep them out of the copy of its header.
  const kept = header.map((name, i) => (REPORT_KEYS.has(headerKey(name)) ? -1 : i)).filter((i) => i >= 0);
  const errorHeader = [...kept.map((i) => header[i]!), ...REPORT_COLUMNS];
  const results: ReportFile[] = [new CsvFile(paths.results, [...RESULT_COLUMNS])];
  const errors: ReportFile[] = [new CsvFile(paths.errors, errorHeader)];
  if (format === 'xlsx') {
    // The same records, in workbooks whose cells are text: no formula neutralising needed. Loaded
    // only when asked for, as the zip library would slow every other start of the program.
    const { XlsxFile } = await import('../xlsx/write.js');
    results.push(new XlsxFile(paths.resultsXlsx, RESULT_COLUMNS, 'Results'));
    errors.push(new XlsxFile(paths.errorsXlsx, errorHeader, 'Errors'));
  }
  for (const row of rows) {
    const result = [String(row.line), row.email, row.action, row.status, row.code, row.message];
    for (const file of results) await file.add(result);
    if (row.status === 'error') {
      const record = errorRecord(row, header.length, kept);
      for (const file of errors) await file.add(record);
    }
  }
  await Promise.all([...results, ...errors].map((file) => file.close()));
}

/** `csv`: results.csv and errors.csv; `xlsx`: results.xlsx and errors.xlsx as well. */
export type ReportFormat = 'csv' | 'xlsx';

interface ReportFile {
  add(record: string[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * The row's own cells, so a person can fix them in place, then the error. A row with more
 * fields than the header cannot line up with it: its extra values go into the message rather
 * than being lost.
 */
function errorRecord(row: ReportRow, width: number, kept: readonly number[]): string[] {
  const cells = kept.map((i) => row.cells[i] ?? '');
  const extra = row.cells.slice(width);
  const message = extra.length > 0 ? `${row.message} Values past the last column: ${extra.join(' | ')}` : row.message;
  return [...cells, row.code, message];
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

  constructor(private readonly path: string, header: string[]) {
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
    const text = stringify(this.batch.map((r) => r.map(neutralise)), { record_delimiter: '\r\n' });
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

import { mkdirSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { headerKey, REPORT_COLUMNS } from '../domain/columns.js';
import { csvText, UTF8_BOM } from '../csv/write.js';
import { partialStream, writeFileWhole } from './partial-file.js';
import type { ReportRow, RunSummary } from '../journal/types.js';

/** The columns of results.csv, in the order the contract promises. */
export const RESULT_COLUMNS = ['line', 'email', 'action', 'status', 'code', 'message'] as const;

export interface ReportPaths {
  dir: string;
  results: string;
  errors: string;
  summary: string;
}

export function reportPaths(dir: string): ReportPaths {
  return { dir, results: join(dir, 'results.csv'), errors: join(dir, 'errors.csv'), summary: join(dir, 'summary.json') };
}

const BATCH = 1000;
const REPORT_KEYS = new Set(REPORT_COLUMNS.map(headerKey));

/**
 * Writes results.csv and errors.csv from the journal's rows, in input order. Both start with
 * a UTF-8 byte order mark and use CRLF, so Excel opens them as UTF-8; every cell a spreadsheet
 * would run as a formula is neutralised. Each file is written under a temporary name and
 * renamed when complete: a crash never leaves a half report that looks whole.
 */
export async function writeRowReports(paths: ReportPaths, header: readonly string[], rows: Iterable<ReportRow>): Promise<void> {
  mkdirSync(paths.dir, { recursive: true });
  // A fed-back errors.csv already has our two columns: keep them out of the copy of its header.
  const kept = header.map((name, i) => (REPORT_KEYS.has(headerKey(name)) ? -1 : i)).filter((i) => i >= 0);
  const results = new CsvFile(paths.results, [...RESULT_COLUMNS]);
  const errors = new CsvFile(paths.errors, [...kept.map((i) => header[i]!), ...REPORT_COLUMNS]);
  try {
    for (const row of rows) {
      await results.add([String(row.line), row.email, row.action, row.status, row.code, row.message]);
      if (row.status === 'error') await errors.add(errorRecord(row, header.length, kept));
    }
    await Promise.all([results.close(), errors.close()]);
  } finally {
    results.discard();
    errors.discard();
  }
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
  writeFileWhole(paths.summary, `${JSON.stringify(summary, null, 2)}\n`);
}

/** A CSV report being written: batched, with backpressure, renamed into place on close. */
class CsvFile {
  private readonly file: ReturnType<typeof partialStream>;
  private readonly out: WriteStream;
  private batch: string[][] = [];
  private failure: Error | undefined;
  private closed = false;

  constructor(path: string, header: string[]) {
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
    const text = csvText(this.batch);
    this.batch = [];
    if (!this.out.write(text)) await Promise.race([once(this.out, 'drain'), once(this.out, 'close')]);
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

import { headerKey, REPORT_COLUMNS } from '../domain/columns.js';
import type { ReportRow } from '../journal/types.js';

/** The columns of results.csv, in the order the contract promises. */
export const RESULT_COLUMNS = ['line', 'email', 'action', 'status', 'code', 'message'] as const;

/** One journal row as the row reports print it: its results record, and its errors record when it is an error row. */
export interface ReportRecords {
  result: string[];
  error: string[] | undefined;
}

/**
 * The tables of the row reports (results and errors), whatever file format writes them: one
 * place decides their columns and cells, each writer (CSV, workbook) only encodes them.
 */
export interface ReportTables {
  resultColumns: readonly string[];
  /** The input's own columns (without the error columns of a fed-back errors file), then `Error Code`, `Error Message`. */
  errorColumns: readonly string[];
  records(rows: Iterable<ReportRow>): Generator<ReportRecords>;
}

const REPORT_KEYS = new Set(REPORT_COLUMNS.map(headerKey));

/** The report tables of a run whose input had `header`. */
export function reportTables(header: readonly string[]): ReportTables {
  // A fed-back errors.csv already has our two columns: keep them out of the copy of its header.
  const kept = header.map((name, i) => (REPORT_KEYS.has(headerKey(name)) ? -1 : i)).filter((i) => i >= 0);
  return {
    resultColumns: RESULT_COLUMNS,
    errorColumns: [...kept.map((i) => header[i]!), ...REPORT_COLUMNS],
    *records(rows) {
      for (const row of rows) {
        yield {
          result: [String(row.line), row.email, row.action, row.status, row.code, row.message],
          error: row.status === 'error' ? errorRecord(row, header.length, kept) : undefined,
        };
      }
    },
  };
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

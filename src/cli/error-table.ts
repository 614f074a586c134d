import type { RunRows } from '../journal/rows.js';
import type { ReportRow } from '../journal/types.js';

/** The error rows a listing shows, and how many the run has in all (with the same filter). */
export interface ErrorListing {
  rows: ReportRow[];
  total: number;
}

/**
 * Up to `limit` error rows of a run in input order (`limit` 0: all of them); with `code`, only
 * rows with an error of that code. The total comes from the journal's counts when nothing is
 * filtered, else from reading on past the shown rows.
 */
export function listErrors(journal: RunRows, options: { code?: string; limit: number }): ErrorListing {
  const rows: ReportRow[] = [];
  let total = 0;
  for (const row of journal.errorRows(options.code)) {
    if (options.limit === 0 || rows.length < options.limit) rows.push(row);
    else if (options.code === undefined) return { rows, total: journal.tally().errors };
    total++;
  }
  return { rows, total };
}

/** One error row as `--json` prints it: a JSON object per line. */
export function errorJson(row: ReportRow): object {
  const errors = row.issues.filter((i) => i.severity === 'error');
  return {
    line: row.line,
    email: row.email,
    code: row.code,
    codes: [...new Set(errors.map((i) => i.code))],
    columns: [...new Set(errors.flatMap((i) => (i.column === undefined ? [] : [i.column])))],
    message: row.message,
  };
}

const EMAIL_WIDTH = 40;

/**
 * The rows as a table of line, e-mail, code and message, for a terminal. With `code`, that is
 * the code shown (a row's first error may be another). Control characters of a value (a line
 * break, an escape sequence) are shown as escapes, never sent to the terminal.
 */
export function errorTable(rows: readonly ReportRow[], code?: string): string {
  const cells = rows.map((r) => [String(r.line), clip(visible(r.email), EMAIL_WIDTH), code ?? r.code, visible(r.message)]);
  const header = ['LINE', 'E-MAIL', 'CODE', 'MESSAGE'];
  const widths = [0, 1, 2].map((i) => Math.max(header[i]!.length, ...cells.map((c) => [...c[i]!].length)));
  const line = (c: string[]) => c.map((text, i) => (i < 3 ? pad(text, widths[i]!) : text)).join('  ').trimEnd();
  return [line(header), ...cells.map(line)].join('\n');
}

/** What follows a cut listing: how many more, and where they all are. */
export function moreErrors(listing: ErrorListing, errorsCsv: string, runId: string): string | undefined {
  const more = listing.total - listing.rows.length;
  if (more <= 0) return undefined;
  return `... and ${more} more; all ${listing.total} are in ${errorsCsv} ("bulkhub runs show ${runId} --errors --limit 0" lists them here).`;
}

// --- Internal helpers ---

function visible(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function clip(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - [...text].length));
}

import type { Db } from '../db/open.js';
import { rowError, type Issue, type RowCode } from '../domain/codes.js';
import { quote } from '../domain/fields.js';
import { indexForCrossChecks } from './schema.js';
import type { RunRows } from './rows.js';

/**
 * Checks across rows, run as SQL over the journal so they cost no memory whatever the file
 * size. A duplicated e-mail is an error on every one of its rows, never "last one wins": the
 * file's intent is ambiguous and order-dependence would make resume unsafe. Phone numbers and
 * extensions given twice in one file would fail on the second apply anyway; finding them here
 * lets the dry run tell the truth.
 */
export function markDuplicates(db: Db, rows: RunRows): number {
  indexForCrossChecks(db);
  let marked = 0;
  marked += markGroups(db, rows, 'key', 'DUPLICATE_EMAIL', (value, lines) =>
    `${quote(value)} appears on lines ${listLines(lines)}; a user may appear only once in a file, so none of these rows is applied. Keep one row per user.`);
  marked += markGroups(db, rows, 'phone', 'DUPLICATE_PHONE_NUMBER', (value, lines) =>
    `Phone Number ${value} is given to the users on lines ${listLines(lines)}; a phone number belongs to one user of the customer.`);
  marked += markGroups(db, rows, 'ext_key', 'DUPLICATE_EXTENSION', (value, lines) => {
    const [location, extension] = value.split('|');
    return `Extension ${extension} is given to the users on lines ${listLines(lines)}, all in location ${quote(location ?? '')}; an extension belongs to one user of a location.`;
  });
  return marked;
}

/** Phone and extension keys are written only for valid rows, so every check reads its index alone. */
function markGroups(db: Db, rows: RunRows, column: 'key' | 'phone' | 'ext_key', code: RowCode,
  describe: (value: string, lines: number[]) => string): number {
  const groups = db
    .prepare(
      `SELECT ${column} AS value, group_concat(line) AS lines FROM journal_rows
       WHERE run_id = ? AND ${column} IS NOT NULL GROUP BY ${column} HAVING COUNT(*) > 1`,
    )
    .all(rows.runId) as Array<{ value: string; lines: string }>;
  const issuesOf = db.prepare('SELECT issues, email FROM journal_rows WHERE run_id = ? AND line = ?');
  let marked = 0;
  for (const group of groups) {
    const lines = group.lines.split(',').map(Number).sort((a, b) => a - b);
    const shown = column === 'key' ? (issuesOf.get(rows.runId, lines[0]) as { email: string }).email : group.value;
    const issue = rowError(code, describe(shown, lines));
    rows.markDone(lines.map((line) => {
      const { issues } = issuesOf.get(rows.runId, line) as { issues: string };
      return { line, action: 'none' as const, issues: [...(JSON.parse(issues) as Issue[]), issue] };
    }));
    marked += lines.length;
  }
  return marked;
}

function listLines(lines: number[]): string {
  if (lines.length > 10) return `${lines.slice(0, 10).join(', ')} and ${lines.length - 10} more`;
  return `${lines.slice(0, -1).join(', ')} and ${lines[lines.length - 1]}`;
}

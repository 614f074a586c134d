import { COLUMNS } from '../domain/columns.js';
import { ROW_CODES, RUN_CODES, WARNING_CODES, type Issue } from '../domain/codes.js';
import { PACKAGE_COLUMN, PACKAGES } from '../domain/packages.js';
import type { RowStatus } from '../domain/user.js';
import type { RunRows } from '../journal/rows.js';
import type { RunNotes, RunRecord } from '../journal/runs.js';
import type { Counts, ReportRow } from '../journal/types.js';
import { countsOf } from './summary.js';

/**
 * The review page's content, built from the journal: what a person needs the next morning to
 * see what happened and fix what failed. Bounded whatever the run's size: the first rows of
 * each group, with the groups' full counts; every row is in the CSV reports.
 */
export interface Review {
  run: Pick<RunRecord, 'id' | 'customerId' | 'backend' | 'inputFile' | 'mode' | 'dryRun' | 'allowRemovals' | 'state' | 'startedAt' | 'finishedAt'>;
  counts: Counts;
  refusal: { code: string; message: string } | undefined;
  guard: RunNotes['guard'];
  /** File-level warnings (ignored columns, blank lines, no data rows). */
  notices: Array<{ code: string; message: string }>;
  /** The input's header cells, as written. */
  header: string[];
  /** Problem groups by code: errors first (most rows first), then rows not applied (first of all when the guard stopped the run), then warnings. */
  groups: ReviewGroup[];
  /** Rows per column with a problem, and their codes; `null` column: problems of the whole row. */
  columns: Array<{ column: string | null; rows: number; codes: Array<{ code: string; rows: number }> }>;
  /** The rows the groups show (each once), by index. */
  rows: ReviewRow[];
  /** How many rows a group shows at most. */
  rowsPerGroup: number;
}

export type ProblemStatus = Exclude<RowStatus, 'ok'>;

export interface ReviewGroup {
  code: string;
  status: ProblemStatus;
  /** What the code means, in plain words (domain/codes.ts). */
  meaning: string;
  /** Every row of the run in this group. */
  count: number;
  /** Indexes into `Review.rows` of the rows shown: the group's first ones, in line order. */
  shown: number[];
}

export interface ReviewRow {
  line: number;
  email: string;
  status: ProblemStatus;
  action: string;
  /** The codes of the row's problems that count for its status (errors of an error row, and so on). */
  codes: string[];
  /** The columns those problems are in. */
  columns: string[];
  message: string;
  /** The row's cells as read (each cut to `CELL_MAX` characters). */
  cells: string[];
  /** Indexes of the cells with a problem. */
  marked: number[];
}

/** At most this many rows per group: a million-row run still gives a page a browser opens at once. */
export const ROWS_PER_GROUP = 100;
/** Cells and messages are cut to this many characters on the page (the CSV reports keep them whole). */
export const CELL_MAX = 300;
const MESSAGE_MAX = 2000;

/**
 * The column of a problem that names none: the duplicates and target refusals of one field,
 * and the package columns for the problems of the package choice.
 */
const PACKAGE_COLUMNS = PACKAGES.map((p) => PACKAGE_COLUMN[p]);
const CODE_COLUMNS: Partial<Record<string, readonly string[]>> = {
  DUPLICATE_EMAIL: [COLUMNS.email],
  DUPLICATE_PHONE_NUMBER: [COLUMNS.phoneNumber],
  PHONE_NUMBER_IN_USE: [COLUMNS.phoneNumber],
  DUPLICATE_EXTENSION: [COLUMNS.extension],
  EXTENSION_IN_USE: [COLUMNS.extension],
  MISSING_PREFERRED_SITE: [COLUMNS.preferredSite],
  MULTIPLE_PACKAGES: PACKAGE_COLUMNS,
  PARTIAL_REMOVAL: PACKAGE_COLUMNS,
  NO_PACKAGE_FOR_NEW_USER: PACKAGE_COLUMNS,
};

const MEANINGS: Record<string, string> = { ...ROW_CODES, ...WARNING_CODES, ...RUN_CODES };
const STATUS_ORDER: Record<ProblemStatus, number> = { error: 0, not_applied: 1, warning: 2 };

/** Builds the review of a run from the journal: one pass over the batches that hold a problem. */
export function buildReview(run: RunRecord, journal: RunRows, rowsPerGroup = ROWS_PER_GROUP): Review {
  const header = run.header ?? [];
  const positions = columnPositions(run.notes?.columns ?? []);
  const groups = new Map<string, ReviewGroup>();
  const byColumn = new Map<string | null, { rows: number; codes: Map<string, number> }>();
  const rows: ReviewRow[] = [];
  // A run the removal guard stopped is about the rows it did not apply: they come first.
  const statusOrder = (status: ProblemStatus) => (status === 'not_applied' && run.state === 'refused' ? -1 : STATUS_ORDER[status]);

  // A row's cells are read only when one of its groups still has room to show it.
  const hasRoom = (row: Pick<ReportRow, 'status' | 'code' | 'issues'>): boolean => {
    const status = row.status as ProblemStatus;
    return problemsOf(row, status).some((p) => (groups.get(`${status} ${p.code}`)?.shown.length ?? 0) < rowsPerGroup);
  };
  for (const row of journal.problemRows(hasRoom)) {
    const status = row.status as ProblemStatus;
    const problems = problemsOf(row, status);
    const codes = [...new Set(problems.map((p) => p.code))];
    const columns = [...new Set(problems.flatMap((p) => p.columns))];
    let index: number | undefined;
    for (const code of codes) {
      const key = `${status} ${code}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { code, status, meaning: MEANINGS[code] ?? '', count: 0, shown: [] }));
      group.count++;
      if (group.shown.length >= rowsPerGroup) continue;
      index ??= rows.push(reviewRow(row, status, codes, columns, positions)) - 1;
      group.shown.push(index);
    }
    for (const problem of problems) {
      for (const column of problem.columns.length > 0 ? problem.columns : [null]) {
        let tally = byColumn.get(column);
        if (!tally) byColumn.set(column, (tally = { rows: 0, codes: new Map() }));
        tally.codes.set(problem.code, (tally.codes.get(problem.code) ?? 0) + 1);
      }
    }
    for (const column of columns.length > 0 ? columns : [null]) byColumn.get(column)!.rows++;
  }

  return {
    run: {
      id: run.id, customerId: run.customerId, backend: run.backend, inputFile: run.inputFile, mode: run.mode, dryRun: run.dryRun,
      allowRemovals: run.allowRemovals, state: run.state, startedAt: run.startedAt, finishedAt: run.finishedAt,
    },
    counts: countsOf(journal.tally()),
    refusal: run.summary?.refusal,
    guard: run.notes?.guard,
    notices: notices(run.notes),
    header,
    groups: [...groups.values()].sort((a, b) => statusOrder(a.status) - statusOrder(b.status) || b.count - a.count || a.code.localeCompare(b.code)),
    columns: [...byColumn.entries()]
      .map(([column, t]) => ({ column, rows: t.rows, codes: [...t.codes.entries()].map(([code, n]) => ({ code, rows: n })).sort((a, b) => b.rows - a.rows) }))
      .sort((a, b) => b.rows - a.rows),
    rows,
    rowsPerGroup,
  };
}

// --- Internal helpers ---

interface Problem {
  code: string;
  columns: readonly string[];
}

/** The problems that make a row's status: its errors, its warnings, or (not applied) the refusal. */
function problemsOf(row: Pick<ReportRow, 'code' | 'issues'>, status: ProblemStatus): Problem[] {
  if (status === 'not_applied') return [{ code: row.code, columns: [] }];
  const severity = status === 'error' ? 'error' : 'warning';
  const issues = row.issues.filter((i) => i.severity === severity);
  // A row whose outcome came from elsewhere (an older journal) still shows under its code.
  if (issues.length === 0) return [{ code: row.code, columns: [] }];
  return issues.map((issue: Issue) => ({ code: issue.code, columns: issue.column !== undefined ? [issue.column] : (CODE_COLUMNS[issue.code] ?? []) }));
}

function reviewRow(row: ReportRow, status: ProblemStatus, codes: string[], columns: string[], positions: Map<string, number[]>): ReviewRow {
  return {
    line: row.line,
    email: clip(row.email, CELL_MAX),
    status,
    action: row.action,
    codes,
    columns,
    message: clip(row.message, MESSAGE_MAX),
    cells: row.cells.map((cell) => clip(cell, CELL_MAX)),
    marked: columns.flatMap((column) => positions.get(column) ?? []).sort((a, b) => a - b),
  };
}

/** Canonical column name → its positions in the header. */
function columnPositions(columns: ReadonlyArray<string | null>): Map<string, number[]> {
  const positions = new Map<string, number[]>();
  columns.forEach((column, i) => {
    if (column !== null) positions.set(column, [...(positions.get(column) ?? []), i]);
  });
  return positions;
}

function notices(notes: RunNotes | null): Review['notices'] {
  const out: Review['notices'] = [];
  const ignored = notes?.ignoredColumns ?? [];
  if (ignored.length > 0) {
    out.push({ code: 'UNKNOWN_COLUMN', message: `${ignored.length === 1 ? 'This column is not known, so its values were' : 'These columns are not known, so their values were'} ignored: ${ignored.map((c) => `"${c}"`).join(', ')}.` });
  }
  const blank = notes?.blankLines ?? 0;
  if (blank > 0) out.push({ code: 'BLANK_LINES', message: `${blank} blank ${blank === 1 ? 'line was' : 'lines were'} skipped.` });
  return out;
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]!) ? max - 1 : max; // never half a surrogate pair
  return `${text.slice(0, end)}… (${text.length - end} more characters)`;
}

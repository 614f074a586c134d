import type { Issue } from '../domain/codes.js';
import type { Action, RowStatus } from '../domain/user.js';

/** One input data row as the journal holds it once the run is over: what the reports print. */
export interface ReportRow {
  /** 1-based physical line where the record starts in the input file (the header is line 1). */
  line: number;
  /** The e-mail cell as written (trimmed), or '' when blank. */
  email: string;
  /** The row's cells as read, in the file's column order (the header's order). */
  cells: string[];
  action: Action;
  status: RowStatus;
  /** A code from `domain/codes.ts`, or '' for a plain ok row. */
  code: string;
  /** Plain words: what is wrong, the rule, what was found, where. '' for a plain ok row. */
  message: string;
  /** Every problem of the row (errors and warnings), each with its code and, when it has one, its column. */
  issues: readonly Issue[];
}

/** The counts and facts `summary.json` carries. */
export interface RunSummary {
  runId: string;
  /** The SQLite file holding the run's journal (and, for the embedded directory, the users). */
  database: string;
  customerId: string;
  backend: string;
  inputFile: string;
  inputHash: string;
  mode: 'add-remove' | 'add-only';
  dryRun: boolean;
  /** `completed`, or `refused` (nothing applied: removal guard), or `file-refused`. */
  outcome: 'completed' | 'refused' | 'file-refused';
  rows: number;
  added: number;
  modified: number;
  removed: number;
  unchanged: number;
  /** Rows with a warning, plus the file's own warnings (`fileWarnings`). */
  warnings: number;
  errors: number;
  /**
   * Columns of the file whose values were ignored: unknown columns, and the read-only columns of a
   * Control Hub export (our own Error Code and Error Message columns are not listed).
   */
  ignoredColumns?: string[];
  /** Warnings about the file as a whole (UNKNOWN_COLUMN, DECORATED_COLUMN), each counted in `warnings`. */
  fileWarnings?: Array<{ code: string; message: string }>;
  /** Rows with a change to apply that the run did not apply because it was stopped as a whole (the removal guard). */
  notApplied: number;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Set when the run was refused as a whole. */
  refusal?: { code: string; message: string };
}

/** The line counts of a run, as summary.json carries them. */
export type Counts = Pick<RunSummary, 'rows' | 'added' | 'modified' | 'removed' | 'unchanged' | 'warnings' | 'errors' | 'notApplied'>;

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { inDatabase, OTHER_DATABASE, type Db } from '../db/open.js';
import { RunRefused } from '../domain/codes.js';
import { isAlive } from './lock.js';
import type { ImportMode } from '../domain/row.js';
import type { RunSummary } from './types.js';

/**
 * A run's life: `ingesting` (reading and validating the file) → `planned` → `applying` →
 * `completed`. It ends early as `refused` (removal guard) or `file-refused` (a file-level
 * problem). A dry run ends as `dry-run` after planning. Only the first three are unfinished;
 * a person closes an unfinished run they will not resume with `runs abandon` (`abandoned`).
 */
export type RunState = 'ingesting' | 'planned' | 'applying' | 'completed' | 'refused' | 'file-refused' | 'dry-run' | 'abandoned';
export const UNFINISHED: readonly RunState[] = ['ingesting', 'planned', 'applying'];

export interface RunRecord {
  id: string;
  customerId: string;
  backend: string;
  inputFile: string;
  inputHash: string;
  mode: ImportMode;
  dryRun: boolean;
  allowRemovals: boolean;
  state: RunState;
  outDir: string;
  header: string[] | null;
  delimiter: string | null;
  pid: number | null;
  host: string | null;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  summary: RunSummary | null;
  /** What the run was started with; null for runs of versions that did not record it. */
  options: RunOptions | null;
  /** What the review page says of the file and of the removal guard; null for a run started before runs kept it. */
  notes: RunNotes | null;
}

/**
 * The options that decide what a run does and where its reports go. A run is resumed only with
 * the options it was started with (run-import.ts compares them).
 */
export interface RunOptions {
  mode: ImportMode;
  allowRemovals: boolean;
  /** The report folder as given (absolute), or null for the default folder of the run. */
  out: string | null;
  delimiter: ',' | ';' | '\t' | null;
  /** The --header-map entries (header text → column key), or null. */
  headerMap: Record<string, string> | null;
  /** The workbook sheet asked for (--sheet), or null for the first visible one. Absent in runs recorded before it was. */
  sheet?: string | null;
  /** --report-delimiter, or null for the input's own. Absent in runs recorded before it was. */
  reportDelimiter?: ',' | ';' | '\t' | null;
  /** --report-format. Absent in runs recorded before it was. */
  reportFormat?: 'csv' | 'xlsx';
}

/** Facts of a run that are not lines: file-level warnings and the removal guard's verdict. */
export interface RunNotes {
  /** Per header cell, the canonical column it was read as (`COLUMNS`), or null when ignored. */
  columns?: Array<string | null>;
  /**
   * Header cells whose values were ignored (UNKNOWN_COLUMN): columns that match none, and the
   * read-only columns of a Control Hub export (our own report columns are not listed).
   */
  ignoredColumns?: string[];
  /** Service columns read through a decoration such as "(Suspended)" (DECORATED_COLUMN). */
  decoratedColumns?: Array<{ name: string; column: string }>;
  /** Blank lines skipped (BLANK_LINES). */
  blankLines?: number;
  /** The removal guard as last checked: planned removals, the customer's users then, and what it decided. */
  guard?: { removals: number; userCount: number; verdict: 'passed' | 'allowed' | 'stopped' | 'would-stop' };
}

export type NewRun = Pick<RunRecord, 'customerId' | 'backend' | 'inputFile' | 'inputHash' | 'mode' | 'dryRun' | 'allowRemovals'> & {
  /** Where reports go; `{runId}` is replaced by the new id. */
  outDir: string;
  options?: RunOptions;
};

/** A readable, sortable id: the UTC start time and a random tail. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export function createRun(db: Db, run: NewRun): RunRecord {
  const id = newRunId();
  const now = new Date().toISOString();
  db.prepare(
    `INSERT INTO journal_runs (id, customer_id, backend, input_file, input_hash, mode, dry_run, allow_removals, state, out_dir, pid, host, started_at, updated_at, options)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'ingesting', ?, ?, ?, ?, ?, ?)`,
  ).run(id, run.customerId, run.backend, run.inputFile, run.inputHash, run.mode, run.dryRun ? 1 : 0, run.allowRemovals ? 1 : 0,
    run.outDir.replace('{runId}', id), process.pid, hostname(), now, now, run.options ? JSON.stringify(run.options) : null);
  return getRun(db, id)!;
}

export function getRun(db: Db, id: string): RunRecord | undefined {
  const row = db.prepare('SELECT * FROM journal_runs WHERE id = ?').get(id) as Record<string, unknown> | undefined;
  return row && toRecord(row);
}

export function requireRun(db: Db, id: string): RunRecord {
  const run = getRun(db, id);
  if (!run) throw new RunRefused('RUN_NOT_FOUND', `There is no run "${id}"${inDatabase(db)}; "bulkhub runs list" shows the runs it has. ${OTHER_DATABASE}`);
  return run;
}

/** The newest unfinished, non-dry run of this file for this customer and target, if any. */
export function findUnfinishedRun(db: Db, customerId: string, backend: string, inputHash: string): RunRecord | undefined {
  const row = db
    .prepare(
      `SELECT * FROM journal_runs WHERE customer_id = ? AND backend = ? AND input_hash = ? AND dry_run = 0
       AND state IN ('ingesting', 'planned', 'applying') ORDER BY started_at DESC LIMIT 1`,
    )
    .get(customerId, backend, inputHash) as Record<string, unknown> | undefined;
  return row && toRecord(row);
}

/** The unfinished, non-dry runs of a customer on a target, newest first. */
export function listUnfinishedRuns(db: Db, customerId: string, backend: string): RunRecord[] {
  return (
    db
      .prepare(
        `SELECT * FROM journal_runs WHERE customer_id = ? AND backend = ? AND dry_run = 0
         AND state IN ('ingesting', 'planned', 'applying') ORDER BY started_at DESC`,
      )
      .all(customerId, backend) as Record<string, unknown>[]
  ).map(toRecord);
}

/** Records where a run's reports go from now on (a resumed run given another --out). */
export function setRunOutDir(db: Db, id: string, outDir: string): void {
  db.prepare('UPDATE journal_runs SET out_dir = ?, updated_at = ? WHERE id = ?').run(outDir, new Date().toISOString(), id);
}

/**
 * Closes an unfinished run a person will not resume. Refused for a finished run and for one a
 * live process is applying right now. Its lines stay as they were: lines in flight may or may not
 * have reached the target, which the next import of the file settles.
 */
export function abandonRun(db: Db, id: string): RunRecord {
  const run = requireRun(db, id);
  if (!UNFINISHED.includes(run.state)) throw new RunRefused('BAD_ARGUMENTS', `Run ${run.id} is ${run.state}, not unfinished: there is nothing to abandon.`);
  claimRun(db, run);
  setRunState(db, run.id, 'abandoned');
  return requireRun(db, run.id);
}

export function listRuns(db: Db, limit: number): RunRecord[] {
  return (db.prepare('SELECT * FROM journal_runs ORDER BY started_at DESC, id DESC LIMIT ?').all(limit) as Record<string, unknown>[]).map(toRecord);
}

export function setRunState(db: Db, id: string, state: RunState, extra: { summary?: RunSummary; header?: string[]; delimiter?: string } = {}): void {
  const now = new Date().toISOString();
  const finished = UNFINISHED.includes(state) ? null : now;
  db.prepare(
    `UPDATE journal_runs SET state = ?, updated_at = ?, finished_at = ?,
       summary = COALESCE(?, summary), header = COALESCE(?, header), delimiter = COALESCE(?, delimiter) WHERE id = ?`,
  ).run(state, now, finished, extra.summary ? JSON.stringify(extra.summary) : null,
    extra.header ? JSON.stringify(extra.header) : null, extra.delimiter ?? null, id);
}

/** Adds to a run's notes (a key given replaces the one recorded). */
export function addRunNotes(db: Db, id: string, notes: RunNotes): void {
  const current = getRun(db, id)?.notes ?? {};
  db.prepare('UPDATE journal_runs SET notes = ? WHERE id = ?').run(JSON.stringify({ ...current, ...notes }), id);
}

/**
 * Takes over a run for this process. A run whose recorded process is still alive on this host
 * is being applied right now: refuse rather than apply twice. A dead owner (killed, crashed)
 * is simply replaced, so a `kill -9` never blocks the resume.
 */
export function claimRun(db: Db, run: RunRecord): void {
  const host = hostname();
  if (run.pid !== null && run.pid !== process.pid && run.host === host && isAlive(run.pid)) {
    throw new RunRefused('RUN_IN_PROGRESS', `Run ${run.id} is being applied right now by process ${run.pid}; wait for it to finish.`);
  }
  db.prepare('UPDATE journal_runs SET pid = ?, host = ?, updated_at = ? WHERE id = ?').run(process.pid, host, new Date().toISOString(), run.id);
}

function toRecord(row: Record<string, unknown>): RunRecord {
  return {
    id: row.id as string,
    customerId: row.customer_id as string,
    backend: row.backend as string,
    inputFile: row.input_file as string,
    inputHash: row.input_hash as string,
    mode: row.mode as ImportMode,
    dryRun: row.dry_run === 1,
    allowRemovals: row.allow_removals === 1,
    state: row.state as RunState,
    outDir: row.out_dir as string,
    header: row.header ? (JSON.parse(row.header as string) as string[]) : null,
    delimiter: (row.delimiter as string | null) ?? null,
    pid: (row.pid as number | null) ?? null,
    host: (row.host as string | null) ?? null,
    startedAt: row.started_at as string,
    updatedAt: row.updated_at as string,
    finishedAt: (row.finished_at as string | null) ?? null,
    summary: row.summary ? (JSON.parse(row.summary as string) as RunSummary) : null,
    options: row.options ? (JSON.parse(row.options as string) as RunOptions) : null,
    notes: row.notes ? (JSON.parse(row.notes as string) as RunNotes) : null,
  };
}

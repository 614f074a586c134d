import { statSync } from 'node:fs';
import type { Db } from '../db/open.js';
import { RunRefused, shownNumber } from '../domain/codes.js';
import { runsInProgress } from './lock.js';
import { UNFINISHED, type RunState } from './runs.js';

/**
 * Retention of the run journal. Every run keeps what its file said and what happened to each
 * line, so an unchanged 200,000-line file adds tens of megabytes a night; nothing else ever
 * removes it. A prune deletes whole runs (their batches, outcomes and row) and gives the space
 * back to the file system.
 *
 * What is never deleted: a run being applied right now (its customer's lock is held by a live
 * process), and, unless `includeUnfinished`, a run that can still be resumed. Report folders on
 * disk are the user's files and stay where they are.
 */

export interface RetentionPolicy {
  /** Keep the newest `keep` runs of each customer and target. */
  keep?: number;
  /** Keep the runs that started less than `olderThanDays` days ago. */
  olderThanDays?: number;
}

export interface PruneOptions extends RetentionPolicy {
  /** Only this customer's runs. */
  customerId?: string;
  /** Only this target's runs. */
  backend?: string;
  /** Delete unfinished (resumable) runs too. A run being applied right now is never deleted. */
  includeUnfinished?: boolean;
  /** Say what would be deleted, delete nothing. */
  dryRun?: boolean;
  now?: Date;
}

export interface PrunedRun {
  id: string;
  customerId: string;
  backend: string;
  state: RunState;
  startedAt: string;
}

export interface PruneResult {
  /** The runs deleted (or, for a dry run, that would be). */
  deleted: PrunedRun[];
  /** Unfinished runs the policy reached but kept (resumable, or being applied right now). */
  kept: Array<PrunedRun & { reason: 'resumable' | 'in-progress' }>;
  /** Size of the database file and its WAL before and after, in bytes. */
  bytesBefore: number;
  bytesAfter: number;
}

/** Refuses a policy that says nothing or something impossible. */
export function checkPolicy(policy: RetentionPolicy, names = { keep: '--keep', olderThanDays: '--older-than' }): void {
  if (policy.keep === undefined && policy.olderThanDays === undefined) {
    throw new RunRefused('BAD_ARGUMENTS', `Say which runs to keep: ${names.keep} N (the newest N of each customer and target), ${names.olderThanDays} DAYS, or both.`);
  }
  // Only the import's --keep-runs counts a run just made; `runs prune --keep` keeps runs that exist.
  const why = names.keep === '--keep-runs' ? ' (the run just made is one of them)' : '';
  if (policy.keep !== undefined && !(Number.isInteger(policy.keep) && policy.keep >= 1)) {
    throw new RunRefused('BAD_ARGUMENTS', `${names.keep} must be a whole number of at least 1${why}, not ${shownNumber(policy.keep)}.`);
  }
  if (policy.olderThanDays !== undefined && !(Number.isFinite(policy.olderThanDays) && policy.olderThanDays > 0)) {
    throw new RunRefused('BAD_ARGUMENTS', `${names.olderThanDays} must be a number of days above 0, not ${shownNumber(policy.olderThanDays)}.`);
  }
}

/**
 * Deletes the runs outside the policy: beyond the newest `keep` of their customer and target, or
 * started more than `olderThanDays` days ago (either is enough). Then gives the space back.
 */
export function pruneRuns(db: Db, options: PruneOptions): PruneResult {
  checkPolicy(options);
  const bytesBefore = databaseBytes(db);
  const cutoff = options.olderThanDays === undefined ? null : new Date((options.now ?? new Date()).getTime() - options.olderThanDays * 86_400_000).toISOString();
  const reached = db
    .prepare(
      `SELECT id, customer_id AS customerId, backend, state, started_at AS startedAt FROM (
         SELECT *, row_number() OVER (PARTITION BY customer_id, backend ORDER BY started_at DESC, id DESC) AS newest
         FROM journal_runs WHERE (? IS NULL OR customer_id = ?) AND (? IS NULL OR backend = ?))
       WHERE (? IS NOT NULL AND newest > ?) OR (? IS NOT NULL AND started_at < ?)
       ORDER BY started_at, id`,
    )
    .all(options.customerId ?? null, options.customerId ?? null, options.backend ?? null, options.backend ?? null,
      options.keep ?? null, options.keep ?? null, cutoff, cutoff) as PrunedRun[];

  const running = runsInProgress(db);
  const deleted: PrunedRun[] = [];
  const kept: PruneResult['kept'] = [];
  for (const run of reached) {
    if (running.has(run.id)) kept.push({ ...run, reason: 'in-progress' });
    else if (UNFINISHED.includes(run.state) && !options.includeUnfinished) kept.push({ ...run, reason: 'resumable' });
    else deleted.push(run);
  }
  if (options.dryRun || deleted.length === 0) return { deleted, kept, bytesBefore, bytesAfter: bytesBefore };

  const legacy = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal_rows'").get() !== undefined;
  const statements = [
    db.prepare('DELETE FROM journal_batches WHERE run_id = ?'),
    db.prepare('DELETE FROM journal_outcomes WHERE run_id = ?'),
    ...(legacy ? [db.prepare('DELETE FROM journal_rows WHERE run_id = ?')] : []),
    db.prepare('DELETE FROM journal_runs WHERE id = ?'),
  ];
  // A run at a time: a big prune never holds the file for long, and a prune cut short leaves whole runs.
  const remove = db.transaction((id: string) => statements.forEach((s) => s.run(id)));
  for (const run of deleted) remove.immediate(run.id);
  reclaimSpace(db);
  return { deleted, kept, bytesBefore, bytesAfter: databaseBytes(db) };
}

/**
 * Gives the pages of deleted rows back to the file system. A database made by this version uses
 * incremental auto-vacuum (db/open.ts), which frees them cheaply; an older file is rebuilt once
 * with VACUUM, which also switches it to incremental. The WAL is truncated afterwards.
 */
export function reclaimSpace(db: Db): void {
  const mode = db.pragma('auto_vacuum', { simple: true }) as number;
  if (mode === 2) db.pragma('incremental_vacuum');
  else {
    db.pragma('auto_vacuum = INCREMENTAL');
    db.exec('VACUUM');
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
}

/** The database file and its WAL, in bytes. */
export function databaseBytes(db: Db): number {
  if (db.memory) return 0;
  const size = (path: string): number => {
    try {
      return statSync(path).size;
    } catch {
      return 0;
    }
  };
  return size(db.name) + size(`${db.name}-wal`);
}

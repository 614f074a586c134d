import type { Db } from '../db/open.js';
import { LOCK_TABLE } from './lock.js';

/**
 * The run journal lives in the same SQLite file as the embedded directory. One row per run;
 * its lines a batch per row (rows.ts). A line moves through these states and never back:
 *
 *   pending → in_flight → done   a line with a change to apply
 *   done                         any other line (invalid, unchanged, refused while planning):
 *                                final as soon as it is written
 *
 * `in_flight` is committed before a change is sent and `done` after its result is known, so a
 * killed run knows exactly which lines may or may not have been applied; those are reconciled
 * against the target on resume, never blindly sent again.
 */
export function migrateJournal(db: Db): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS journal_runs (
      id TEXT PRIMARY KEY,
      customer_id TEXT NOT NULL,
      backend TEXT NOT NULL,
      input_file TEXT NOT NULL,
      input_hash TEXT NOT NULL,
      mode TEXT NOT NULL,
      dry_run INTEGER NOT NULL,
      allow_removals INTEGER NOT NULL,
      state TEXT NOT NULL,
      out_dir TEXT NOT NULL,
      header TEXT,
      delimiter TEXT,
      pid INTEGER,
      host TEXT,
      started_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      finished_at TEXT,
      summary TEXT
    );
    CREATE INDEX IF NOT EXISTS journal_runs_by_input ON journal_runs (customer_id, input_hash, state);

    -- The lines of a run, a batch (250 lines) per row: what the file said, never changed…
    CREATE TABLE IF NOT EXISTS journal_batches (
      run_id TEXT NOT NULL,
      first_line INTEGER NOT NULL,
      last_line INTEGER NOT NULL,
      lines TEXT NOT NULL,    -- [[line, e-mail as written, key, phone, extension key], …]
      cells TEXT NOT NULL,    -- [[cell, …], …] as read
      intents TEXT NOT NULL,  -- [intent or null, …]: kept for the lines a run will apply
      UNIQUE (run_id, first_line)
    );
    -- …and what happened to them, rewritten a batch at a time.
    CREATE TABLE IF NOT EXISTS journal_outcomes (
      run_id TEXT NOT NULL,
      first_line INTEGER NOT NULL,
      last_line INTEGER NOT NULL,
      pending INTEGER NOT NULL, -- lines pending or in flight
      tally TEXT NOT NULL,      -- the batch's counts (rows.ts, Tally)
      outcomes TEXT NOT NULL,   -- [[line, state, planned action, action, issues, note, status, code, message], …]
      UNIQUE (run_id, first_line)
    );
    -- Indexes of the journal of one row per line (before batches), which are maintained on every write to it.
    DROP INDEX IF EXISTS journal_rows_by_state;
    DROP INDEX IF EXISTS journal_rows_by_key;
    DROP INDEX IF EXISTS journal_rows_by_phone;
    DROP INDEX IF EXISTS journal_rows_by_ext;
  `);
  // Added after the first release: what the review page says of the file and the removal guard
  // (runs.ts, RunNotes), and what a run was started with (runs.ts, RunOptions).
  const columns = new Set((db.prepare('PRAGMA table_info(journal_runs)').all() as Array<{ name: string }>).map((c) => c.name));
  if (!columns.has('notes')) db.exec('ALTER TABLE journal_runs ADD COLUMN notes TEXT');
  if (!columns.has('options')) db.exec('ALTER TABLE journal_runs ADD COLUMN options TEXT');
  // One import per customer and target at a time (lock.ts).
  db.exec(LOCK_TABLE);
}

/**
 * Whether a run's lines are in the journal of one row per line, which this version does not read
 * (runs started before the journal kept batches). Such a run cannot be resumed.
 */
export function hasLegacyLines(db: Db, runId: string): boolean {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal_rows'").get();
  return table !== undefined && db.prepare('SELECT 1 FROM journal_rows WHERE run_id = ? LIMIT 1').get(runId) !== undefined;
}

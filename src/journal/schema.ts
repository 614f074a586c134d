import type { Db } from '../db/open.js';

/**
 * The run journal lives in the same SQLite file as the embedded directory. One row per run,
 * one row per input data line. A line moves through these states and never back:
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

    CREATE TABLE IF NOT EXISTS journal_rows (
      run_id TEXT NOT NULL,
      line INTEGER NOT NULL,
      email TEXT NOT NULL,
      key TEXT,
      cells TEXT NOT NULL,
      intent TEXT,
      issues TEXT NOT NULL DEFAULT '[]',
      note TEXT,
      phone TEXT,
      ext_key TEXT,
      state TEXT NOT NULL,
      planned_action TEXT,
      action TEXT,
      status TEXT,
      code TEXT,
      message TEXT,
      PRIMARY KEY (run_id, line)
    ) WITHOUT ROWID;
    -- Windows walk the primary key by line; an index on state would only cost on every write.
    DROP INDEX IF EXISTS journal_rows_by_state;
  `);
}

/** Indexes only the cross-row checks need; built after the rows are in, which is cheaper than maintaining them per insert. */
export function indexForCrossChecks(db: Db): void {
  db.exec(`
    CREATE INDEX IF NOT EXISTS journal_rows_by_key ON journal_rows (run_id, key) WHERE key IS NOT NULL;
    CREATE INDEX IF NOT EXISTS journal_rows_by_phone ON journal_rows (run_id, phone) WHERE phone IS NOT NULL;
    CREATE INDEX IF NOT EXISTS journal_rows_by_ext ON journal_rows (run_id, ext_key) WHERE ext_key IS NOT NULL;
  `);
}

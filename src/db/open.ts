import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** Where the embedded directory and the run journal live unless `--db` or `BULKHUB_DB` says otherwise. */
export const DEFAULT_DB_PATH = '.bulkhub/bulkhub.db';

export function resolveDbPath(explicit?: string): string {
  return resolve(explicit ?? process.env.BULKHUB_DB ?? DEFAULT_DB_PATH);
}

/**
 * Says which database file a command used, for a message where that matters ("not found"
 * because the command ran in another folder than usual): ` in the database /x/bulkhub.db`.
 */
export function inDatabase(db: Db): string {
  return ` in the database ${db.name}`;
}

/** How to point a command at another database file, for the end of a "not found" message. */
export const OTHER_DATABASE =
  'Another database file is named with --db (or BULKHUB_DB, or "db" in the config file); without them bulkhub uses .bulkhub/bulkhub.db in the folder it runs in.';

export interface OpenOptions {
  /**
   * `full` fsyncs the WAL on every commit. Needed when the journal records changes made
   * somewhere else (a remote API): a power loss must not forget a change that happened.
   * `normal` is enough when the changes live in this same file: WAL keeps the journal and the
   * directory consistent with each other, they can only lose the last commits together.
   * @default 'full'
   */
  durability?: 'full' | 'normal';
  readonly?: boolean;
}

/** Opens (creating if needed) the SQLite file shared by the directory and the run journal. */
export function openDb(path: string, options: OpenOptions = {}): Db {
  if (!options.readonly) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  db.pragma('busy_timeout = 5000');
  if (!options.readonly) {
    // Takes effect only in a file with no table yet: there, pruned runs give their pages back
    // cheaply (journal/retention.ts); an older file is switched by its first prune's VACUUM.
    db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = ON');
    // Savepoints inside a window's transaction need a sub-journal; in memory it costs no file I/O.
    db.pragma('temp_store = MEMORY');
  }
  return db;
}

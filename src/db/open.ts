import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { RunRefused } from '../domain/codes.js';
import { describeFault } from '../domain/faults.js';

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

/**
 * bulkhub's mark in a SQLite file's header (`PRAGMA application_id`, the field SQLite keeps for
 * "which application owns this file", sqlite.org/pragma.html#pragma_application_id): "BLKH".
 */
export const APPLICATION_ID = 0x424c4b48;

/** Tables only bulkhub makes: a file holding one of them and no mark is a bulkhub file from before the mark. */
const OWN_TABLES = ['journal_runs', 'directory_schema', 'provisioning_schema'];

/**
 * Opens (creating if needed) the SQLite file shared by the directory and the run journal. Before
 * anything is written into it, the file must be bulkhub's: new and empty, or marked with
 * APPLICATION_ID, or holding bulkhub's tables. A file that is not SQLite, is damaged, or belongs
 * to another application is refused (`RunRefused`) with nothing created in it.
 */
export function openDb(path: string, options: OpenOptions = {}): Db {
  const fault = (error: unknown): RunRefused => {
    if (error instanceof RunRefused) return error;
    const { code, message, known } = describeFault(error);
    return new RunRefused(known ? code : 'NOT_A_BULKHUB_DATABASE', `The database ${path} cannot be used: ${message.charAt(0).toLowerCase()}${message.slice(1)}`);
  };
  let db: Db;
  try {
    if (!options.readonly) mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (error) {
    throw fault(error);
  }
  try {
    db.pragma('busy_timeout = 5000');
    claimFile(db, path, options.readonly ?? false);
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
  } catch (error) {
    db.close();
    throw fault(error);
  }
}

/** Refuses a file that is not bulkhub's; marks a new or older bulkhub file as bulkhub's. */
function claimFile(db: Db, path: string, readonly: boolean): void {
  const id = db.pragma('application_id', { simple: true }) as number;
  if (id === APPLICATION_ID) return;
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  const ours = tables.some((t) => OWN_TABLES.includes(t));
  if (id !== 0 || (tables.length > 0 && !ours)) {
    const what = id !== 0 ? `its header says it belongs to another application (application_id ${id})` : `its tables are another application's (${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', …' : ''})`;
    throw new RunRefused(
      'NOT_A_BULKHUB_DATABASE',
      `${path} is a SQLite database, but not bulkhub's: ${what}. Nothing was written into it. Pass --db with bulkhub's own file (default .bulkhub/bulkhub.db) or a new path.`,
    );
  }
  if (!readonly) db.pragma(`application_id = ${APPLICATION_ID}`);
}

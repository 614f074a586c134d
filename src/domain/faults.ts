import type { FaultCode } from './codes.js';

/** A fault of the environment in plain words, and whether it was recognised at all. */
export interface FaultDescription {
  code: FaultCode;
  message: string;
  /** False for an error nothing here recognises: a defect, reported as INTERNAL_ERROR. */
  known: boolean;
}

/**
 * Errors of the file system (Node's errno codes) and of SQLite (better-sqlite3's `SqliteError`
 * codes, extended ones included, e.g. `SQLITE_IOERR_WRITE`), by what a person can do about them.
 * Sources: SQLite "Result and Error Codes" (sqlite.org/rescode.html); errno(3).
 */
const BY_CODE: ReadonlyArray<[RegExp, FaultCode, string]> = [
  [/^(ENOSPC|EDQUOT|EFBIG|SQLITE_FULL)$/, 'STORAGE_FULL', 'no space is left on the disk (or a disk quota was reached)'],
  [/^(EROFS|SQLITE_READONLY.*)$/, 'NOT_WRITABLE', 'the file system or file is read-only'],
  [/^(EACCES|EPERM|SQLITE_PERM|SQLITE_AUTH)$/, 'NOT_WRITABLE', 'permission denied'],
  [/^SQLITE_CANTOPEN.*$/, 'NOT_WRITABLE', 'the database file cannot be opened (its folder is missing, read-only or not permitted)'],
  [/^SQLITE_NOTADB$/, 'NOT_A_BULKHUB_DATABASE', 'the file is not a SQLite database'],
  [/^SQLITE_CORRUPT.*$/, 'DATABASE_CORRUPT', 'the database file is damaged'],
  [/^(SQLITE_BUSY.*|SQLITE_LOCKED.*)$/, 'DATABASE_BUSY', 'another process kept the database locked'],
  [/^(EIO|SQLITE_IOERR.*)$/, 'IO_ERROR', 'the disk reported an input/output error'],
];

/**
 * What went wrong, for a person: the fault's code and one line naming the file when the error
 * knows it. Anything unrecognised is `INTERNAL_ERROR` with the error's own message.
 */
export function describeFault(error: unknown): FaultDescription {
  const code = errorCode(error);
  const path = (error as { path?: unknown } | undefined)?.path;
  const where = typeof path === 'string' ? ` (${path})` : '';
  if (code !== undefined) {
    for (const [pattern, fault, words] of BY_CODE) {
      if (pattern.test(code)) return { code: fault, message: `${capitalise(words)}${where} [${code}].`, known: true };
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL_ERROR', message: `${message}${code ? ` [${code}]` : ''}`, known: false };
}

/** The errno or SQLite code of an error, looking through `cause` (fetch and streams wrap them). */
export function errorCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Why a file could not be read, in plain words (`it does not exist`), for a refusal that names
 * the file: the input, a config file, a batch manifest. An error without a known code keeps its own words.
 */
export function whyUnreadable(error: unknown): string {
  const code = errorCode(error);
  if (code === 'ENOENT') return 'it does not exist';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/open.js';
import { ATTRIBUTE_KEYS, type DirectoryUser, type Operation } from '../../domain/user.js';
import { ATTRIBUTE_COLUMN, BOOLEAN_KEYS } from './rows.js';
import { LOOK_UP_SQL, STORED_COLUMNS } from './look-ups.js';

/**
 * The directory's set-wise statements: a window's new users in one INSERT, a window's users looked
 * up in one SELECT. Both go through the same tables, indexes and triggers as a single change, so
 * every rule of schema.ts still holds row by row; what they save is the work around each row.
 *
 * Profiled (BENCHMARKS.md, "Directory bulk path"): an INSERT of one user into `users` cost about
 * 45 µs, of which about 20 µs were the statement journal SQLite keeps for any statement that fires
 * triggers (it copies every page the statement touches, so an ABORT can undo the statement
 * alone), and most of the rest the per-statement work in and out of SQLite. One statement for the
 * window keeps that journal once for all its rows.
 */

/** The columns an added user is written with, in this order: customer, e-mail, package, then ATTRIBUTE_KEYS. */
const ADD_COLUMNS = ['customer_id', 'email', 'package', ...ATTRIBUTE_KEYS.map((key) => ATTRIBUTE_COLUMN[key])];

/**
 * Rows per INSERT statement: powers of two, so a window of any size takes at most a dozen
 * prepared statements (cached) and none holds more than SQLite's 32766 parameters.
 */
const CHUNKS = [1024, 512, 256, 128, 64, 32, 16, 8, 4, 2, 1];

type Add = Extract<Operation, { kind: 'add' }>;

/**
 * Inserts new users, several per statement; returns each one's id, in the order of `adds`. Throws
 * what SQLite throws when any row is refused (a unique index, a trigger): the caller's savepoint
 * then undoes the whole statement, so nothing of it is half-applied.
 */
export function bulkAdds(db: Db): (adds: readonly Add[]) => Array<{ id: string }> {
  const statements = new Map<number, Statement>();
  const insert = (rows: number): Statement => {
    let statement = statements.get(rows);
    if (!statement) {
      const row = `(${ADD_COLUMNS.map(() => '?').join(', ')})`;
      const sql = `INSERT INTO users (${ADD_COLUMNS.join(', ')}) VALUES ${Array(rows).fill(row).join(', ')} RETURNING email, id`;
      statements.set(rows, (statement = db.prepare(sql).raw(true)));
    }
    return statement;
  };
  return (adds) => {
    const ids = new Map<string, string>();
    let at = 0;
    for (const size of CHUNKS) {
      while (adds.length - at >= size) {
        const values: Array<string | number | null> = [];
        for (let i = at; i < at + size; i++) pushAddValues(values, adds[i]!);
        for (const [email, id] of insert(size).all(...values) as Array<[string, number]>) ids.set(email, String(id));
        at += size;
      }
    }
    // RETURNING names no order: the e-mail (unique in the customer, so in the window) says which row is whose.
    return adds.map((op) => ({ id: ids.get(op.email.toLowerCase())! }));
  };
}

function pushAddValues(values: Array<string | number | null>, op: Add): void {
  values.push(op.customerId, op.email.toLowerCase(), op.package);
  const attributes = op.attributes;
  for (const key of ATTRIBUTE_KEYS) {
    const value = attributes[key];
    values.push(value === undefined ? null : typeof value === 'boolean' ? (value ? 1 : 0) : value);
  }
}

const FIRST_ATTRIBUTE = 4;
const IS_BOOLEAN = ATTRIBUTE_KEYS.map((key) => BOOLEAN_KEYS.has(key));

/**
 * Looks users up by e-mail, all of them in one statement: the e-mails go in as one JSON array and
 * are joined against the (customer, e-mail) index, one seek each, whatever their number. Rows
 * come back as arrays (no object per row with a property per column) and become users directly.
 */
export function storedUsers(db: Db): (customerId: string, emails: readonly string[]) => Map<string, DirectoryUser> {
  const select = db.prepare(LOOK_UP_SQL.storedUsers).raw(true);
  return (customerId, emails) => {
    const found = new Map<string, DirectoryUser>();
    if (emails.length === 0) return found;
    const wanted = emails.map((e) => e.toLowerCase());
    for (const row of select.all(JSON.stringify(wanted), customerId) as Array<Array<string | number | null>>) {
      const user = { id: String(row[0]), email: row[1] as string, package: row[2], isFullAdmin: row[3] === 1 } as DirectoryUser;
      for (let i = 0; i < ATTRIBUTE_KEYS.length; i++) {
        const value = row[FIRST_ATTRIBUTE + i];
        if (value === null) continue;
        (user as unknown as Record<string, unknown>)[ATTRIBUTE_KEYS[i]!] = IS_BOOLEAN[i] ? value === 1 : value;
      }
      found.set(user.email, user);
    }
    return found;
  };
}

/**
 * One user's change in a window's audit row, as JSON, and its place in the window: `[e-mail, op,
 * details]`; an add is `[e-mail, 'add', package, [attribute values in ATTRIBUTE_KEYS order, null
 * when not given]]`, less than half the text of its details with names (the view `audit` puts the
 * names back, schema.ts). `details` is what a change made alone records (undefined for an add).
 */
export interface AuditChange {
  index: number;
  details: unknown;
  json: string;
}

export function auditChange(index: number, op: Operation, details?: unknown): AuditChange {
  const email = op.email.toLowerCase();
  if (op.kind === 'add') {
    const values: unknown[] = [];
    for (const key of ATTRIBUTE_KEYS) values.push(op.attributes[key] ?? null);
    return { index, details: undefined, json: JSON.stringify([email, 'add', op.package, values]) };
  }
  return { index, details, json: JSON.stringify([email, op.kind, details]) };
}

import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/open.js';
import type { DirectoryUser, Operation } from '../../domain/user.js';
import type { Backend, CustomerFacts, NumberHolders, NumbersWanted, OperationResult } from '../port.js';
import { requireCustomer } from './directory.js';
import { refusalFor, userNotFound } from './refusals.js';
import { attributeCells, definedAttributes, rowToUser, type UserRow } from './rows.js';
import { migrateDirectory } from './schema.js';

export const BACKEND_NAME = 'sqlite';

export interface SqliteBackendOptions {
  /** Written into every audit row, so a change can be traced to the run that made it. */
  runId?: string;
}

export interface SqliteBackend extends Backend {
  /** The run id the next audit rows carry; `tagRun` sets it once the run is known. */
  auditRunId: string | undefined;
}

/** SQLite allows 32766 parameters; larger `IN` lists are split, smaller ones reuse a statement. */
const IN_CHUNK = 500;
const NOW = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;

/**
 * The embedded directory as a backend. The database enforces the directory's rules (see
 * schema.ts); this adapter only runs the statements and words the refusals.
 *
 * The connection belongs to the caller: `close()` does not close it, because the same file
 * also holds the run journal. Every method does its work synchronously before its promise
 * settles, so a caller may run `apply`/`applyMany` inside its own `db.transaction`; the
 * backend's transactions then become savepoints of the caller's.
 */
export function createSqliteBackend(db: Db, options: SqliteBackendOptions = {}): SqliteBackend {
  migrateDirectory(db);

  const statements = new Map<string, Statement>();
  const prepared = (sql: string): Statement => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
  const selectUser = db.prepare('SELECT * FROM users WHERE id = ? AND customer_id = ?');
  const deleteUser = db.prepare('DELETE FROM users WHERE id = ?');
  const insertAudit = db.prepare('INSERT INTO audit (customer_id, email, op, details, run_id) VALUES (?, ?, ?, ?, ?)');

  const backend: SqliteBackend = {
    name: BACKEND_NAME,
    database: db,
    auditRunId: options.runId,
    tagRun(runId: string) {
      backend.auditRunId = runId;
    },

    async getCustomer(customerId: string): Promise<CustomerFacts> {
      const customer = requireCustomer(db, customerId);
      const column = (sql: string): string[] => (prepared(sql).pluck().all(customer.id) as string[]);
      const located = prepared('SELECT name, country FROM locations WHERE customer_id = ? ORDER BY name').all(customer.id) as Array<{ name: string; country: string }>;
      return {
        customerId: customer.id,
        name: customer.name,
        locations: located.map((l) => l.name),
        locationCountries: Object.fromEntries(located.map((l) => [l.name.toLowerCase(), l.country])),
        sites: column('SELECT url FROM sites WHERE customer_id = ? ORDER BY url'),
        userCount: customer.userCount,
      };
    },

    async otherCustomers(customerId: string, emails: readonly string[]): Promise<Map<string, string>> {
      const wanted = [...new Set(emails.map((e) => e.toLowerCase()))];
      const found = new Map<string, string>();
      for (let start = 0; start < wanted.length; start += IN_CHUNK) {
        const chunk = wanted.slice(start, start + IN_CHUNK);
        const sql = `SELECT u.email, c.name, c.id FROM users u JOIN customers c ON c.id = u.customer_id
          WHERE u.email IN (${chunk.map(() => '?').join(', ')}) AND u.customer_id <> ? ORDER BY c.id`;
        for (const row of prepared(sql).all(...chunk, customerId) as Array<{ email: string; name: string; id: string }>) {
          if (!found.has(row.email)) found.set(row.email, `"${row.name}" (${row.id})`);
        }
      }
      return found;
    },

    async holders(customerId: string, wanted: NumbersWanted): Promise<NumberHolders> {
      const found: NumberHolders = { phoneNumbers: new Map(), extensions: new Map() };
      const numbers = [...new Set(wanted.phoneNumbers)];
      for (let start = 0; start < numbers.length; start += IN_CHUNK) {
        const chunk = numbers.slice(start, start + IN_CHUNK);
        const sql = `SELECT email, phone_number FROM users WHERE customer_id = ? AND phone_number IN (${chunk.map(() => '?').join(', ')})`;
        for (const row of prepared(sql).all(customerId, ...chunk) as Array<{ email: string; phone_number: string }>) found.phoneNumbers.set(row.phone_number, row.email);
      }
      const pairs = [...new Map(wanted.extensions.map((e) => [`${e.location.toLowerCase()}|${e.extension}`, e])).values()];
      for (let start = 0; start < pairs.length; start += IN_CHUNK / 2) {
        const chunk = pairs.slice(start, start + IN_CHUNK / 2);
        // A join on the wanted pairs: one seek each in the unique index users_extension_in_location.
        const sql = `WITH wanted(location, extension) AS (VALUES ${chunk.map(() => '(?, ?)').join(', ')})
          SELECT u.email, w.location, w.extension FROM wanted w
          JOIN users u ON u.customer_id = ? AND ifnull(u.location, '') = w.location COLLATE NOCASE AND u.extension = w.extension`;
        const rows = prepared(sql).all(...chunk.flatMap((e) => [e.location, e.extension]), customerId) as Array<{ email: string; location: string; extension: string }>;
        for (const row of rows) found.extensions.set(`${row.location.toLowerCase()}|${row.extension}`, row.email);
      }
      return found;
    },

    async findUsers(customerId: string, emails: readonly string[]): Promise<Map<string, DirectoryUser>> {
      const wanted = [...new Set(emails.map((e) => e.toLowerCase()))];
      const found = new Map<string, DirectoryUser>();
      for (let start = 0; start < wanted.length; start += IN_CHUNK) {
        const chunk = wanted.slice(start, start + IN_CHUNK);
        const sql = `SELECT * FROM users WHERE customer_id = ? AND email IN (${chunk.map(() => '?').join(', ')})`;
        for (const row of prepared(sql).all(customerId, ...chunk) as UserRow[]) found.set(row.email, rowToUser(row));
      }
      return found;
    },

    async apply(op: Operation): Promise<OperationResult> {
      return applySafely(op);
    },

    async applyMany(ops: readonly Operation[]): Promise<OperationResult[]> {
      if (ops.length === 0) return [];
      try {
        return applyBatch(ops);
      } catch (error) {
        // The batch's own commit failed (disk full, database locked): nothing of it was applied.
        const refusal = refusalFor(db, ops[0]!, error);
        return ops.map(() => ({ status: 'error', code: 'BACKEND_ERROR', message: refusal.message }));
      }
    },

    /**
     * Streams the customer's users in e-mail order. `onUser` must not use this connection:
     * better-sqlite3 keeps it busy while the iteration is open.
     */
    async listUsers(customerId: string, onUser: (user: DirectoryUser) => void): Promise<void> {
      const rows = prepared('SELECT * FROM users WHERE customer_id = ? ORDER BY email').iterate(customerId);
      for (const row of rows as IterableIterator<UserRow>) onUser(rowToUser(row));
    },

    /** Nothing to release: the caller opened the database and closes it. */
    async close(): Promise<void> {},
  };

  const audit = (op: Operation, details: unknown): void => {
    insertAudit.run(op.customerId, op.email.toLowerCase(), op.kind, JSON.stringify(details), backend.auditRunId ?? null);
  };

  /** One operation, in whatever transaction is open. */
  const applyRaw = (op: Operation): OperationResult => {
    if (op.kind === 'add') {
      const { columns, values } = attributeCells(op.attributes);
      const sql =
        `INSERT INTO users (customer_id, email, package${columns.map((c) => `, ${c}`).join('')}) ` +
        `VALUES (?, ?, ?${columns.map(() => ', ?').join('')})`;
      const { lastInsertRowid } = prepared(sql).run(op.customerId, op.email.toLowerCase(), op.package, ...values);
      audit(op, { package: op.package, attributes: definedAttributes(op.attributes) });
      return { status: 'ok', id: String(lastInsertRowid) };
    }

    const current = /^\d+$/.test(op.id) ? (selectUser.get(op.id, op.customerId) as UserRow | undefined) : undefined;
    if (!current) return userNotFound(op);

    if (op.kind === 'remove') {
      deleteUser.run(current.id);
      audit(op, { id: op.id, removed: rowToUser(current) });
      return { status: 'ok', id: op.id };
    }

    const { columns, values } = attributeCells(op.changes);
    if (op.package !== undefined) {
      columns.push('package');
      values.push(op.package);
    }
    if (columns.length === 0) return { status: 'ok', id: op.id, note: 'nothing to change' };
    const sql = `UPDATE users SET ${columns.map((c) => `${c} = ?`).join(', ')}, updated_at = ${NOW} WHERE id = ?`;
    prepared(sql).run(...values, current.id);
    const before = rowToUser(current);
    audit(op, {
      id: op.id,
      ...(op.package !== undefined && { package: { from: before.package, to: op.package } }),
      changes: definedAttributes(op.changes),
    });
    return { status: 'ok', id: op.id };
  };

  /** One operation in its own transaction (a savepoint when one is already open). */
  const applyOne = db.transaction(applyRaw);

  const applySafely = (op: Operation): OperationResult => {
    try {
      return applyOne(op);
    } catch (error) {
      return refusalFor(db, op, error);
    }
  };

  // One commit for the whole batch; a refused op only rolls back its own savepoint.
  const applyEachSafely = db.transaction((ops: readonly Operation[]): OperationResult[] => ops.map(applySafely));
  // Usually nothing in a batch is refused: try it without a savepoint per op (two statements
  // fewer per user), and only when something is refused redo the batch the careful way.
  const applyOptimistically = db.transaction((ops: readonly Operation[]): OperationResult[] => ops.map(applyRaw));
  const applyBatch = (ops: readonly Operation[]): OperationResult[] => {
    try {
      return applyOptimistically(ops);
    } catch {
      return applyEachSafely(ops);
    }
  };

  return backend;
}

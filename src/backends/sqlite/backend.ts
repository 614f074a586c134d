import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/open.js';
import type { DirectoryUser, Operation } from '../../domain/user.js';
import type { Backend, CustomerFacts, NumberHolders, NumbersWanted, OperationResult } from '../port.js';
import { requireCustomer } from './directory.js';
import { refusalFor, userNotFound } from './refusals.js';
import { attributeCells, definedAttributes, rowToUser, type UserRow } from './rows.js';
import { auditChange, bulkAdds, storedUsers, type AuditChange } from './bulk.js';

import { LOOK_UP_SQL } from './look-ups.js';
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
  // One index seek per wanted value (look-ups.ts says why the joins are CROSS JOINs).
  const inOtherCustomers = db.prepare(LOOK_UP_SQL.otherCustomers);
  const phoneHolders = db.prepare(LOOK_UP_SQL.phoneHolders).raw(true);
  const extensionHolders = db.prepare(LOOK_UP_SQL.extensionHolders).raw(true);
  const deleteUser = db.prepare('DELETE FROM users WHERE id = ? AND customer_id = ? RETURNING *');
  const insertAudit = db.prepare('INSERT INTO audit_entries (customer_id, email, op, details, run_id) VALUES (?, ?, ?, ?, ?)');

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
      const found = new Map<string, string>();
      const wanted = JSON.stringify(emails.map((e) => e.toLowerCase()));
      for (const row of inOtherCustomers.all(wanted, customerId) as Array<{ email: string; name: string; id: string }>) {
        if (!found.has(row.email)) found.set(row.email, `"${row.name}" (${row.id})`);
      }
      return found;
    },

    // Each kind of number in one statement: the wanted values as a JSON array, one index seek each.
    async holders(customerId: string, wanted: NumbersWanted): Promise<NumberHolders> {
      const found: NumberHolders = { phoneNumbers: new Map(), extensions: new Map() };
      if (wanted.phoneNumbers.length > 0) {
        for (const [email, number] of phoneHolders.all(JSON.stringify(wanted.phoneNumbers), customerId) as Array<[string, string]>) found.phoneNumbers.set(number, email);
      }
      if (wanted.extensions.length > 0) {
        const pairs = JSON.stringify(wanted.extensions.map((e) => [e.location, e.extension]));
        for (const [email, location, extension] of extensionHolders.all(pairs, customerId) as Array<[string, string, string]>) {
          found.extensions.set(`${location.toLowerCase()}|${extension}`, email);
        }
      }
      return found;
    },

    /** One statement for all of `emails` (bulk.ts), however many. */
    async findUsers(customerId: string, emails: readonly string[]): Promise<Map<string, DirectoryUser>> {
      return lookUpStored(customerId, emails);
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

  /** One change made alone (`apply`): its own audit row, as before windows existed. */
  const auditAlone = (op: Operation, details: unknown): void => {
    insertAudit.run(op.customerId, op.email.toLowerCase(), op.kind, JSON.stringify(details), backend.auditRunId ?? null);
  };
  const insertWindowAudit = db.prepare('INSERT INTO audit_windows (customer_id, changes, run_id) VALUES (?, ?, ?)');
  /** A window's changes (in the order of its operations): one audit row for all of them. */
  const auditWindow = (customerId: string, changes: AuditChange[]): void => {
    if (changes.length === 0) return;
    changes.sort((a, b) => a.index - b.index);
    insertWindowAudit.run(customerId, `[${changes.map((c) => c.json).join(',')}]`, backend.auditRunId ?? null);
  };
  const lookUpStored = storedUsers(db);
  const insertAdds = bulkAdds(db);

  /**
   * One operation, in whatever transaction is open; what it changed goes to `audit` (the index is
   * the operation's place in its window). A modify or remove changes the row by id in one
   * statement: the row is read first only when the audit needs a value it held before (a package
   * change), or to tell "not found" from "nothing to change".
   */
  const applyRaw = (op: Operation, index: number, audit: (change: AuditChange) => void): OperationResult => {
    if (op.kind === 'add') {
      const [added] = insertAdds([op]);
      audit(auditChange(index, op));
      return { status: 'ok', id: added!.id };
    }
    const id = /^\d+$/.test(op.id) ? op.id : undefined;
    if (op.kind === 'remove') {
      const removed = id === undefined ? undefined : (deleteUser.get(id, op.customerId) as UserRow | undefined);
      if (!removed) return userNotFound(op);
      audit(auditChange(index, op, { id: op.id, removed: rowToUser(removed) }));
      return { status: 'ok', id: op.id };
    }

    const { columns, values } = attributeCells(op.changes);
    const before = op.package !== undefined || columns.length === 0
      ? (id === undefined ? undefined : (selectUser.get(id, op.customerId) as UserRow | undefined))
      : undefined;
    if (op.package !== undefined || columns.length === 0) {
      if (!before) return userNotFound(op);
      if (op.package !== undefined) {
        columns.push('package');
        values.push(op.package);
      }
      if (columns.length === 0) return { status: 'ok', id: op.id, note: 'nothing to change' };
    }
    const sql = `UPDATE users SET ${columns.map((c) => `${c} = ?`).join(', ')}, updated_at = ${NOW} WHERE id = ? AND customer_id = ?`;
    if (id === undefined || prepared(sql).run(...values, id, op.customerId).changes === 0) return userNotFound(op);
    audit(auditChange(index, op, {
      id: op.id,
      ...(op.package !== undefined && { package: { from: before!.package, to: op.package } }),
      changes: definedAttributes(op.changes),
    }));
    return { status: 'ok', id: op.id };
  };

  /** One operation in its own transaction (a savepoint when one is already open), with its own audit row. */
  const applyOne = db.transaction((op: Operation): OperationResult =>
    applyRaw(op, 0, (change) => auditAlone(op, change.details ?? { package: (op as Extract<Operation, { kind: 'add' }>).package, attributes: definedAttributes((op as Extract<Operation, { kind: 'add' }>).attributes) })));

  const applySafely = (op: Operation): OperationResult => {
    try {
      return applyOne(op);
    } catch (error) {
      return refusalFor(db, op, error);
    }
  };

  /**
   * The careful way through a window: each operation in its own savepoint, so a refused one rolls
   * back alone and says why; one audit row for those applied.
   */
  const applyEachSafely = db.transaction((ops: readonly Operation[]): OperationResult[] => {
    const changes: AuditChange[] = [];
    const careful = db.transaction((op: Operation, index: number): OperationResult => applyRaw(op, index, (change) => changes.push(change)));
    const results = ops.map((op, index) => {
      try {
        return careful(op, index);
      } catch (error) {
        return refusalFor(db, op, error);
      }
    });
    auditWindow(ops[0]!.customerId, changes);
    return results;
  });

  /**
   * The bulk way, tried first: the window's adds as one multi-row INSERT (one statement, so the
   * database's checks, triggers and unique indexes still see every row, but its statement journal
   * is kept once for the window instead of once per user), the rest one statement each, and one
   * audit row. Any refusal throws, the whole window rolls back, and `applyEachSafely` redoes it.
   */
  const applyOptimistically = db.transaction((ops: readonly Operation[]): OperationResult[] => {
    const results: OperationResult[] = new Array(ops.length);
    const changes: AuditChange[] = [];
    const adds: Array<Extract<Operation, { kind: 'add' }>> = [];
    const addAt: number[] = [];
    ops.forEach((op, index) => {
      if (op.kind === 'add') {
        adds.push(op);
        addAt.push(index);
      } else results[index] = applyRaw(op, index, (change) => changes.push(change));
    });
    insertAdds(adds).forEach(({ id }, i) => {
      const op = adds[i]!;
      results[addAt[i]!] = { status: 'ok', id };
      changes.push(auditChange(addAt[i]!, op));
    });
    auditWindow(ops[0]!.customerId, changes);
    return results;
  });
  const applyBatch = (ops: readonly Operation[]): OperationResult[] => {
    // All of one customer (the import plans one customer): one audit row names it.
    if (ops.some((op) => op.customerId !== ops[0]!.customerId)) return ops.map(applySafely);
    try {
      return applyOptimistically(ops);
    } catch {
      return applyEachSafely(ops);
    }
  };

  return backend;
}

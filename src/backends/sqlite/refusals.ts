import type { Db } from '../../db/open.js';
import { ROW_CODES, type RowCode } from '../../domain/codes.js';
import type { Operation } from '../../domain/user.js';
import type { OperationResult } from '../port.js';
import type { UserRow } from './rows.js';

type Refusal = Extract<OperationResult, { status: 'error' }>;

/**
 * Turns what SQLite threw while applying `op` into a result for the row. The rules themselves
 * are in the schema; this only puts their refusals into plain words with the values involved.
 * Runs after the operation's savepoint was rolled back, so `current` is the user as it was.
 */
export function refusalFor(db: Db, op: Operation, error: unknown): Refusal {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) {
    return { status: 'error', code: 'BACKEND_ERROR', message: `The directory failed: ${message}` };
  }
  if (code === 'SQLITE_CONSTRAINT_TRIGGER') {
    // Trigger messages are "CODE: plain words" (see schema.ts).
    const match = /^([A-Z_]+): (.*)$/s.exec(message);
    if (match && match[1]! in ROW_CODES) return { status: 'error', code: match[1] as RowCode, message: match[2]! };
    return { status: 'error', code: 'BACKEND_ERROR', message: match?.[2] ?? message };
  }
  if (code === 'SQLITE_CONSTRAINT_UNIQUE') {
    const values = effectiveValues(db, op);
    if (message.includes('extension')) return extensionInUse(db, op.customerId, values);
    if (message.includes('phone_number')) {
      const other = otherUser(db, 'SELECT email FROM users WHERE customer_id = ? AND phone_number = ?', op.customerId, values.phoneNumber);
      return {
        status: 'error',
        code: 'PHONE_NUMBER_IN_USE',
        message: `Phone number ${values.phoneNumber} is already used by another user${other} of customer ${op.customerId}.`,
      };
    }
    if (message.includes('email')) {
      return { status: 'error', code: 'USER_EXISTS', message: `A user with e-mail ${op.email.toLowerCase()} already exists in customer ${op.customerId}.` };
    }
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return { status: 'error', code: 'BACKEND_ERROR', message: `Customer ${op.customerId} does not exist in the directory.` };
  }
  return { status: 'error', code: 'BACKEND_ERROR', message: `The directory refused the change: ${message}` };
}

export function userNotFound(op: Extract<Operation, { id: string }>): Refusal {
  return {
    status: 'error',
    code: 'USER_NOT_FOUND',
    message: `User ${op.email} (id ${op.id}) does not exist in customer ${op.customerId}; it may have been removed in the meantime.`,
  };
}

interface Values {
  extension?: string | null;
  location?: string | null;
  phoneNumber?: string | null;
}

/** The extension, location and number the user would have had if the change had gone through. */
function effectiveValues(db: Db, op: Operation): Values {
  if (op.kind === 'add') return op.attributes;
  const row = db.prepare('SELECT * FROM users WHERE id = ?').get(op.id) as UserRow | undefined;
  const changes = op.kind === 'modify' ? op.changes : {};
  return {
    extension: changes.extension ?? (row?.extension as string | null),
    location: changes.location ?? (row?.location as string | null),
    phoneNumber: changes.phoneNumber ?? (row?.phone_number as string | null),
  };
}

function extensionInUse(db: Db, customerId: string, { extension, location }: Values): Refusal {
  const other = otherUser(
    db,
    `SELECT email FROM users WHERE customer_id = ? AND ifnull(location, '') = ? COLLATE NOCASE AND extension = ?`,
    customerId,
    location ?? '',
    extension,
  );
  const where = location ? `in location "${location}"` : 'without a location';
  return { status: 'error', code: 'EXTENSION_IN_USE', message: `Extension ${extension} is already used by another user${other} ${where}.` };
}

/** ` (who@example.com)` when the holder of a value can be named, so the fix is obvious. */
function otherUser(db: Db, sql: string, ...params: unknown[]): string {
  const row = db.prepare(sql).get(...params) as { email: string } | undefined;
  return row ? ` (${row.email})` : '';
}

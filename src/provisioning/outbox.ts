import type { Db } from '../db/open.js';

/**
 * Messages the tool would send (the hand-over to a customer admin, the request to a delegate).
 * bulkhub sends no e-mail itself: it records each message so a person, or a mail job, can
 * read and send it (`bulkhub outbox list`).
 */

export interface OutboxMessage {
  id: number;
  to: string;
  subject: string;
  body: string;
  subscriptionId: string | null;
  createdAt: string;
}

export function recordMessage(db: Db, message: { to: string; subject: string; body: string; subscriptionId?: string }): OutboxMessage {
  const { lastInsertRowid } = db
    .prepare('INSERT INTO outbox (to_email, subject, body, subscription_id) VALUES (?, ?, ?, ?)')
    .run(message.to, message.subject, message.body, message.subscriptionId ?? null);
  return db.prepare(`${SELECT} WHERE id = ?`).get(lastInsertRowid) as OutboxMessage;
}

const SELECT = `SELECT id, to_email AS "to", subject, body, subscription_id AS subscriptionId, created_at AS createdAt FROM outbox`;

export function listOutbox(db: Db, subscriptionId?: string): OutboxMessage[] {
  return db.prepare(`${SELECT} WHERE ? IS NULL OR subscription_id = ? ORDER BY id`).all(subscriptionId ?? null, subscriptionId ?? null) as OutboxMessage[];
}

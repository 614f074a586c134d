import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { inDatabase, type Db } from '../db/open.js';
import { RunRefused } from '../domain/codes.js';

/**
 * One import at a time per customer and target. Two runs for one customer at once (two files,
 * or the same nightly job started twice) would plan against a state the other is changing, and
 * the removal guard and the duplicate checks would each see only half of the truth.
 *
 * The lock is a row of `journal_locks` keyed by customer and target, taken in one IMMEDIATE
 * transaction (SQLite's single writer makes the check and the insert atomic across processes).
 * It names its owner: run, process id, host and a heartbeat renewed every `heartbeatMs`. An
 * owner is dead, and its lock taken over, when it ran on this host and its process is gone
 * (`kill -9`, a crash, a reboot), or when its heartbeat is older than `staleMs` (another host,
 * or a process id reused after a reboot).
 */

/** A heartbeat older than this means the owner is gone. */
export const STALE_MS = 120_000;

export interface LockKey {
  customerId: string;
  backend: string;
}

export interface LockOptions {
  /** How often the owner renews its heartbeat. @default 10_000 */
  heartbeatMs?: number;
  /** A heartbeat older than this means the owner is gone. @default 120_000 */
  staleMs?: number;
  logger?: Logger;
}

export interface RunLock {
  /** Records which run holds the lock, once it is known (it is taken before the run is chosen). */
  holdFor(runId: string): void;
  /** Gives the lock back (only if this owner still holds it). Idempotent. */
  release(): void;
}

interface LockRow {
  customer_id: string;
  backend: string;
  owner: string;
  run_id: string | null;
  pid: number;
  host: string;
  acquired_at: string;
  heartbeat_at: string;
}

export const LOCK_TABLE = `
  CREATE TABLE IF NOT EXISTS journal_locks (
    customer_id TEXT NOT NULL,
    backend TEXT NOT NULL,
    owner TEXT NOT NULL,        -- random per taking: a process may hold several (bulkhub batch)
    run_id TEXT,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    acquired_at TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL,
    PRIMARY KEY (customer_id, backend)
  );`;

/**
 * Takes the lock of `key` or refuses with RUN_IN_PROGRESS naming the run that holds it. The
 * lock keeps a connection of its own, so its heartbeat never runs inside a statement or a
 * transaction of the import's connection.
 */
export function takeRunLock(db: Db, key: LockKey, options: LockOptions = {}): RunLock {
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const staleMs = options.staleMs ?? STALE_MS;
  const own = db.memory ? db : new Database(db.name);
  own.pragma('busy_timeout = 5000');
  const owner = randomBytes(8).toString('hex');
  const host = hostname();
  try {
    own.transaction(() => {
      const held = own.prepare('SELECT * FROM journal_locks WHERE customer_id = ? AND backend = ?').get(key.customerId, key.backend) as LockRow | undefined;
      if (held && !isDead(held, host, staleMs)) throw refusal(db, held, key);
      if (held) options.logger?.warn({ runId: held.run_id, pid: held.pid, host: held.host, heartbeatAt: held.heartbeat_at }, `taking over the lock of customer ${key.customerId} (${key.backend}) from a run that is no longer alive (${held.run_id ?? 'no run yet'}, process ${held.pid} on ${held.host})`);
      const now = new Date().toISOString();
      own.prepare('INSERT OR REPLACE INTO journal_locks (customer_id, backend, owner, run_id, pid, host, acquired_at, heartbeat_at) VALUES (?, ?, ?, NULL, ?, ?, ?, ?)')
        .run(key.customerId, key.backend, owner, process.pid, host, now, now);
    }).immediate();
  } catch (error) {
    if (own !== db) own.close();
    throw error;
  }

  // A beat that finds the file busy is skipped: the next one comes soon, and staleMs is many beats.
  own.pragma('busy_timeout = 100');
  const beat = own.prepare('UPDATE journal_locks SET heartbeat_at = ? WHERE customer_id = ? AND backend = ? AND owner = ?');
  const timer = setInterval(() => {
    try {
      if (beat.run(new Date().toISOString(), key.customerId, key.backend, owner).changes === 0) {
        options.logger?.error({ customerId: key.customerId, backend: key.backend }, 'the run lock was taken over by another process (this one was thought dead); stop one of them');
      }
    } catch {
      // busy: skipped
    }
  }, heartbeatMs);
  timer.unref();
  let released = false;
  return {
    holdFor(runId) {
      own.prepare('UPDATE journal_locks SET run_id = ? WHERE customer_id = ? AND backend = ? AND owner = ?').run(runId, key.customerId, key.backend, owner);
    },
    release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      own.pragma('busy_timeout = 5000');
      try {
        own.prepare('DELETE FROM journal_locks WHERE customer_id = ? AND backend = ? AND owner = ?').run(key.customerId, key.backend, owner);
      } finally {
        if (own !== db) own.close();
      }
    },
  };
}

/** The runs holding their customer's lock right now, with an owner that is not known to be dead. */
export function runsInProgress(db: Db): Set<string> {
  const host = hostname();
  const rows = db.prepare('SELECT * FROM journal_locks WHERE run_id IS NOT NULL').all() as LockRow[];
  return new Set(rows.filter((row) => !isDead(row, host, STALE_MS)).map((row) => row.run_id!));
}

function isDead(held: LockRow, host: string, staleMs: number): boolean {
  if (held.host === host && !isAlive(held.pid)) return true;
  return Date.now() - Date.parse(held.heartbeat_at) > staleMs;
}

/** Whether a process with this id exists on this host (EPERM: it exists, as another user's). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function refusal(db: Db, held: LockRow, key: LockKey): RunRefused {
  const run = held.run_id ? `run ${held.run_id}` : 'a run that is starting';
  const since = Math.round((Date.now() - Date.parse(held.heartbeat_at)) / 1000);
  return new RunRefused(
    'RUN_IN_PROGRESS',
    `Customer ${key.customerId} (${key.backend}) is being imported right now by ${run}: process ${held.pid} on ${held.host}, ` +
      `started ${held.acquired_at}, last heard of ${since}s ago${inDatabase(db)}. One import per customer and target runs at a time: ` +
      `wait for it to finish (bulkhub runs show ${held.run_id ?? 'RUN_ID'}), then run this again.`,
  );
}

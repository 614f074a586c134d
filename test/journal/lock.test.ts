import { spawn, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { RunRefused } from '../../src/domain/codes.js';
import { takeRunLock } from '../../src/journal/lock.js';
import { migrateJournal } from '../../src/journal/schema.js';
import { ROOT, tempDir } from '../helpers/cli.js';

function freshDb() {
  const path = join(tempDir(), 'lock.db');
  const db = openDb(path);
  migrateJournal(db);
  return { db, path };
}

const acme = { customerId: 'acme', backend: 'sqlite' };

function refusedWith(take: () => unknown): string {
  try {
    take();
  } catch (error) {
    expect(error).toBeInstanceOf(RunRefused);
    expect((error as RunRefused).code).toBe('RUN_IN_PROGRESS');
    return (error as RunRefused).message;
  }
  throw new Error('expected RUN_IN_PROGRESS');
}

function plant(db: ReturnType<typeof openDb>, row: { pid: number; host: string; heartbeatAgoMs: number; runId?: string }): void {
  const beat = new Date(Date.now() - row.heartbeatAgoMs).toISOString();
  db.prepare('INSERT INTO journal_locks (customer_id, backend, owner, run_id, pid, host, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run('acme', 'sqlite', 'someone', row.runId ?? 'run-other', row.pid, row.host, beat, beat);
}

describe('the run lock: one import per customer and target', () => {
  it('a second taker is refused, naming the run that holds it; after release it is free', () => {
    const { db } = freshDb();
    const first = takeRunLock(db, acme);
    first.holdFor('20260101-000000-aaaaaa');
    const message = refusedWith(() => takeRunLock(db, acme));
    expect(message).toContain('Customer acme (sqlite) is being imported right now by run 20260101-000000-aaaaaa');
    expect(message).toContain(`process ${process.pid} on ${hostname()}`);
    // Another customer, or the same customer on another target, is another lock.
    takeRunLock(db, { customerId: 'globex', backend: 'sqlite' }).release();
    takeRunLock(db, { customerId: 'acme', backend: 'webex' }).release();
    first.release();
    first.release(); // idempotent
    takeRunLock(db, acme).release();
    expect(db.prepare('SELECT count(*) FROM journal_locks').pluck().get()).toBe(0);
  });

  it("a dead owner's lock is taken over: its process is gone on this host, or its heartbeat is stale", () => {
    const { db } = freshDb();
    const gone = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    plant(db, { pid: gone, host: hostname(), heartbeatAgoMs: 0 });
    const lock = takeRunLock(db, acme);
    expect(db.prepare('SELECT pid FROM journal_locks').pluck().get()).toBe(process.pid);
    lock.release();

    // A live process id with a stale heartbeat: the id was reused, or the owner hangs.
    plant(db, { pid: process.ppid, host: hostname(), heartbeatAgoMs: 10 * 60_000 });
    takeRunLock(db, acme).release();

    // Another host with a fresh heartbeat is alive as far as this host can tell; a stale one is not.
    plant(db, { pid: 1, host: 'elsewhere.example', heartbeatAgoMs: 5_000 });
    expect(refusedWith(() => takeRunLock(db, acme))).toContain('process 1 on elsewhere.example');
    db.prepare('DELETE FROM journal_locks').run();
    plant(db, { pid: 1, host: 'elsewhere.example', heartbeatAgoMs: 10 * 60_000 });
    takeRunLock(db, acme, { staleMs: 60_000 }).release();
  });

  it('the heartbeat is renewed while the lock is held', async () => {
    const { db } = freshDb();
    const lock = takeRunLock(db, acme, { heartbeatMs: 50 });
    const first = db.prepare('SELECT heartbeat_at FROM journal_locks').pluck().get() as string;
    await new Promise((r) => setTimeout(r, 300));
    const later = db.prepare('SELECT heartbeat_at FROM journal_locks').pluck().get() as string;
    expect(Date.parse(later)).toBeGreaterThan(Date.parse(first));
    lock.release();
  });

  it('is taken atomically: of processes racing for it, exactly one gets it', async () => {
    const { db, path } = freshDb();
    db.close();
    const lockModule = join(ROOT, 'dist/src/journal/lock.js');
    const dbModule = join(ROOT, 'dist/src/db/open.js');
    // Each contender waits for the same moment, tries once, holds what it got for a while.
    const start = Date.now() + 3000;
    const script = `
      const { takeRunLock } = await import(${JSON.stringify(lockModule)});
      const { openDb } = await import(${JSON.stringify(dbModule)});
      const db = openDb(${JSON.stringify(path)});
      while (Date.now() < ${start}) {}
      try { const lock = takeRunLock(db, { customerId: 'acme', backend: 'sqlite' }); console.log('took'); setTimeout(() => lock.release(), 5000); }
      catch (error) { console.log(error.code); }`;
    const contenders = Array.from({ length: 6 }, () =>
      new Promise<string>((resolve) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.on('close', () => resolve(out.trim()));
      }),
    );
    const outcomes = await Promise.all(contenders);
    expect(outcomes.filter((o) => o === 'took')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'RUN_IN_PROGRESS')).toHaveLength(5);
  });
});

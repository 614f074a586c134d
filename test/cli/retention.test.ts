import { statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { runCli } from '../helpers/cli.js';
import { acmeDirectory, HEADER, meetingsUser } from '../helpers/directory.js';

const ROWS = 1500;

type Acme = ReturnType<typeof acmeDirectory>;

function query<T>(db: string, sql: string, ...params: unknown[]): T[] {
  const conn = openDb(db);
  try {
    return conn.prepare(sql).all(...params) as T[];
  } finally {
    conn.close();
  }
}

const runIds = (db: string) => query<{ id: string }>(db, 'SELECT id FROM journal_runs ORDER BY started_at, id').map((r) => r.id);
/** Every run id the journal's line tables still hold: a pruned run leaves nothing behind. */
const lineRunIds = (db: string) =>
  query<{ run_id: string }>(db, 'SELECT run_id FROM journal_batches UNION SELECT run_id FROM journal_outcomes ORDER BY 1').map((r) => r.run_id);
const bytes = (db: string) => statSync(db).size + (() => { try { return statSync(`${db}-wal`).size; } catch { return 0; } })();

function usersFile(acme: Acme, name: string, from = 0): string {
  return acme.write(name, [HEADER, ...Array.from({ length: ROWS }, (_, i) => meetingsUser(from + i))].join('\n'));
}

async function importFile(acme: Acme, file: string, ...more: string[]) {
  const result = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--log-level', 'warn', ...more]);
  expect(result.code, result.stderr).toBe(0);
  return result;
}

describe('retention: runs prune', () => {
  it('keeps the newest N, never an unfinished run unless asked, never one being applied; space goes back', async () => {
    const acme = acmeDirectory();
    // A run killed mid-apply (resumable), then three runs of another, unchanged file.
    const killedFile = usersFile(acme, 'killed.csv', 100_000);
    const killed = await runCli(['users', 'import', killedFile, '--customer', 'acme', '--db', acme.db], { env: { BULKHUB_FAULT_KILL_AFTER_WINDOW: '1' } });
    expect(killed.signal).toBe('SIGKILL');
    const file = usersFile(acme, 'users.csv');
    for (let i = 0; i < 3; i++) await importFile(acme, file);
    const [unfinished, first, second, third] = runIds(acme.db);
    expect(query<{ state: string }>(acme.db, 'SELECT state FROM journal_runs WHERE id = ?', unfinished)[0]!.state).toBe('applying');

    const dry = await runCli(['runs', 'prune', '--keep', '1', '--dry-run', '--db', acme.db]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Would delete 2 runs');
    expect(runIds(acme.db)).toHaveLength(4);

    const before = bytes(acme.db);
    const pruned = await runCli(['runs', 'prune', '--keep', '1', '--db', acme.db, '--json']);
    expect(pruned.code, pruned.stderr).toBe(0);
    const result = JSON.parse(pruned.stdout);
    expect(result.deleted.map((r: { id: string }) => r.id)).toEqual([first, second]);
    expect(result.kept).toEqual([expect.objectContaining({ id: unfinished, reason: 'resumable' })]);
    expect(result.database).toBe(acme.db);
    expect(runIds(acme.db)).toEqual([unfinished, third]);
    expect(lineRunIds(acme.db)).toEqual([unfinished, third].sort());
    // The space is given back to the file system, not only marked free inside the file.
    expect(result.bytesAfter).toBeLessThan(result.bytesBefore * 0.75);
    expect(bytes(acme.db)).toBe(result.bytesAfter);
    expect(bytes(acme.db)).toBeLessThan(before * 0.75);

    // A run being applied right now is never deleted, even when unfinished runs are asked for.
    const conn = openDb(acme.db);
    const now = new Date().toISOString();
    conn.prepare("INSERT INTO journal_locks (customer_id, backend, owner, run_id, pid, host, acquired_at, heartbeat_at) VALUES ('acme', 'sqlite', 'x', ?, ?, ?, ?, ?)")
      .run(unfinished, process.pid, hostname(), now, now);
    conn.close();
    const inProgress = JSON.parse((await runCli(['runs', 'prune', '--keep', '1', '--include-unfinished', '--db', acme.db, '--json'])).stdout);
    expect(inProgress.deleted).toEqual([]);
    expect(inProgress.kept).toEqual([expect.objectContaining({ id: unfinished, reason: 'in-progress' })]);
    query(acme.db, 'DELETE FROM journal_locks RETURNING 1');

    const all = await runCli(['runs', 'prune', '--keep', '1', '--include-unfinished', '--db', acme.db]);
    expect(all.stdout).toMatch(/^Deleted 1 run from /);
    expect(runIds(acme.db)).toEqual([third]);
    // The run that is left still shows in full.
    expect((await runCli(['runs', 'show', third!, '--db', acme.db])).stdout).toContain(`rows       ${ROWS}:`);
  });

  it('--older-than deletes by age; a prune needs --keep or --older-than', async () => {
    const acme = acmeDirectory();
    const file = usersFile(acme, 'users.csv');
    await importFile(acme, file);
    await importFile(acme, file);
    const [old, recent] = runIds(acme.db);
    query(acme.db, "UPDATE journal_runs SET started_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-40 days') WHERE id = ? RETURNING 1", old);
    const pruned = JSON.parse((await runCli(['runs', 'prune', '--older-than', '30', '--db', acme.db, '--json'])).stdout);
    expect(pruned.deleted.map((r: { id: string }) => r.id)).toEqual([old]);
    expect(runIds(acme.db)).toEqual([recent]);
    // Another customer's filter leaves acme alone.
    expect(JSON.parse((await runCli(['runs', 'prune', '--keep', '1', '--customer', 'globex', '--db', acme.db, '--json'])).stdout).deleted).toEqual([]);

    for (const args of [[], ['--keep', '0'], ['--older-than', '-1']]) {
      const refused = await runCli(['runs', 'prune', ...args, '--db', acme.db]);
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.said).toMatch(/BAD_ARGUMENTS: /);
    }
  });

  it('an older database (no incremental auto-vacuum) is rebuilt once, then shrinks cheaply', async () => {
    const acme = acmeDirectory();
    // As made before this version: the directory and the journal without auto_vacuum.
    const legacy = join(acme.dir, 'legacy.db');
    const conn = new Database(legacy);
    conn.pragma('journal_mode = WAL');
    conn.exec(`ATTACH '${acme.db}' AS src`);
    for (const t of conn.prepare("SELECT name, sql FROM src.sqlite_master WHERE type = 'table' AND sql IS NOT NULL").all() as { name: string; sql: string }[]) {
      conn.exec(t.sql);
      conn.exec(`INSERT INTO main."${t.name}" SELECT * FROM src."${t.name}"`);
    }
    conn.exec('DETACH src');
    expect(conn.pragma('auto_vacuum', { simple: true })).toBe(0);
    conn.close();
    const file = usersFile(acme, 'users.csv');
    for (let i = 0; i < 3; i++) {
      const result = await runCli(['users', 'import', file, '--customer', 'acme', '--db', legacy, '--log-level', 'warn']);
      expect(result.code, result.stderr).toBe(0);
    }
    const pruned = JSON.parse((await runCli(['runs', 'prune', '--keep', '1', '--db', legacy, '--json'])).stdout);
    expect(pruned.deleted).toHaveLength(2);
    expect(pruned.bytesAfter).toBeLessThan(pruned.bytesBefore * 0.75);
    const after = new Database(legacy);
    expect(after.pragma('auto_vacuum', { simple: true })).toBe(2);
    after.close();
  });
});

describe('retention after each import: --keep-runs, keepRuns in the config file', () => {
  it('a nightly import of an unchanged file keeps the journal at N runs and its size flat', async () => {
    const acme = acmeDirectory();
    const file = usersFile(acme, 'users.csv');
    writeFileSync(join(acme.dir, 'bulkhub.config.json'), JSON.stringify({ keepRuns: 2 }));
    const sizes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const result = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db], { cwd: acme.dir });
      expect(result.code, result.stderr).toBe(0);
      sizes.push(bytes(acme.db));
      expect(runIds(acme.db)).toHaveLength(Math.min(i + 1, 2));
      if (i >= 2) expect(result.said).toMatch(/retention: deleted 1 older run of customer acme/);
    }
    // Runs 3 to 5 each add a run and delete one: the file stays the size it had after run 2.
    expect(sizes[4]!).toBeLessThan(sizes[1]! * 1.15);
    expect(lineRunIds(acme.db)).toEqual(runIds(acme.db).sort());

    // The flag wins over the config file; a dry run prunes nothing.
    await importFile(acme, file, '--keep-runs', '1');
    expect(runIds(acme.db)).toHaveLength(1);
    const dry = await runCli(['users', 'validate', file, '--customer', 'acme', '--db', acme.db], { cwd: acme.dir });
    expect(dry.code, dry.stderr).toBe(0);
    expect(runIds(acme.db)).toHaveLength(2);
    const bad = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--keep-runs', '0']);
    expect(bad.code).toBe(2);
    expect(bad.said).toContain('--keep-runs must be a whole number of at least 1');
  });
});

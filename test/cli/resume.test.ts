import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { migrateJournal } from '../../src/journal/schema.js';
import { claimRun, createRun, getRun } from '../../src/journal/runs.js';
import { runCli } from '../helpers/cli.js';
import { acmeDirectory, HEADER, meetingsUser, readReport } from '../helpers/directory.js';

const ROWS = 2400;
const WINDOW = 500;

/** Applied changes per e-mail, from the directory's own audit trail. */
function auditCounts(db: string): Map<string, number> {
  const conn = openDb(db, { readonly: true });
  const rows = conn.prepare(`SELECT email, COUNT(*) AS n FROM audit WHERE op = 'add' AND email LIKE 'user%' GROUP BY email`).all() as Array<{ email: string; n: number }>;
  conn.close();
  return new Map(rows.map((r) => [r.email, r.n]));
}

function lineStates(db: string, runId: string): Record<string, number> {
  const conn = openDb(db, { readonly: true });
  const rows = conn.prepare("SELECT json_extract(e.value, '$[1]') AS state, COUNT(*) AS n FROM journal_outcomes o, json_each(o.outcomes) e WHERE o.run_id = ? GROUP BY 1").all(runId) as Array<{ state: string; n: number }>;
  conn.close();
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

function onlyRunId(db: string): string {
  const conn = openDb(db, { readonly: true });
  const ids = conn.prepare('SELECT id FROM journal_runs').pluck().all() as string[];
  conn.close();
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

describe('a run killed with SIGKILL mid-apply', () => {
  it('is finished by re-running the same file: every row applied exactly once, none lost', async () => {
    const acme = acmeDirectory();
    const file = acme.write('big.csv', [HEADER, ...Array.from({ length: ROWS }, (_, i) => meetingsUser(i))].join('\n'));
    const args = ['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'out')];

    // Killed right after window 2 was applied and before the journal recorded it: the worst moment.
    // The directory shares the journal's database, so window 2's changes die with their record.
    const killed = await runCli(args, { env: { BULKHUB_FAULT_KILL_AFTER_WINDOW: '2' } });
    expect(killed.signal).toBe('SIGKILL');
    const runId = onlyRunId(acme.db);
    expect(lineStates(acme.db, runId)).toEqual({ done: WINDOW, pending: ROWS - WINDOW });
    expect(auditCounts(acme.db).size).toBe(WINDOW);
    const shown = await runCli(['runs', 'show', runId, '--db', acme.db]);
    expect(shown.stdout).toContain('applying');
    expect(shown.stdout).toContain(`--resume ${runId}`);

    const resumed = await runCli(args);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`Run ${runId} (resumed)`);
    expect(onlyRunId(acme.db)).toBe(runId);

    const audit = auditCounts(acme.db);
    expect(audit.size).toBe(ROWS);
    expect([...audit.values()].every((n) => n === 1)).toBe(true);
    const results = (await readReport(join(acme.dir, 'out', 'results.csv'))).slice(1);
    expect(results).toHaveLength(ROWS);
    expect(results.every((r) => r[2] === 'add' && r[3] === 'ok')).toBe(true);
    expect(results.map((r) => Number(r[0]))).toEqual(Array.from({ length: ROWS }, (_, i) => i + 2));
    // Nothing was in doubt: no line needed settling against the target.
    expect(results.some((r) => r[5]!.includes('confirmed against the target'))).toBe(false);
    expect(JSON.parse(readFileSync(join(acme.dir, 'out', 'summary.json'), 'utf8'))).toMatchObject({ rows: ROWS, added: ROWS, errors: 0 });

    // And once finished, the same file again changes nothing.
    const again = await runCli([...args.slice(0, -2), '--out', join(acme.dir, 'again')]);
    expect(again.code).toBe(0);
    expect(JSON.parse(readFileSync(join(acme.dir, 'again', 'summary.json'), 'utf8')).unchanged).toBe(ROWS);
  });

  it('is finished by --resume RUN_ID even after being killed twice, and refuses a changed file', async () => {
    const acme = acmeDirectory();
    const file = acme.write('big.csv', [HEADER, ...Array.from({ length: ROWS }, (_, i) => meetingsUser(i))].join('\n'));
    const args = ['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'out')];
    expect((await runCli(args, { env: { BULKHUB_FAULT_KILL_AFTER_WINDOW: '1' } })).signal).toBe('SIGKILL');
    const runId = onlyRunId(acme.db);
    expect(lineStates(acme.db, runId)).toEqual({ pending: ROWS });
    expect((await runCli([...args, '--resume', runId], { env: { BULKHUB_FAULT_KILL_AFTER_WINDOW: '2' } })).signal).toBe('SIGKILL');
    expect(lineStates(acme.db, runId)).toEqual({ done: WINDOW, pending: ROWS - WINDOW });
    expect(auditCounts(acme.db).size).toBe(WINDOW);

    const copy = acme.write('changed.csv', readFileSync(file, 'utf8'));
    appendFileSync(copy, `\n${meetingsUser(99999)}`);
    const changed = await runCli(['users', 'import', copy, '--customer', 'acme', '--db', acme.db, '--resume', runId]);
    expect(changed.code).toBe(2);
    expect(changed.said).toContain('INPUT_CHANGED');

    const finished = await runCli([...args, '--resume', runId]);
    expect(finished.code).toBe(0);
    const audit = auditCounts(acme.db);
    expect(audit.size).toBe(ROWS);
    expect([...audit.values()].every((n) => n === 1)).toBe(true);
    expect(lineStates(acme.db, runId)).toEqual({ done: ROWS });
  });
});

describe('claiming a run', () => {
  it('refuses a run another live process is applying, and takes over one whose process died', async () => {
    const acme = acmeDirectory();
    const db = openDb(acme.db);
    migrateJournal(db);
    const run = createRun(db, { customerId: 'acme', backend: 'sqlite', inputFile: 'x.csv', inputHash: 'sha256:x', mode: 'add-remove', dryRun: false, allowRemovals: false, outDir: acme.dir });
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      db.prepare('UPDATE journal_runs SET pid = ? WHERE id = ?').run(sleeper.pid, run.id);
      expect(() => claimRun(db, getRun(db, run.id)!)).toThrow(/being applied right now/);
    } finally {
      sleeper.kill('SIGKILL');
      await new Promise((r) => sleeper.once('exit', r));
    }
    claimRun(db, getRun(db, run.id)!);
    expect(getRun(db, run.id)!.pid).toBe(process.pid);
    db.close();
  });
});

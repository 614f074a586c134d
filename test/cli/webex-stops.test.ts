import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import type { FakeWebex, FakeWebexOptions } from '../../src/dev/fake-webex/server.js';
import { problemsIn, runCli, startCli, tempDir, SLOW_CLI_TEST_MS } from '../helpers/cli.js';
import { HEADER, meetingsUser, readReport } from '../helpers/directory.js';
import { ACME, startFake } from '../fake-webex/fixture.js';

/** Polls until `ready` holds (the fake lives in this process, so its counts are current). */
async function until(ready: () => boolean, what: string, ms = 180_000): Promise<void> {
  for (const end = Date.now() + ms; !ready(); await sleep(5)) if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
}

function runState(db: string): string {
  const conn = openDb(db, { readonly: true });
  const state = conn.prepare('SELECT state FROM journal_runs').pluck().get() as string;
  conn.close();
  return state;
}

describe('users import --backend webex, stopped part-way', { timeout: SLOW_CLI_TEST_MS }, () => {
  let fake: FakeWebex;
  let dir: string;
  afterEach(async () => {
    expect(fake.state.duplicates()).toEqual([]);
    await fake.close();
  });

  const setUp = async (rows: number, options: FakeWebexOptions = {}) => {
    dir = tempDir('bulkhub-webex-stop-');
    const file = join(dir, 'users.csv');
    writeFileSync(file, [HEADER, ...Array.from({ length: rows }, (_, i) => meetingsUser(i))].join('\n'));
    const db = join(dir, 'journal.db');
    const args = ['users', 'import', file, '--backend', 'webex', '--customer', ACME.id, '--db', db, '--out', join(dir, 'out')];
    return { file, db, args, options };
  };

  /** Every row added exactly once, every one reported as an add, ok, with no trace of the fault. */
  const expectAllAdded = async (rows: number) => {
    const creations = fake.state.creations();
    expect([...creations.keys()].filter((e) => e.startsWith('user'))).toHaveLength(rows);
    expect([...creations.values()].every((n) => n === 1)).toBe(true);
    const results = (await readReport(join(dir, 'out', 'results.csv'))).slice(1);
    expect(results).toHaveLength(rows);
    expect(results.filter((r) => r[2] !== 'add' || r[3] !== 'ok')).toEqual([]);
    return results;
  };

  it('a token refused mid-run (401) stops the run, resumable; never a row\'s status; resumed with a valid token, every row is applied', async () => {
    const rows = 500;
    // The token stops being accepted once 290 subscribers exist, as when it expires or is revoked.
    const tokens = { get token() { return fake.state.creations().size >= 290 ? 'second-token' : 'first-token'; } };
    fake = await startFake(tokens as FakeWebexOptions);
    const { db, args } = await setUp(rows);
    const stopped = await runCli(args, { env: { WEBEX_API_URL: fake.url, WEBEX_ACCESS_TOKEN: 'first-token' } });
    expect(stopped.code).toBe(3);
    const [problem, ...more] = problemsIn(stopped.stderr);
    expect(more).toEqual([]);
    expect(problem).toMatchObject({ code: 'TARGET_UNAVAILABLE', message: expect.stringMatching(/^Run \S+ stopped while applying: Webex refused the token .*HTTP 401/) });
    expect(problem!.resume).toBe(`bulkhub users import ${args[2]} --customer ${ACME.id} --backend webex --db ${db} --resume ${problem!.runId}`);
    expect(runState(db)).toBe('applying');
    expect(fake.state.creations().size).toBeGreaterThanOrEqual(290);
    expect(fake.state.creations().size).toBeLessThan(rows);

    const resumed = await runCli((problem!.resume as string).split(' ').slice(1), { env: { WEBEX_API_URL: fake.url, WEBEX_ACCESS_TOKEN: 'second-token' } });
    expect(resumed.code).toBe(0);
    const results = await expectAllAdded(rows);
    expect(results.filter((r) => r[5]!.includes('401'))).toEqual([]);
  });

  it('after kill -9 mid-add, a resumed line keeps the action it was planned with (an add stays an add)', async () => {
    const rows = 300;
    fake = await startFake();
    const { args } = await setUp(rows);
    // The first licence PATCH (the Meetings site of a new subscriber) is answered 503 "come back in 30 s":
    // its subscriber exists, its site does not, when the process is killed.
    fake.faults.once({ method: 'PATCH', path: '/licenses/users' }, { kind: 'status', status: 503, retryAfter: '30' });
    const env = { WEBEX_API_URL: fake.url, WEBEX_ACCESS_TOKEN: 'token' };
    const run = startCli(args, { env });
    await until(() => (fake.stats.byStatus[503] ?? 0) > 0, 'the 503');
    await sleep(200);
    run.child.kill('SIGKILL');
    expect((await run.result).signal).toBe('SIGKILL');

    const resumed = await runCli(args, { env });
    expect(resumed.code).toBe(0);
    const results = await expectAllAdded(rows);
    const finished = results.filter((r) => r[5]!.includes('finished when the run was resumed'));
    expect(finished.length).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s stops the run at the next safe point, prints the command to resume, exits %i; the command finishes it', async (signal, code) => {
    const rows = 400;
    fake = await startFake({ latencyMs: [2, 6] });
    const { db, args } = await setUp(rows);
    const env = { WEBEX_API_URL: fake.url, WEBEX_ACCESS_TOKEN: 'token' };
    const run = startCli(args, { env });
    await until(() => fake.state.creations().size >= 40, 'the first adds');
    run.child.kill(signal);
    const stopped = await run.result;
    expect(stopped.code).toBe(code);
    expect(stopped.signal).toBeNull();
    const problem = problemsIn(stopped.stderr).find((p) => p.code === 'INTERRUPTED');
    expect(problem?.message).toMatch(new RegExp(`^Run \\S+ stopped on ${signal} at a safe point while applying; \\d+ of ${rows} lines are done and recorded; nothing is half-done\\.$`));
    expect(problem?.resume).toContain(`--resume ${problem!.runId}`);
    expect(runState(db)).toBe('applying');
    expect(fake.state.creations().size).toBeLessThan(rows);

    const resumed = await runCli((problem!.resume as string).split(' ').slice(1), { env });
    expect(resumed.code).toBe(0);
    await expectAllAdded(rows);
  });

  it('a second signal stops at once; the resume still applies every row exactly once', async () => {
    const rows = 400;
    fake = await startFake({ latencyMs: [2, 6] });
    const { args } = await setUp(rows);
    const env = { WEBEX_API_URL: fake.url, WEBEX_ACCESS_TOKEN: 'token' };
    const run = startCli(args, { env });
    await until(() => fake.state.creations().size >= 40, 'the first adds');
    run.child.kill('SIGTERM');
    run.child.kill('SIGTERM');
    expect((await run.result).code).toBe(143);
    const resumed = await runCli(args, { env });
    expect(resumed.code).toBe(0);
    await expectAllAdded(rows);
  });
});

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import type { FakeWebex } from '../../src/dev/fake-webex/server.js';
import { CLI, runCli, tempDir } from '../helpers/cli.js';
import { HEADER, meetingsUser } from '../helpers/directory.js';
import { ACME, startFake } from '../fake-webex/fixture.js';

/**
 * Two imports for one customer at once, as two nightly jobs meet: the second is refused while
 * the first runs (whatever its file), and runs once the first is done.
 */
describe('one import per customer and target at a time (the built CLI against a slow fake Webex)', () => {
  let fake: FakeWebex;
  let dir: string;
  beforeEach(async () => {
    fake = await startFake({ token: 'lock-token', latencyMs: [40, 60] });
    dir = tempDir('bulkhub-lock-');
  });
  afterEach(async () => {
    await fake.close();
  });

  const env = { WEBEX_API_URL: 'set below', WEBEX_ACCESS_TOKEN: 'lock-token' };
  const args = (file: string, out: string) =>
    ['users', 'import', file, '--backend', 'webex', '--customer', ACME.id, '--db', join(dir, 'journal.db'), '--out', join(dir, out), '--concurrency', '2'];
  const file = (name: string, from: number, count: number): string => {
    const path = join(dir, name);
    const lines = Array.from({ length: count }, (_, i) => meetingsUser(from + i).replace(/acme\.webex\.com/g, ACME.site).replace(/@acme\.nl/g, '@acme.example'));
    writeFileSync(path, [HEADER, ...lines].join('\n'));
    return path;
  };

  it('refuses a second file for the same customer while the first run applies, naming it; then runs it', async () => {
    const e = { ...env, WEBEX_API_URL: fake.url };
    const first = spawn(process.execPath, [CLI, ...args(file('a.csv', 1, 120), 'a')], { env: { ...process.env, ...e }, stdio: ['ignore', 'pipe', 'pipe'] });
    let firstErr = '';
    first.stderr.setEncoding('utf8').on('data', (d: string) => (firstErr += d));
    const firstDone = new Promise<number | null>((resolve) => first.on('close', resolve));
    // Wait until the first run is recorded as the lock's holder.
    const db = openDb(join(dir, 'journal.db'));
    let holder: { run_id: string | null } | undefined;
    for (let i = 0; i < 300 && !holder?.run_id; i++) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        holder = db.prepare('SELECT run_id FROM journal_locks').get() as typeof holder;
      } catch {
        // the table is created by the first run
      }
    }
    expect(holder?.run_id, firstErr).toMatch(/^\d{8}-\d{6}-[0-9a-f]{6}$/);

    const second = await runCli(args(file('b.csv', 500, 3), 'b'), { env: e });
    expect(second.code).toBe(2);
    expect(second.said).toContain(`RUN_IN_PROGRESS: Customer ${ACME.id} (webex) is being imported right now by run ${holder!.run_id}: process ${first.pid}`);

    expect(await firstDone, firstErr).toBe(0);
    expect(db.prepare('SELECT count(*) FROM journal_locks').pluck().get()).toBe(0);
    db.close();
    const again = await runCli(args(join(dir, 'b.csv'), 'b2'), { env: e });
    expect(again.code, again.stderr).toBe(0);
  });

  it('a dry run takes no lock: it can look while a run applies', async () => {
    const e = { ...env, WEBEX_API_URL: fake.url };
    const first = spawn(process.execPath, [CLI, ...args(file('a.csv', 1, 80), 'a')], { env: { ...process.env, ...e }, stdio: 'ignore' });
    const firstDone = new Promise<number | null>((resolve) => first.on('close', resolve));
    const db = openDb(join(dir, 'journal.db'));
    for (let i = 0; i < 300; i++) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        if (db.prepare('SELECT run_id FROM journal_locks').pluck().get()) break;
      } catch {
        // not created yet
      }
    }
    const dry = await runCli([...args(file('b.csv', 500, 3), 'dry'), '--dry-run'], { env: e });
    expect(dry.code, dry.stderr).toBe(0);
    expect(await firstDone).toBe(0);
    db.close();
  });
});

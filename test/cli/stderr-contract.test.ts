import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeWebex } from '../../src/dev/fake-webex/server.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { acmeDirectory, HEADER, meetingsUser, removalOf, userLine } from '../helpers/directory.js';
import { ACME, startFake } from '../fake-webex/fixture.js';

interface Line {
  level: number;
  time: number;
  msg: string;
  [key: string]: unknown;
}

/** Every stderr line must be JSON when stderr is not a terminal; returns them parsed. */
function jsonLines(stderr: string): Line[] {
  const lines = stderr.split('\n').filter((l) => l !== '');
  for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
  return lines.map((l) => JSON.parse(l) as Line);
}

const last = (stderr: string): Line => jsonLines(stderr).at(-1)!;

describe('the scheduler\'s contract: without a terminal, stderr is JSON lines ending with the outcome', () => {
  it('an import ends with one line holding the outcome, the exit code and the counts, whatever the outcome', async () => {
    const acme = acmeDirectory();
    const ok = acme.write('ok.csv', [HEADER, meetingsUser(1), meetingsUser(2)].join('\n'));
    const args = (file: string, out: string, ...more: string[]) => ['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, out), ...more];

    const done = await runCli(args(ok, 'a'));
    expect(done.code).toBe(0);
    expect(last(done.stderr)).toMatchObject({
      level: 30, outcome: 'completed', exitCode: 0, customerId: 'acme', dryRun: false, database: acme.db, reports: join(acme.dir, 'a'),
      counts: { rows: 2, added: 2, modified: 0, removed: 0, unchanged: 0, warnings: 0, errors: 0 },
    });
    expect(last(done.stderr).runId).toMatch(/^\d{8}-\d{6}-[0-9a-f]{6}$/);

    const bad = acme.write('bad.csv', [HEADER, meetingsUser(3), userLine({ email: 'x@acme.nl', webex_meetings: 'maybe' })].join('\n'));
    const rowErrors = await runCli(args(bad, 'b'));
    expect(rowErrors.code).toBe(1);
    expect(last(rowErrors.stderr)).toMatchObject({ level: 40, outcome: 'completed', exitCode: 1, counts: { rows: 2, added: 1, errors: 1 } });

    const dry = await runCli(args(ok, 'c', '--dry-run'));
    expect(last(dry.stderr)).toMatchObject({ outcome: 'completed', dryRun: true, exitCode: 0, counts: { unchanged: 2 } });

    // A refused file and a tripped removal guard: the same last line, with the refusal's code and message.
    const broken = acme.write('broken.csv', `${HEADER}\n"unclosed,`);
    const fileRefused = await runCli(args(broken, 'd'));
    expect(fileRefused.code).toBe(2);
    expect(last(fileRefused.stderr)).toMatchObject({ level: 50, outcome: 'file-refused', exitCode: 2, code: 'UNCLOSED_QUOTE', counts: { rows: 0 } });
    expect(last(fileRefused.stderr).message).toMatch(/line 2/);

    const many = acme.write('many.csv', [HEADER, ...Array.from({ length: 30 }, (_, i) => meetingsUser(100 + i))].join('\n'));
    expect((await runCli(args(many, 'e'))).code).toBe(0);
    const wipe = acme.write('wipe.csv', [HEADER, ...Array.from({ length: 20 }, (_, i) => removalOf(`user${100 + i}@acme.nl`))].join('\n'));
    const guard = await runCli(args(wipe, 'f'));
    expect(guard.code).toBe(2);
    expect(last(guard.stderr)).toMatchObject({ outcome: 'refused', exitCode: 2, code: 'REMOVAL_GUARD', counts: { rows: 20, removed: 0, notApplied: 20 } });
  });

  it('--quiet: nothing when all went well, the outcome line alone when not', async () => {
    const acme = acmeDirectory();
    const ok = acme.write('ok.csv', [HEADER, meetingsUser(1)].join('\n'));
    const quiet = await runCli(['users', 'import', ok, '--customer', 'acme', '--db', acme.db, '--quiet', '--out', join(acme.dir, 'a')]);
    expect(quiet).toMatchObject({ code: 0, stderr: '', stdout: '' });
    const bad = acme.write('bad.csv', [HEADER, userLine({ email: 'x@acme.nl', webex_meetings: 'maybe' })].join('\n'));
    const failed = await runCli(['users', 'import', bad, '--customer', 'acme', '--db', acme.db, '--quiet', '--out', join(acme.dir, 'b')]);
    expect(failed.code).toBe(1);
    expect(jsonLines(failed.stderr)).toEqual([expect.objectContaining({ outcome: 'completed', exitCode: 1, counts: expect.objectContaining({ errors: 1 }) })]);
  });

  it('warnings and notes of other commands are JSON lines too', async () => {
    const acme = acmeDirectory();
    const exported = await runCli(['users', 'export', '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'now.csv')]);
    expect(jsonLines(exported.stderr)).toEqual([expect.objectContaining({ level: 30, msg: `Wrote 1 users to ${join(acme.dir, 'now.csv')}`, users: 1 })]);

    const setup = await runCli(['customers', 'setup', 'acme', '--users', acme.write('u.csv', [HEADER, meetingsUser(5)].join('\n')), '--db', acme.db, '--out', join(acme.dir, 's')]);
    expect(setup.code, setup.stderr).toBe(0);
    expect(last(setup.stderr)).toMatchObject({ outcome: 'completed', exitCode: 0, counts: { added: 1 } });

    const dir = tempDir();
    writeFileSync(join(dir, 'm.json'), JSON.stringify({ entries: [{ customer: 'acme', file: join(acme.dir, 'u.csv'), out: 'x' }, { customer: 'nobody', file: join(acme.dir, 'u.csv') }] }));
    const batch = await runCli(['batch', join(dir, 'm.json'), '--db', acme.db]);
    expect(batch.code).toBe(2);
    expect(last(batch.stderr)).toMatchObject({
      level: 50, exitCode: 2, outcome: 'completed-with-failures', notApplied: ['nobody'],
      totals: expect.objectContaining({ entries: 2, completed: 1, failed: 1 }),
    });
    // Each entry's own lines name it.
    expect(jsonLines(batch.stderr).filter((l) => l.customer === 'nobody').length).toBeGreaterThan(0);
  });
});

describe('progress lines come by the clock, also when the target is slow', () => {
  let fake: FakeWebex;
  beforeEach(async () => {
    fake = await startFake({ token: 'slow-token', latencyMs: [150, 200] });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('a window that takes seconds still logs progress at the promised interval, rows rising', async () => {
    const dir = tempDir();
    const users = [HEADER, ...Array.from({ length: 12 }, (_, i) => meetingsUser(i).replace(/acme\.webex\.com/g, ACME.site).replace('@acme.nl', '@acme.example'))];
    writeFileSync(join(dir, 'in.csv'), users.join('\n'));
    const started = Date.now();
    const result = await runCli(
      ['users', 'import', join(dir, 'in.csv'), '--backend', 'webex', '--customer', ACME.id, '--db', join(dir, 'j.db'), '--out', join(dir, 'out'), '--concurrency', '1'],
      { env: { WEBEX_API_URL: fake.url, WEBEX_ACCESS_TOKEN: 'slow-token', BULKHUB_PROGRESS_INTERVAL_MS: '400' } },
    );
    const seconds = (Date.now() - started) / 1000;
    expect(result.code, result.stderr).toBe(0);
    const applying = jsonLines(result.stderr).filter((l) => l.phase === 'applying');
    // All 12 rows are one window: before, progress was logged only when a window ended.
    expect(seconds).toBeGreaterThan(2.5);
    expect(applying.length).toBeGreaterThanOrEqual(3);
    const rows = applying.map((l) => l.rows as number);
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
    expect(rows.at(-1)!).toBeGreaterThan(rows[0]!);
    expect(last(result.stderr)).toMatchObject({ outcome: 'completed', exitCode: 0, counts: { added: 12 } });
  });
});

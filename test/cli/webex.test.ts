import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import type { FakeWebex } from '../../src/dev/fake-webex/server.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { HEADER, meetingsUser, readReport, removalOf, userLine } from '../helpers/directory.js';
import { ACME, seedCallingUser, startFake } from '../fake-webex/fixture.js';

const callingUser = (n: number, extension: string, extra: Record<string, string> = {}): string =>
  userLine({
    email: `caller${n}@acme.nl`, firstName: 'Cal', lastName: `Ler ${n}`, extension, location: 'Amsterdam HQ', preferredSite: ACME.site,
    jabberCalling: 'TRUE', jabberTeams: 'FALSE', webex_calling: 'TRUE', webex_calling_standard: 'FALSE', webex_suite: 'FALSE', webex_voice: 'FALSE', webex_meetings: 'FALSE',
    basicMessaging: 'TRUE', ...extra,
  });

/** Every file under `dir`, as bytes turned to text: the canary must be in none of them. */
function everyFile(dir: string): Array<[string, string]> {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const path = join(e.parentPath, e.name);
      return [path, readFileSync(path).toString('latin1')] as [string, string];
    });
}

describe('users import --backend webex (the built CLI against the fake Webex)', () => {
  let fake: FakeWebex;
  let dir: string;
  const canary = `canary-${randomUUID()}`;
  beforeEach(async () => {
    fake = await startFake({ token: canary });
    dir = tempDir('bulkhub-webex-');
  });
  afterEach(async () => {
    expect(fake.state.duplicates()).toEqual([]);
    await fake.close();
  });

  const env = () => ({ WEBEX_API_URL: fake.url, WEBEX_ACCESS_TOKEN: canary });
  const args = (file: string, out: string, ...more: string[]) =>
    ['users', 'import', file, '--backend', 'webex', '--customer', ACME.id, '--db', join(dir, 'journal.db'), '--out', join(dir, out), ...more];
  const write = (name: string, lines: string[]): string => {
    const path = join(dir, name);
    writeFileSync(path, lines.join('\n'));
    return path;
  };

  it('imports, reports every row (pending migration as a warning), exits 1 for a refused row, and never shows the token', async () => {
    fake.faults.pendingMigration.add('user2@acme.nl');
    // A server that echoes the token back in every TrackingID (header and error body).
    fake.faults.echoInTrackingId = canary;
    seedCallingUser(fake, 'holder@acme.nl', '1002');
    const file = write('in.csv', [HEADER, meetingsUser(1), meetingsUser(2), callingUser(1, '1001'), callingUser(2, '1002'), removalOf('nobody@acme.nl')]);
    const result = await runCli([...args(file, 'out'), '--log-level', 'debug'], { env: env() });
    expect(result.stderr).not.toContain('Error:');
    expect(result.code).toBe(1);
    const results = (await readReport(join(dir, 'out', 'results.csv'))).slice(1);
    expect(results.map((r) => r.slice(1, 5))).toEqual([
      ['user1@acme.nl', 'add', 'ok', ''],
      ['user2@acme.nl', 'add', 'warning', 'PENDING_USER_MIGRATION'],
      ['caller1@acme.nl', 'add', 'ok', ''],
      ['caller2@acme.nl', 'add', 'error', 'EXTENSION_IN_USE'],
      ['nobody@acme.nl', 'unchanged', 'ok', ''],
    ]);
    expect(results[1]![5]).toContain('accept the move');
    expect(results[3]![5]).toMatch(/Extension 1002 .*trackingId FAKE_/);
    expect(JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8'))).toMatchObject({ backend: 'webex', rows: 5, added: 3, warnings: 1, errors: 1 });
    expect(result.said).toContain('no API for Jabber Calling and Jabber with Webex Teams');

    // The token was used (the fake only answers to it) and is nowhere to be found.
    expect(fake.tokensSeen).toEqual(new Set([`Bearer ${canary}`]));
    expect(result.stdout + result.stderr).not.toContain(canary);
    const files = everyFile(dir);
    expect(files.map(([p]) => p)).toEqual(expect.arrayContaining([expect.stringMatching(/journal\.db$/), expect.stringMatching(/results\.csv$/)]));
    for (const [path, text] of files) expect(text, path).not.toContain(canary);

    // The same file again changes nothing (the pending user is still pending: a warning again).
    const again = await runCli(args(file, 'again'), { env: env() });
    expect(again.code).toBe(1);
    const second = (await readReport(join(dir, 'again', 'results.csv'))).slice(1);
    expect(second.map((r) => [r[2], r[3]])).toEqual([['unchanged', 'ok'], ['modify', 'warning'], ['unchanged', 'ok'], ['add', 'error'], ['unchanged', 'ok']]);
    expect(fake.state.creations().get('user1@acme.nl')).toBe(1);
  });

  it('users export --backend webex writes a file that imports back unchanged', async () => {
    const file = write('in.csv', [HEADER, meetingsUser(1), callingUser(1, '1001', { displayName: 'Cal the caller', phoneNumber: '+31201234567' })]);
    expect((await runCli(args(file, 'first'), { env: env() })).code).toBe(0);
    const exported = await runCli(['users', 'export', '--backend', 'webex', '--customer', ACME.id, '--out', join(dir, 'export.csv')], { env: env() });
    expect(exported.code).toBe(0);
    const rows = await readReport(join(dir, 'export.csv'));
    expect(rows.map((r) => r[0])).toEqual(['User ID/Email (Required)', ACME.adminEmail, 'caller1@acme.nl', 'user1@acme.nl']);
    const again = await runCli([...args(join(dir, 'export.csv'), 'again'), '--dry-run'], { env: env() });
    expect(again.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'again', 'summary.json'), 'utf8'))).toMatchObject({ rows: 3, unchanged: 3 });
  });

  it('--dry-run --precheck asks Webex about every add and changes nothing', async () => {
    await runCli(args(write('holder.csv', [HEADER, callingUser(1, '2001')]), 'holder'), { env: env() });
    const before = fake.state.mutations.length;
    const file = write('in.csv', [HEADER, callingUser(2, '2002'), callingUser(3, '2001', { email: 'clash@acme.nl' }), meetingsUser(5)]);
    const plain = await runCli([...args(file, 'plain'), '--dry-run'], { env: env() });
    expect(plain.code).toBe(0); // without the precheck the clash with an existing user is not seen
    const checked = await runCli([...args(file, 'checked'), '--dry-run', '--precheck'], { env: env() });
    expect(checked.code).toBe(1);
    const results = (await readReport(join(dir, 'checked', 'results.csv'))).slice(1);
    expect(results.map((r) => r.slice(1, 5))).toEqual([
      ['caller2@acme.nl', 'add', 'ok', ''],
      ['clash@acme.nl', 'add', 'error', 'EXTENSION_IN_USE'],
      ['user5@acme.nl', 'add', 'ok', ''],
    ]);
    expect(results[1]![5]).toContain('Webex precheck');
    expect(fake.state.mutations.length).toBe(before);
    expect((await runCli([...args(file, 'x'), '--precheck'], { env: env() })).code).toBe(2);
  });

  it('exits 2 without a token, for an unknown customer, and for a refused token', async () => {
    const file = write('in.csv', [HEADER, meetingsUser(1)]);
    const noToken = await runCli(args(file, 'a'), { env: { WEBEX_API_URL: fake.url, WEBEX_ACCESS_TOKEN: '' } });
    expect(noToken.code).toBe(2);
    expect(noToken.said).toContain('WEBEX_ACCESS_TOKEN');
    const unknown = await runCli([...args(file, 'b').slice(0, 6), 'no-such-customer', ...args(file, 'b').slice(7)], { env: env() });
    expect(unknown.code).toBe(2);
    expect(unknown.said).toContain('CUSTOMER_NOT_FOUND');
    const wrong = await runCli(args(file, 'c'), { env: { ...env(), WEBEX_ACCESS_TOKEN: 'canary-wrong' } });
    expect(wrong.code).toBe(2);
    expect(wrong.said).toContain('TARGET_UNAVAILABLE');
    expect(wrong.stderr).not.toContain('canary-wrong');
    expect(fake.state.mutations).toEqual([]);
  });

  it('a run killed with SIGKILL mid-apply is finished by re-running it: no duplicate subscriber, none lost', async () => {
    const rows = 1_100;
    const file = write('big.csv', [HEADER, ...Array.from({ length: rows }, (_, i) => meetingsUser(i))]);
    const killed = await runCli(args(file, 'out'), { env: { ...env(), BULKHUB_FAULT_KILL_AFTER_WINDOW: '1' } });
    expect(killed.signal).toBe('SIGKILL');
    expect(fake.state.creations().size).toBe(500);

    const resumed = await runCli(args(file, 'out'), { env: env() });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('(resumed)');
    const creations = fake.state.creations();
    expect(creations.size).toBe(rows);
    expect([...creations.values()].every((n) => n === 1)).toBe(true);
    const results = (await readReport(join(dir, 'out', 'results.csv'))).slice(1);
    expect(results).toHaveLength(rows);
    expect(results.every((r) => r[2] === 'add' && r[3] === 'ok')).toBe(true);
    expect(results[0]![5]).toContain('confirmed against the target');

    const db = openDb(join(dir, 'journal.db'), { readonly: true });
    expect(db.prepare('SELECT backend FROM journal_runs').pluck().all()).toEqual(['webex']);
    db.close();
    expect(existsSync(join(dir, 'out', 'summary.json'))).toBe(true);
  }, 180_000); // every existing user is read with GET /people/{id} (the one source of roles and licences): 1,100 users take a while
});

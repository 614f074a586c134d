import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { acmeDirectory, HEADER, meetingsUser } from '../helpers/directory.js';

/**
 * A run with nine error rows of several codes among ok rows: line 5 has two errors (a bad
 * extension first, then a bad phone number), line 9 a value holding an escape sequence.
 */
function errorFile(): string[] {
  return [
    HEADER,
    meetingsUser(1), // 2
    meetingsUser(2, { phoneNumber: '0201234567' }), // 3 INVALID_PHONE_NUMBER
    meetingsUser(3, { jabberTeams: 'ja' }), // 4 INVALID_BOOLEAN
    meetingsUser(4, { extension: '1', phoneNumber: '12' }), // 5 INVALID_EXTENSION, INVALID_PHONE_NUMBER
    meetingsUser(5, { email: 'not-an-address' }), // 6 INVALID_EMAIL
    meetingsUser(6), // 7
    meetingsUser(7, { phoneNumber: 'bel mij' }), // 8 INVALID_PHONE_NUMBER
    meetingsUser(8, { displayName: 'Red \u001b[31mALERT' }), // 9 INVALID_VALUE
    meetingsUser(9, { jabberCalling: 'nee' }), // 10 INVALID_BOOLEAN
    meetingsUser(10, { webex_suite: 'TRUE' }), // 11 MULTIPLE_PACKAGES
    meetingsUser(11, { phoneNumber: '31201234567' }), // 12 INVALID_PHONE_NUMBER
  ];
}

describe('errors on the terminal', () => {
  const acme = acmeDirectory();
  const out = join(acme.dir, 'reports');
  let imported: Awaited<ReturnType<typeof runCli>>;
  let runId: string;
  const show = (...more: string[]) => runCli(['runs', 'show', runId, '--db', acme.db, ...more]);

  beforeAll(async () => {
    const file = acme.write('in.csv', errorFile().join('\n'));
    imported = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--out', out]);
    runId = /Run (\S+): completed/.exec(imported.stdout)![1]!;
  });

  it('the end of an import prints the first five error rows, how many more and where', () => {
    expect(imported.code).toBe(1);
    const lines = imported.stdout.split('\n');
    const at = lines.indexOf('First errors (5 of 9):');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/^LINE +E-MAIL +CODE +MESSAGE$/);
    expect(lines.slice(at + 2, at + 7).map((l) => l.split(/ +/).slice(0, 3))).toEqual([
      ['3', 'user2@acme.nl', 'INVALID_PHONE_NUMBER'],
      ['4', 'user3@acme.nl', 'INVALID_BOOLEAN'],
      ['5', 'user4@acme.nl', 'INVALID_EXTENSION'],
      ['6', 'not-an-address', 'INVALID_EMAIL'],
      ['8', 'user7@acme.nl', 'INVALID_PHONE_NUMBER'],
    ]);
    expect(lines[at + 3]).toContain('Jabber with Webex Teams:');
    expect(lines[at + 7]).toBe(`... and 4 more; all 9 are in ${join(out, 'errors.csv')} ("bulkhub runs show ${runId} --errors --limit 0" lists them here).`);
  });

  it('runs show --errors lists every error row (up to 20) in line order; --limit cuts and says how many more', async () => {
    const all = await show('--errors');
    expect(all.code).toBe(0);
    const lines = all.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`Run ${runId}: 9 error rows`);
    expect(lines.slice(2).map((l) => Number(l.split(' ')[0]))).toEqual([3, 4, 5, 6, 8, 9, 10, 11, 12]);
    expect(all.stdout).not.toContain('more;');

    const two = await show('--errors', '--limit', '2');
    const twoLines = two.stdout.trimEnd().split('\n');
    expect(twoLines[0]).toBe(`Run ${runId}: 9 error rows, the first 2`);
    expect(twoLines).toHaveLength(5);
    expect(twoLines[4]).toMatch(/^\.\.\. and 7 more; all 9 are in .*errors\.csv/);
  });

  it('--code keeps the rows with an error of that code, even when it is not their first', async () => {
    const phone = await show('--errors', '--code', 'INVALID_PHONE_NUMBER');
    const lines = phone.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`Run ${runId}: 4 rows with INVALID_PHONE_NUMBER`);
    expect(lines.slice(2).map((l) => l.split(/ +/).slice(0, 3))).toEqual([
      ['3', 'user2@acme.nl', 'INVALID_PHONE_NUMBER'],
      ['5', 'user4@acme.nl', 'INVALID_PHONE_NUMBER'],
      ['8', 'user7@acme.nl', 'INVALID_PHONE_NUMBER'],
      ['12', 'user11@acme.nl', 'INVALID_PHONE_NUMBER'],
    ]);
    expect(lines[3]).toContain('Extension:');
    const cut = await show('--errors', '--code', 'INVALID_PHONE_NUMBER', '--limit', '1');
    expect(cut.stdout).toContain('... and 3 more; all 4 are in');
    const none = await show('--errors', '--code', 'DUPLICATE_EMAIL');
    expect(none.stdout.trim()).toBe(`Run ${runId} has no rows with DUPLICATE_EMAIL.`);
  });

  it('--json prints one JSON object per row, every row unless --limit says otherwise', async () => {
    const json = await show('--errors', '--json');
    const rows = json.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(9);
    expect(rows[2]).toEqual({
      line: 5, email: 'user4@acme.nl', code: 'INVALID_EXTENSION', codes: ['INVALID_EXTENSION', 'INVALID_PHONE_NUMBER'],
      columns: ['Extension', 'Phone Number'], message: expect.stringContaining('Extension:'),
    });
    expect(rows[5].message).toContain('Display Name: "Red \\u001b[31mALERT"');
    const limited = await show('--errors', '--json', '--limit', '3', '--code', 'INVALID_BOOLEAN');
    expect(limited.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).line)).toEqual([4, 10]);
  });

  it('never sends a value\'s control characters to the terminal', async () => {
    const all = await show('--errors');
    expect(all.stdout).not.toContain('\u001b');
    expect(all.stdout).toContain('\\u001b[31mALERT');
    expect(imported.stdout).not.toContain('\u001b');
  });

  it('refuses a code that is not a row error code, and --code or --limit without --errors', async () => {
    const bad = await show('--errors', '--code', 'NOPE');
    expect(bad.code).toBe(2);
    expect(bad.said).toContain('--code NOPE is not a row error code; one of: WRONG_FIELD_COUNT, MISSING_EMAIL');
    const alone = await show('--code', 'INVALID_EMAIL');
    expect(alone.code).toBe(2);
    expect(alone.said).toContain('--code and --limit go with --errors');
    const negative = await show('--errors', '--limit', '-1');
    expect(negative.code).toBe(2);
  });

  it('--quiet and --json imports print no error table', async () => {
    const file = acme.write('again.csv', errorFile().join('\n'));
    const quiet = await runCli(['users', 'validate', file, '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'q'), '--quiet']);
    expect(quiet.code).toBe(1);
    expect(quiet.stdout).not.toContain('First errors');
    const json = await runCli(['users', 'validate', file, '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'j'), '--json']);
    expect(JSON.parse(json.stdout).errors).toBe(9);
  });
});

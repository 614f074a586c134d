import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { acmeDirectory, HEADER, meetingsUser, readReport, removalOf, userLine } from '../helpers/directory.js';

const importArgs = (file: string, db: string, out: string, ...more: string[]) =>
  ['users', 'import', file, '--customer', 'acme', '--db', db, '--out', out, ...more];

async function exportUsers(db: string): Promise<string> {
  const result = await runCli(['users', 'export', '--customer', 'acme', '--db', db]);
  expect(result.code).toBe(0);
  return result.stdout;
}

describe('users import: exit codes and reports', () => {
  it('exit 0 when every row is ok; results.csv, errors.csv and summary.json follow the contract', async () => {
    const acme = acmeDirectory();
    const file = acme.write('in.csv', [HEADER, meetingsUser(1), meetingsUser(2)].join('\n'));
    const out = join(acme.dir, 'reports');
    const result = await runCli(importArgs(file, acme.db, out));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Reports: ${out}`);
    const results = await readReport(join(out, 'results.csv'));
    expect(results).toEqual([
      ['line', 'email', 'action', 'status', 'code', 'message'],
      ['2', 'user1@acme.nl', 'add', 'ok', '', ''],
      ['3', 'user2@acme.nl', 'add', 'ok', '', ''],
    ]);
    expect(readFileSync(join(out, 'results.csv'), 'utf8').startsWith('\uFEFFline,')).toBe(true);
    expect(await readReport(join(out, 'errors.csv'))).toEqual([[...HEADER.split(','), 'Error Code', 'Error Message']]);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ rows: 2, added: 2, modified: 0, removed: 0, unchanged: 0, warnings: 0, errors: 0, outcome: 'completed' });
    expect(summary.inputHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(summary.runId).toMatch(/^\d{8}-\d{6}-[0-9a-f]{6}$/);
    expect(typeof summary.durationMs).toBe('number');
  });

  it('exit 1 when rows fail; the others still go on, and a fixed errors.csv imports straight back', async () => {
    const acme = acmeDirectory();
    const bad = userLine({ email: 'piet@acme.nl', displayName: '=HYPERLINK("http://x")', phoneNumber: '+31201234567', extension: '1', location: 'Amsterdam HQ',
      jabberCalling: 'FALSE', jabberTeams: 'FALSE', webex_calling: 'TRUE' });
    const file = acme.write('in.csv', [HEADER, meetingsUser(1), bad, meetingsUser(3)].join('\r\n'));
    const out = join(acme.dir, 'first');
    const first = await runCli(importArgs(file, acme.db, out));
    expect(first.code).toBe(1);
    const results = await readReport(join(out, 'results.csv'));
    expect(results.map((r) => r.slice(0, 5))).toEqual([
      ['line', 'email', 'action', 'status', 'code'],
      ['2', 'user1@acme.nl', 'add', 'ok', ''],
      ['3', 'piet@acme.nl', 'none', 'error', 'INVALID_EXTENSION'],
      ['4', 'user3@acme.nl', 'add', 'ok', ''],
    ]);
    expect(results[2]![5]).toBe('Extension: an extension is 2 to 10 digits, found "1".');

    // The error report keeps the row's own cells, neutralised for spreadsheets.
    const errorsText = readFileSync(join(out, 'errors.csv'), 'utf8');
    expect(errorsText).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(errorsText).toContain(",1,'+31201234567,");
    const errors = await readReport(join(out, 'errors.csv'));
    expect(errors[1]!.slice(-2)).toEqual(['INVALID_EXTENSION', 'Extension: an extension is 2 to 10 digits, found "1".']);

    // A person fixes the cell and feeds the same file back: the error columns are ignored,
    // the neutralised values are read back as they were.
    const fixed = acme.write('fixed.csv', errorsText.replace(",1,'+31201234567,", ",1001,'+31201234567,"));
    const second = await runCli(importArgs(fixed, acme.db, join(acme.dir, 'second')));
    expect(second.stderr).not.toContain('UNKNOWN_COLUMN');
    expect(second.code).toBe(0);
    const exported = await exportUsers(acme.db);
    expect(exported).toContain(`piet@acme.nl,,,"'=HYPERLINK(""http://x"")",1001,'+31201234567,Amsterdam HQ`);
  });

  it('exit 2 and nothing applied for a file-level problem, with the line that is wrong', async () => {
    const acme = acmeDirectory();
    const before = await exportUsers(acme.db);
    const file = acme.write('in.csv', [HEADER, meetingsUser(1), `${meetingsUser(2)}`.replace('User,', '"User,'), meetingsUser(3)].join('\n'));
    const out = join(acme.dir, 'out');
    const result = await runCli(importArgs(file, acme.db, out));
    expect(result.code).toBe(2);
    expect(result.said).toMatch(/UNCLOSED_QUOTE: .*line 3/);
    expect(await exportUsers(acme.db)).toBe(before);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toMatchObject({ outcome: 'file-refused', refusal: { code: 'UNCLOSED_QUOTE' } });
  });

  it('exit 2 for a missing key column, an unknown customer and bad arguments', async () => {
    const acme = acmeDirectory();
    const noKey = acme.write('nokey.csv', 'First Name,Last Name\nAnna,Jansen\n');
    const missing = await runCli(importArgs(noKey, acme.db, join(acme.dir, 'a')));
    expect(missing.code).toBe(2);
    expect(missing.said).toContain('MISSING_EMAIL_COLUMN');

    const file = acme.write('in.csv', [HEADER, meetingsUser(1)].join('\n'));
    const unknown = await runCli(['users', 'import', file, '--customer', 'nobody', '--db', acme.db]);
    expect(unknown.code).toBe(2);
    expect(unknown.said).toContain('CUSTOMER_NOT_FOUND');

    const badMode = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--mode', 'sometimes']);
    expect(badMode.code).toBe(2);
    expect(badMode.said).toContain('BAD_ARGUMENTS');
    expect(await runCli(['users', 'import', file, '--db', acme.db])).toMatchObject({ code: 2 });
  });

  it('running the same file twice gives only unchanged rows the second time', async () => {
    const acme = acmeDirectory();
    const file = acme.write('in.csv', [HEADER, meetingsUser(1), meetingsUser(2, { extension: '0042', location: 'Utrecht' }), removalOf('ghost@acme.nl')].join('\n'));
    expect((await runCli(importArgs(file, acme.db, join(acme.dir, 'one')))).code).toBe(0);
    const again = await runCli(importArgs(file, acme.db, join(acme.dir, 'two')));
    expect(again.code).toBe(0);
    const actions = (await readReport(join(acme.dir, 'two', 'results.csv'))).slice(1).map((r) => r[2]);
    expect(actions).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });

  it('an export is a valid template: importing it changes nothing', async () => {
    const acme = acmeDirectory();
    const file = acme.write('in.csv', [HEADER, meetingsUser(1), meetingsUser(2, { phoneNumber: '+31301234567' })].join('\n'));
    await runCli(importArgs(file, acme.db, join(acme.dir, 'one')));
    const exportFile = join(acme.dir, 'export.csv');
    expect((await runCli(['users', 'export', '--customer', 'acme', '--db', acme.db, '--out', exportFile])).code).toBe(0);
    const result = await runCli(importArgs(exportFile, acme.db, join(acme.dir, 'two')));
    expect(result.code).toBe(0);
    const rows = (await readReport(join(acme.dir, 'two', 'results.csv'))).slice(1);
    expect(rows.map((r) => [r[1], r[2]])).toEqual([
      ['admin@acme.nl', 'unchanged'], ['user1@acme.nl', 'unchanged'], ['user2@acme.nl', 'unchanged'],
    ]);
  });
});

describe('users import --dry-run and users validate', () => {
  it('write the reports the real run writes and change nothing', async () => {
    const acme = acmeDirectory();
    const seed = acme.write('seed.csv', [HEADER, meetingsUser(1), meetingsUser(2)].join('\n'));
    await runCli(importArgs(seed, acme.db, join(acme.dir, 'seed')));
    const before = await exportUsers(acme.db);
    const file = acme.write('in.csv', [HEADER, meetingsUser(1, { firstName: 'Changed' }), removalOf('user2@acme.nl'), meetingsUser(3), meetingsUser(4, { extension: 'x' })].join('\n'));

    const dry = await runCli(importArgs(file, acme.db, join(acme.dir, 'dry'), '--dry-run'));
    const validate = await runCli(['users', 'validate', file, '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'validate')]);
    expect(await exportUsers(acme.db)).toBe(before);
    expect(dry.stdout).toContain('Dry run');
    const real = await runCli(importArgs(file, acme.db, join(acme.dir, 'real')));

    expect([dry.code, validate.code, real.code]).toEqual([1, 1, 1]);
    const dryRows = await readReport(join(acme.dir, 'dry', 'results.csv'));
    expect(dryRows.slice(1).map((r) => r.slice(0, 5))).toEqual([
      ['2', 'user1@acme.nl', 'modify', 'ok', ''],
      ['3', 'user2@acme.nl', 'remove', 'ok', ''],
      ['4', 'user3@acme.nl', 'add', 'ok', ''],
      ['5', 'user4@acme.nl', 'none', 'error', 'INVALID_EXTENSION'],
    ]);
    expect(await readReport(join(acme.dir, 'validate', 'results.csv'))).toEqual(dryRows);
    expect(await readReport(join(acme.dir, 'real', 'results.csv'))).toEqual(dryRows);
    expect(await readReport(join(acme.dir, 'real', 'errors.csv'))).toEqual(await readReport(join(acme.dir, 'dry', 'errors.csv')));
    const drySummary = JSON.parse(readFileSync(join(acme.dir, 'dry', 'summary.json'), 'utf8'));
    expect(drySummary).toMatchObject({ dryRun: true, rows: 4, added: 1, modified: 1, removed: 1, errors: 1 });
  });
});

describe('the removal guard', () => {
  it('refuses more than 10 removals that are also more than 10% of the customer, unless allowed', async () => {
    const acme = acmeDirectory();
    const seed = acme.write('seed.csv', [HEADER, ...Array.from({ length: 40 }, (_, i) => meetingsUser(i))].join('\n'));
    expect((await runCli(importArgs(seed, acme.db, join(acme.dir, 'seed')))).code).toBe(0);
    const before = await exportUsers(acme.db);
    const wipe = acme.write('wipe.csv', [HEADER, ...Array.from({ length: 11 }, (_, i) => removalOf(`user${i}@acme.nl`))].join('\n'));

    const refused = await runCli(importArgs(wipe, acme.db, join(acme.dir, 'refused')));
    expect(refused.code).toBe(2);
    expect(refused.said).toContain('REMOVAL_GUARD');
    expect(refused.said).toContain('remove 11 of the customer\'s 41 users');
    expect(await exportUsers(acme.db)).toBe(before);
    const summary = JSON.parse(readFileSync(join(acme.dir, 'refused', 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ outcome: 'refused', refusal: { code: 'REMOVAL_GUARD' }, removed: 0, notApplied: 11 });
    expect(existsSync(join(acme.dir, 'refused', 'results.csv'))).toBe(true);

    const dry = await runCli(importArgs(wipe, acme.db, join(acme.dir, 'dry'), '--dry-run'));
    expect(dry.code).toBe(2);
    expect(dry.stdout).toContain('The real run would be refused');

    const allowed = await runCli(importArgs(wipe, acme.db, join(acme.dir, 'allowed'), '--allow-removals'));
    expect(allowed.code).toBe(0);
    expect(JSON.parse(readFileSync(join(acme.dir, 'allowed', 'summary.json'), 'utf8')).removed).toBe(11);
  });

  it('lets 10 removals through, and 11 when they are at most 10% of the customer', async () => {
    const acme = acmeDirectory();
    const seed = acme.write('seed.csv', [HEADER, ...Array.from({ length: 120 }, (_, i) => meetingsUser(i))].join('\n'));
    await runCli(importArgs(seed, acme.db, join(acme.dir, 'seed')));
    const eleven = acme.write('eleven.csv', [HEADER, ...Array.from({ length: 11 }, (_, i) => removalOf(`user${i}@acme.nl`))].join('\n'));
    expect((await runCli(importArgs(eleven, acme.db, join(acme.dir, 'r')))).code).toBe(0);
  });
});

describe('logs', () => {
  it('are JSON lines on stderr when it is not a terminal, with progress lines; --quiet silences them', async () => {
    const acme = acmeDirectory();
    const file = acme.write('in.csv', [HEADER, ...Array.from({ length: 50 }, (_, i) => meetingsUser(i))].join('\n'));
    const loud = await runCli(importArgs(file, acme.db, join(acme.dir, 'a'), '--dry-run'), { env: { BULKHUB_PROGRESS_INTERVAL_MS: '0' } });
    const lines = loud.stderr.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.some((l) => l.msg === 'run started' && l.runId)).toBe(true);
    expect(lines.some((l) => l.phase === 'validating' && l.rows > 0 && typeof l.rowsPerSecond === 'number')).toBe(true);
    const quiet = await runCli(importArgs(file, acme.db, join(acme.dir, 'b'), '--quiet'));
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toBe('');
  });
});

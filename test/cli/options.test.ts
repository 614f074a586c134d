import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { acmeDirectory, HEADER, meetingsUser, readReport, removalOf } from '../helpers/directory.js';

describe('users import options', () => {
  it('--header-map adds a partner\'s own header names; unknown columns are a warning, not an error', async () => {
    const acme = acmeDirectory();
    const map = join(acme.dir, 'map.json');
    writeFileSync(map, JSON.stringify({ 'E-mailadres medewerker': 'User ID/Email (Required)', Mobiel: 'phoneNumber' }));
    const header = HEADER.replace('User ID/Email (Required)', 'E-mailadres medewerker').replace('Phone Number', 'Mobiel');
    const file = acme.write('in.csv', [`${header},Afdeling`, `${meetingsUser(1, { phoneNumber: '+31612345678' })},Inkoop`].join('\n'));
    const result = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'r'), '--header-map', map]);
    expect(result.code).toBe(0);
    const warning = result.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.code === 'UNKNOWN_COLUMN');
    expect(warning?.columns).toEqual(['Afdeling']);
    const exported = await runCli(['users', 'export', '--customer', 'acme', '--db', acme.db]);
    expect(exported.stdout).toContain("user1@acme.nl,User,Number 1,,,'+31612345678,");

    writeFileSync(map, JSON.stringify({ Mobiel: 'Mobile Phone' }));
    const bad = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--header-map', map]);
    expect(bad.code).toBe(2);
    expect(bad.said).toContain('BAD_HEADER_MAP');
  });

  it('--delimiter overrides the sniffed one, and refuses what it does not know', async () => {
    const acme = acmeDirectory();
    // One semicolon and one comma (inside a header name): sniffing cannot tell, the flag can.
    const file = acme.write('in.csv', 'User ID/Email (Required);Call on Webex (1:1 call, non-PSTN)\nuser1@acme.nl;TRUE\n');
    const sniffed = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--dry-run']);
    expect(sniffed.code).toBe(2);
    expect(sniffed.said).toContain('AMBIGUOUS_DELIMITER');
    const result = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'r'), '--delimiter', 'semicolon', '--dry-run']);
    // The reports follow the input's delimiter.
    expect((await readReport(join(acme.dir, 'r', 'results.csv'), ';'))[1]!.slice(0, 5)).toEqual(['2', 'user1@acme.nl', 'none', 'error', 'NO_PACKAGE_FOR_NEW_USER']);
    expect(result.code).toBe(1);
    const wrong = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--delimiter', 'pipe']);
    expect(wrong.code).toBe(2);
    expect(wrong.said).toContain('--delimiter must be comma, semicolon or tab');
  });

  it('--mode add-only removes nothing: an all-FALSE row is a warning and FALSE licences are kept', async () => {
    const acme = acmeDirectory();
    const seed = acme.write('seed.csv', [HEADER, meetingsUser(1, { basicMessaging: 'TRUE' }), meetingsUser(2)].join('\n'));
    await runCli(['users', 'import', seed, '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'seed')]);
    const file = acme.write('in.csv', [HEADER, meetingsUser(1, { basicMessaging: 'FALSE' }), removalOf('user2@acme.nl')].join('\n'));
    const result = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'r'), '--mode', 'add-only']);
    expect(result.code).toBe(0);
    expect((await readReport(join(acme.dir, 'r', 'results.csv'))).slice(1).map((r) => r.slice(2, 5))).toEqual([
      ['unchanged', 'ok', ''],
      ['none', 'warning', 'REMOVAL_IGNORED'],
    ]);
    const exported = (await runCli(['users', 'export', '--customer', 'acme', '--db', acme.db])).stdout;
    expect(exported).toContain('user2@acme.nl');
  });

  it('runs list shows the history, newest first, as text and JSON', async () => {
    const acme = acmeDirectory();
    const file = acme.write('in.csv', [HEADER, meetingsUser(1)].join('\n'));
    await runCli(['users', 'validate', file, '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'a')]);
    await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'b')]);
    const list = await runCli(['runs', 'list', '--db', acme.db, '--json']);
    const runs = JSON.parse(list.stdout) as Array<{ id: string; state: string; dryRun: boolean; summary: { added: number } }>;
    expect(runs.map((r) => [r.state, r.dryRun, r.summary.added])).toEqual([['completed', false, 1], ['dry-run', true, 1]]);
    const text = await runCli(['runs', 'list', '--db', acme.db]);
    expect(text.stdout).toMatch(new RegExp(`${runs[0]!.id}\\s+completed\\s+acme`));
    expect(JSON.parse(readFileSync(join(acme.dir, 'b', 'summary.json'), 'utf8')).runId).toBe(runs[0]!.id);
  });
});

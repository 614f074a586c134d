import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { acmeDirectory, HEADER, meetingsUser, readReport, removalOf } from '../helpers/directory.js';

const importArgs = (file: string, db: string, out: string, ...more: string[]) =>
  ['users', 'import', file, '--customer', 'acme', '--db', db, '--out', out, ...more];

describe('the removal guard: reports of a run that applied nothing', () => {
  it('say every row with a change was not applied, and the summary counts nothing as removed', async () => {
    const acme = acmeDirectory();
    const seed = acme.write('seed.csv', [HEADER, ...Array.from({ length: 40 }, (_, i) => meetingsUser(i))].join('\n'));
    expect((await runCli(importArgs(seed, acme.db, join(acme.dir, 'seed')))).code).toBe(0);

    const file = acme.write('wipe.csv', [
      HEADER,
      ...Array.from({ length: 11 }, (_, i) => removalOf(`user${i}@acme.nl`)), // lines 2-12
      meetingsUser(20, { firstName: 'Renamed' }), // 13: modify
      meetingsUser(21), // 14: unchanged
      meetingsUser(90), // 15: add
      meetingsUser(91, { jabberTeams: 'maybe' }), // 16: error
    ].join('\n'));
    const out = join(acme.dir, 'refused');
    const refused = await runCli(importArgs(file, acme.db, out));
    expect(refused.code).toBe(2);

    const rows = await readReport(join(out, 'results.csv'));
    expect(rows[0]).toEqual(['line', 'email', 'action', 'status', 'code', 'message']);
    const byLine = new Map(rows.slice(1).map((r) => [r[0], r]));
    for (let line = 2; line <= 12; line++) {
      const row = byLine.get(String(line))!;
      expect(row.slice(2, 5)).toEqual(['remove', 'not_applied', 'REMOVAL_GUARD']);
      expect(row[5]).toBe('Not applied: the removal guard stopped the run before any change, so nothing was applied. Planned: remove.');
    }
    expect(byLine.get('13')!.slice(2, 5)).toEqual(['modify', 'not_applied', 'REMOVAL_GUARD']);
    expect(byLine.get('13')![5]).toMatch(/^Not applied: .* Planned: modify\. Changed: First Name\.$/);
    expect(byLine.get('14')!.slice(2, 4)).toEqual(['unchanged', 'ok']);
    expect(byLine.get('15')!.slice(2, 4)).toEqual(['add', 'not_applied']);
    expect(byLine.get('16')!.slice(2, 5)).toEqual(['none', 'error', 'INVALID_BOOLEAN']);
    expect(rows.slice(1).some((r) => r[3] === 'ok' && r[2] !== 'unchanged')).toBe(false);

    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ outcome: 'refused', rows: 15, added: 0, modified: 0, removed: 0, unchanged: 1, errors: 1, notApplied: 13 });
    expect(refused.stdout).toContain('NOTHING APPLIED');
    expect(refused.stdout).toContain('15 rows: 0 added, 0 modified, 0 removed, 1 unchanged, 0 warnings, 1 errors, 13 not applied');
    expect(refused.stdout).not.toMatch(/[1-9]\d* removed/);

    // The journal says the same: runs show reads it.
    const show = await runCli(['runs', 'show', summary.runId, '--db', acme.db, '--json']);
    expect(JSON.parse(show.stdout).counts).toMatchObject({ removed: 0, notApplied: 13, errors: 1 });

    // Allowed, the same file applies: nothing is left "not applied".
    const allowed = await runCli(importArgs(file, acme.db, join(acme.dir, 'allowed'), '--allow-removals'));
    expect(allowed.code).toBe(1);
    expect(JSON.parse(readFileSync(join(acme.dir, 'allowed', 'summary.json'), 'utf8'))).toMatchObject({ removed: 11, modified: 1, added: 1, notApplied: 0 });
  });
});

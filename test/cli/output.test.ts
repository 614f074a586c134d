import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, SLOW_CLI_TEST_MS } from '../helpers/cli.js';
import { acmeDirectory, HEADER, meetingsUser, readReport } from '../helpers/directory.js';

describe('what an import prints', { timeout: SLOW_CLI_TEST_MS }, () => {
  it('--json on a refused file names only the report that was written', async () => {
    const acme = acmeDirectory();
    const file = acme.write('bad.csv', `${HEADER}\n"unclosed,${meetingsUser(1)}`);
    const out = join(acme.dir, 'out');
    const result = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--out', out, '--json']);
    expect(result.code).toBe(2);
    const json = JSON.parse(result.stdout) as { outcome: string; reports: Record<string, string> };
    expect(json.outcome).toBe('file-refused');
    expect(json.reports).toEqual({ dir: out, summary: join(out, 'summary.json'), review: join(out, 'report.html') });
    for (const path of Object.values(json.reports)) expect(existsSync(path), path).toBe(true);
    expect(existsSync(join(out, 'results.csv'))).toBe(false);
  });

  it('--quiet prints nothing for a clean run and one line for a run with errors', async () => {
    const acme = acmeDirectory();
    const clean = acme.write('clean.csv', [HEADER, meetingsUser(1)].join('\n'));
    const quiet = await runCli(['users', 'import', clean, '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'a'), '--quiet']);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout + quiet.stderr).toBe('');

    const failing = acme.write('failing.csv', [HEADER, meetingsUser(2), meetingsUser(3, { email: 'not-an-email' })].join('\n'));
    const result = await runCli(['users', 'import', failing, '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'b'), '--quiet']);
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toMatch(/1 of 2 rows have errors; see .*errors\.csv/);

    const refused = await runCli(['users', 'import', acme.write('empty.csv', ''), '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'c'), '--quiet']);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.said).toContain('EMPTY_FILE');
  });

  it('a header map entry "__proto__" maps that header; a non-string under it is refused', async () => {
    const acme = acmeDirectory();
    const header = HEADER.replace('Phone Number', '__proto__');
    const file = acme.write('in.csv', [header, meetingsUser(1, { phoneNumber: 'not a number' })].join('\n'));
    const map = acme.write('map.json', '{ "__proto__": "Phone Number" }');
    const out = join(acme.dir, 'out');
    const mapped = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--out', out, '--header-map', map]);
    expect(mapped.code).toBe(1);
    const results = await readReport(join(out, 'results.csv'));
    expect(results[1]!.slice(3, 5)).toEqual(['error', 'INVALID_PHONE_NUMBER']);

    const bad = acme.write('bad.json', '{ "__proto__": 5 }');
    const refused = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'x'), '--header-map', bad]);
    expect(refused.code).toBe(2);
    expect(refused.said).toContain('BAD_HEADER_MAP');
    expect(refused.said).toContain('"__proto__" maps to 5');
    expect(readFileSync(file, 'utf8')).toContain('__proto__');
  });
});

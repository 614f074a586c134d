import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { COLUMN_KEYS, type ColumnKey } from '../../src/domain/columns.js';
import { runCli } from '../helpers/cli.js';
import { acmeDirectory, HEADER } from '../helpers/directory.js';

const importArgs = (file: string, db: string, out: string, ...more: string[]) =>
  ['users', 'import', file, '--customer', 'acme', '--db', db, '--out', out, ...more];

/** A line of a `;`-delimited file, as a Dutch or German Excel saves it. */
function semicolonLine(values: Partial<Record<ColumnKey, string>>): string {
  return COLUMN_KEYS.map((k) => {
    const v = values[k] ?? '';
    return /[";\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  }).join(';');
}

const meetings = (email: string, extra: Partial<Record<ColumnKey, string>> = {}) => semicolonLine({
  email, firstName: 'Piet', lastName: 'de Vries, jr.', displayName: 'Vries; Piet de', preferredSite: 'acme.webex.com', jabberCalling: 'FALSE',
  jabberTeams: 'TRUE', webex_calling: 'FALSE', webex_calling_standard: 'FALSE', webex_suite: 'FALSE', webex_voice: 'FALSE', webex_meetings: 'TRUE', ...extra,
});

const read = (path: string, delimiter: string): string[][] => parse(readFileSync(path, 'utf8'), { bom: true, delimiter }) as string[][];

describe('reports in the input file\'s delimiter', () => {
  it('a ;-delimited file gets ;-delimited reports, and its errors.csv, fixed, imports straight back', async () => {
    const acme = acmeDirectory();
    const file = acme.write('gebruikers.csv', [HEADER.replaceAll(',', ';'), meetings('piet@acme.nl'), meetings('kees@acme.nl', { jabberTeams: 'misschien' })].join('\r\n'));
    const out = join(acme.dir, 'first');
    const first = await runCli(importArgs(file, acme.db, out));
    expect(first.code).toBe(1);

    const resultsText = readFileSync(join(out, 'results.csv'), 'utf8');
    expect(resultsText.startsWith('\uFEFFline;email;action;status;code;message\r\n')).toBe(true);
    expect(resultsText).toContain('2;piet@acme.nl;add;ok;;\r\n');
    expect(read(join(out, 'results.csv'), ';').map((r) => r.slice(0, 5))).toEqual([
      ['line', 'email', 'action', 'status', 'code'],
      ['2', 'piet@acme.nl', 'add', 'ok', ''],
      ['3', 'kees@acme.nl', 'none', 'error', 'INVALID_BOOLEAN'],
    ]);

    const errorsText = readFileSync(join(out, 'errors.csv'), 'utf8');
    expect(errorsText.split('\r\n')[0]).toBe(`\uFEFF${HEADER.replaceAll(',', ';')};Error Code;Error Message`);
    // The delimiter inside a value is quoted; a comma no longer needs to be.
    expect(errorsText).toContain(';Piet;de Vries, jr.;"Vries; Piet de";');
    const errors = read(join(out, 'errors.csv'), ';');
    expect(errors[1]!.slice(-2)[0]).toBe('INVALID_BOOLEAN');

    const fixed = acme.write('fixed.csv', errorsText.replace(';misschien;', ';TRUE;'));
    const second = await runCli(importArgs(fixed, acme.db, join(acme.dir, 'second')));
    expect(second.stderr).not.toContain('UNKNOWN_COLUMN');
    expect(second.code).toBe(0);
    expect(read(join(acme.dir, 'second', 'results.csv'), ';').slice(1).map((r) => r.slice(0, 4))).toEqual([['2', 'kees@acme.nl', 'add', 'ok']]);
    const exported = await runCli(['users', 'export', '--customer', 'acme', '--db', acme.db]);
    expect(exported.stdout).toContain('kees@acme.nl,Piet,"de Vries, jr.",Vries; Piet de,');
  });

  it('--report-delimiter overrides the input\'s; a bad value is refused before anything changes', async () => {
    const acme = acmeDirectory();
    const file = acme.write('in.csv', [HEADER.replaceAll(',', ';'), meetings('piet@acme.nl', { jabberTeams: 'x' })].join('\n'));
    const out = join(acme.dir, 'comma');
    expect((await runCli(importArgs(file, acme.db, out, '--report-delimiter', 'comma'))).code).toBe(1);
    expect(readFileSync(join(out, 'results.csv'), 'utf8').startsWith('\uFEFFline,email,action,status,code,message\r\n')).toBe(true);
    expect(readFileSync(join(out, 'errors.csv'), 'utf8')).toContain(',Piet,"de Vries, jr.",Vries; Piet de,');

    const tab = join(acme.dir, 'tab');
    expect((await runCli(importArgs(file, acme.db, tab, '--report-delimiter', 'tab', '--dry-run'))).code).toBe(1);
    expect(readFileSync(join(tab, 'results.csv'), 'utf8').startsWith('\uFEFFline\temail\taction\tstatus\tcode\tmessage\r\n')).toBe(true);

    const bad = await runCli(importArgs(file, acme.db, join(acme.dir, 'bad'), '--report-delimiter', 'pipe'));
    expect(bad.code).toBe(2);
    expect(bad.said).toContain('--report-delimiter must be comma, semicolon or tab, not "pipe"');
  });
});

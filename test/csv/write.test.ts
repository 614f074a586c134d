import { lstatSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backends/port.js';
import { restore } from '../../src/csv/formula.js';
import { seededRandom } from '../../src/dev/fake-webex/faults.js';
import { csvText } from '../../src/csv/write.js';
import { writeNumberedCopy } from '../../src/provisioning/customer-setup.js';
import { exportUsers } from '../../src/reports/export.js';
import { reportPaths, writeRowReports, writeSummary } from '../../src/reports/write.js';
import type { ReportRow, RunSummary } from '../../src/journal/types.js';
import type { DirectoryUser } from '../../src/domain/user.js';
import { tempDir } from '../helpers/cli.js';

/** Pieces that break naive CSV writing: line breaks of every kind, quotes, delimiters, formula starts. */
const PIECES = ['\n', '\r', '\r\n', '"', '""', ',', ';', '\t', '=', '+', '-', '@', "'", "''", ' ', 'a', 'Zoë', '\uFF1D', '=SUM(A1)', '\n=1+1', '0101'];

/** `count` values made of 0 to 5 random pieces, plus every piece alone. */
function values(seed: number, count: number): string[] {
  const next = seededRandom(seed); // seeded, so a failure names a value that can be replayed
  const made = Array.from({ length: count }, () => Array.from({ length: Math.floor(next() * 6) }, () => PIECES[Math.floor(next() * PIECES.length)]).join(''));
  return [...PIECES, ...made];
}

/** What a reader gets back: csv-parse, then our reader's undoing of the formula guard. */
function readBack(path: string): string[][] {
  return (parse(readFileSync(path, 'utf8'), { bom: true, relax_column_count: true }) as string[][]).map((r) => r.map(restore));
}

describe('every CSV the tool writes round-trips any value', () => {
  it('csvText: quotes LF, CR, CRLF, quotes and commas; guards formulas', () => {
    const all = values(1, 500);
    const text = csvText(all.map((v) => [v, 'x']));
    expect((parse(text) as string[][]).map((r) => [restore(r[0]!), r[1]])).toEqual(all.map((v) => [v, 'x']));
    // No physical line of the text starts a formula: a value's line break is always inside quotes.
    expect(csvText([['a\n=1+1']])).toBe('"a\n=1+1"\r\n');
    expect(csvText([["'=1"]])).toBe("''=1\r\n");
  });

  it('results.csv and errors.csv (writeRowReports)', async () => {
    const dir = tempDir();
    const all = values(2, 300);
    const header = ['User ID/Email (Required)', 'First Name', 'Notes'];
    const rows: ReportRow[] = all.map((v, i) => ({ line: i + 2, email: v, cells: [v, `${v}!`, v], action: 'none', status: 'error', code: 'INVALID_VALUE', message: v }));
    const paths = reportPaths(dir);
    await writeRowReports(paths, header, rows);
    const results = readBack(paths.results);
    expect(results[0]).toEqual(['line', 'email', 'action', 'status', 'code', 'message']);
    expect(results.slice(1).map((r) => [r[1], r[5]])).toEqual(all.map((v) => [v, v]));
    const errors = readBack(paths.errors);
    expect(errors[0]).toEqual([...header, 'Error Code', 'Error Message']);
    expect(errors.slice(1)).toEqual(all.map((v) => [v, `${v}!`, v, 'INVALID_VALUE', v]));
  });

  it('users export (exportUsers)', async () => {
    const dir = tempDir();
    const all = values(3, 200);
    const users: DirectoryUser[] = all.map((v, i) => ({ id: String(i), email: `${i}@acme.nl`, package: 'webex_meetings', isFullAdmin: false, firstName: v, displayName: v }));
    const backend = { listUsers: async (_: string, onUser: (u: DirectoryUser) => void) => users.forEach(onUser) } as unknown as Backend;
    const path = join(dir, 'export.csv');
    expect(await exportUsers(backend, 'acme', path)).toBe(all.length);
    const rows = readBack(path);
    const first = rows[0]!.indexOf('First Name');
    const display = rows[0]!.indexOf('Display Name');
    expect(rows.slice(1).map((r) => [r[first], r[display]])).toEqual(all.map((v) => [v, v]));
  });

  it('users-with-numbers.csv (customers setup --number-pool)', () => {
    const dir = tempDir();
    const all = values(4, 200);
    const path = writeNumberedCopy(
      { header: ['User ID/Email (Required)', 'Notes'], records: all.map((v, i) => ({ line: i + 2, cells: [`${i}@acme.nl`, v] })), phoneColumn: undefined, numbers: [] },
      [{ email: '0@acme.nl', line: 2, phoneNumber: '+31201234500' }],
      dir,
    );
    const rows = readBack(path);
    expect(rows[0]).toEqual(['User ID/Email (Required)', 'Notes', 'Phone Number']);
    expect(rows.slice(1).map((r) => r[1])).toEqual(all);
    expect(rows[1]![2]).toBe('+31201234500');
  });
});

describe('report files are never written through a planted name', () => {
  it('a symlink at <name>.partial or at the report name itself leaves its target untouched', async () => {
    const dir = tempDir();
    const outside = join(tempDir(), 'precious.txt');
    writeFileSync(outside, 'keep me');
    const paths = reportPaths(join(dir, 'out'));
    await writeRowReports(paths, ['User ID/Email (Required)'], []); // makes the folder
    for (const name of ['results.csv', 'errors.csv', 'summary.json']) {
      symlinkSync(outside, join(paths.dir, `${name}.partial`));
    }
    rmSync(paths.results);
    symlinkSync(outside, paths.results);
    await writeRowReports(paths, ['User ID/Email (Required)'], [{ line: 2, email: 'a@acme.nl', cells: ['a@acme.nl'], action: 'add', status: 'ok', code: '', message: '' }]);
    writeSummary(paths, { runId: 'r' } as RunSummary);
    expect(readFileSync(outside, 'utf8')).toBe('keep me');
    expect(lstatSync(paths.results).isFile()).toBe(true);
    expect(readBack(paths.results)[1]![1]).toBe('a@acme.nl');
    // The planted links are still there, untouched; no temporary file is left behind.
    for (const name of ['results.csv', 'errors.csv', 'summary.json']) expect(lstatSync(join(paths.dir, `${name}.partial`)).isSymbolicLink()).toBe(true);
    expect(readdirSync(paths.dir).filter((n) => /\.\d+-[0-9a-f]+\.partial$/.test(n))).toEqual([]);
  });
});

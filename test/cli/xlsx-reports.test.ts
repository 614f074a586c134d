import { existsSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { restore } from '../../src/csv/formula.js';
import { runCli } from '../helpers/cli.js';
import { acmeDirectory, HEADER, readReport, userLine } from '../helpers/directory.js';

const importArgs = (file: string, db: string, out: string, ...more: string[]) => ['users', 'import', file, '--customer', 'acme', '--db', db, '--out', out, '--quiet', ...more];

/** A calling user whose location does not exist: an error row, whatever its other cells hold. */
const callingUser = (email: string, extension: string, phoneNumber: string, displayName: string, location = 'Nowhere') =>
  userLine({
    email, firstName: 'Test', lastName: 'User', displayName, extension, phoneNumber, location, preferredSite: 'acme.webex.com',
    jabberCalling: 'FALSE', jabberTeams: 'TRUE', webex_calling: 'TRUE', webex_calling_standard: 'FALSE', webex_suite: 'FALSE', webex_voice: 'FALSE', webex_meetings: 'FALSE',
  });

async function sheetOf(path: string): Promise<ExcelJS.Worksheet> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(path);
  return book.worksheets[0]!;
}

describe('--report-format xlsx', () => {
  it('writes results.xlsx and errors.xlsx with text cells; a fixed errors.xlsx imports back with zeros, + and formula-like values intact', async () => {
    const acme = acmeDirectory();
    const rows = [
      callingUser('anna@acme.nl', '0101', '+31201234567', '=HYPERLINK("http://evil.example","click")'),
      callingUser('bob@acme.nl', '0102', '+31201234568', '@SUM(A1:A9)'),
      callingUser('carol@acme.nl', '00103', '+31201234569', '-Carol +1'),
      callingUser('dave@acme.nl', '0104', '+31201234570', "'=already quoted"),
      callingUser('erik@acme.nl', '0105', '+31201234571', 'Erik', 'Amsterdam HQ'),
    ];
    const file = acme.write('users.csv', [HEADER, ...rows].join('\n'));
    const out = join(acme.dir, 'out');
    const first = await runCli(importArgs(file, acme.db, out, '--report-format', 'xlsx'));
    expect(first.code, first.stderr).toBe(1);

    // results.xlsx: the same records as results.csv, every cell text.
    const results = await sheetOf(join(out, 'results.xlsx'));
    const csvResults = await readReport(join(out, 'results.csv'));
    const xlsxResults: string[][] = [];
    results.eachRow((row) => xlsxResults.push(csvResults[0]!.map((_, i) => (row.getCell(i + 1).value as string | null) ?? '')));
    expect(xlsxResults).toEqual(csvResults);

    // errors.xlsx: the four error rows with the user's own values as text, never formulas.
    const errorsPath = join(out, 'errors.xlsx');
    const errors = await sheetOf(errorsPath);
    expect(errors.rowCount).toBe(5);
    const header = errors.getRow(1).values as (string | undefined)[];
    expect(header.slice(1)).toEqual([...HEADER.split(','), 'Error Code', 'Error Message']);
    const column = (name: string) => header.indexOf(name);
    const expected = [
      ['anna@acme.nl', '0101', '+31201234567', '=HYPERLINK("http://evil.example","click")'],
      ['bob@acme.nl', '0102', '+31201234568', '@SUM(A1:A9)'],
      ['carol@acme.nl', '00103', '+31201234569', '-Carol +1'],
      ['dave@acme.nl', '0104', '+31201234570', '=already quoted'],
    ];
    expected.forEach(([email, extension, phone, display], i) => {
      const row = errors.getRow(i + 2);
      const cells = [column('User ID/Email (Required)'), column('Extension'), column('Phone Number'), column('Display Name')].map((c) => row.getCell(c));
      expect(cells.map((c) => c.value)).toEqual([email, extension, phone, display]);
      for (const cell of cells) {
        expect(cell.type).toBe(ExcelJS.ValueType.String);
        expect(cell.numFmt).toBe('@');
      }
      expect(row.getCell(column('Error Code')).value).toBe('LOCATION_NOT_FOUND');
    });

    // Imported unchanged, errors.xlsx gives the same errors (its own rows as lines, our two columns ignored).
    const again = await runCli(importArgs(errorsPath, acme.db, join(acme.dir, 'again')));
    expect(again.code).toBe(1);
    expect((await readReport(join(acme.dir, 'again', 'results.csv'))).slice(1).map((r) => [r[0], r[1], r[4]])).toEqual(
      expected.map(([email], i) => [String(i + 2), email, 'LOCATION_NOT_FOUND']),
    );
    expect(again.stderr).not.toContain('UNKNOWN_COLUMN');

    // A person fixes the location in Excel and imports errors.xlsx again.
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(errorsPath);
    for (let r = 2; r <= 5; r++) book.worksheets[0]!.getRow(r).getCell(column('Location')).value = 'Amsterdam HQ';
    const fixed = join(acme.dir, 'errors-fixed.xlsx');
    await book.xlsx.writeFile(fixed);
    const last = await runCli(importArgs(fixed, acme.db, join(acme.dir, 'fixed'), '--report-format', 'xlsx'));
    expect(last.code, last.stderr).toBe(0);
    expect(existsSync(join(acme.dir, 'fixed', 'errors.xlsx'))).toBe(true);
    expect((await sheetOf(join(acme.dir, 'fixed', 'errors.xlsx'))).rowCount).toBe(1);
    const exported = await runCli(['users', 'export', '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'now.csv')]);
    expect(exported.code).toBe(0);
    const users = await readReport(join(acme.dir, 'now.csv'));
    const at = (name: string) => users[0]!.indexOf(name);
    // export.csv neutralises formula-like cells with a leading ' (as every CSV report does); restore reads them as bulkhub does.
    const byEmail = new Map(users.slice(1).map((u) => [u[0], [u[at('Extension')], u[at('Phone Number')], u[at('Display Name')]].map((v) => restore(v!))]));
    for (const [email, extension, phone, display] of expected) expect(byEmail.get(email)).toEqual([extension, phone, display]);
  });
});

import { readFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { COLUMN_KEYS, COLUMNS, type ColumnKey } from '../../src/domain/columns.js';
import { runCli } from '../helpers/cli.js';
import { acmeDirectory, readReport } from '../helpers/directory.js';
import { inline, workbookParts, writeParts } from '../helpers/xlsx.js';

const HEADER = COLUMN_KEYS.map((k) => COLUMNS[k]);
type Cell = string | number | boolean | null;

/** One row in the canonical column order; a package user of Webex Meetings unless told otherwise. */
function user(values: Partial<Record<ColumnKey, Cell>>): Cell[] {
  const base: Partial<Record<ColumnKey, Cell>> = {
    firstName: 'User', preferredSite: 'acme.webex.com', jabberCalling: 'FALSE', jabberTeams: 'TRUE', webex_calling: 'FALSE',
    webex_calling_standard: 'FALSE', webex_suite: 'FALSE', webex_voice: 'FALSE', webex_meetings: 'TRUE',
  };
  return COLUMN_KEYS.map((k) => ({ ...base, ...values })[k] ?? null);
}

async function writeWorkbook(path: string, rows: (Cell[] | null)[], sheetName = 'Users', sheetBefore?: string): Promise<string> {
  const book = new ExcelJS.Workbook();
  if (sheetBefore !== undefined) book.addWorksheet(sheetBefore).addRow(['not this one']);
  const sheet = book.addWorksheet(sheetName);
  rows.forEach((row, i) => {
    if (row) sheet.getRow(i + 1).values = row.map((c) => (c === null ? undefined : c)) as ExcelJS.CellValue[];
  });
  await book.xlsx.writeFile(path);
  return path;
}

const importArgs = (file: string, db: string, out: string, ...more: string[]) => ['users', 'import', file, '--customer', 'acme', '--db', db, '--out', out, '--quiet', ...more];

describe('users import of an Excel workbook', () => {
  it('gives the same lines, codes and messages as the same rows in a CSV', async () => {
    const rows: (Cell[] | null)[] = [
      HEADER,
      user({ email: 'anna@acme.nl', lastName: 'Łódź' }),
      user({ email: 'bob@acme.nl', lastName: 'İstanbul', webex_meetings: 'maybe' }),
      null, // a blank row
      user({ email: 'carol@acme.nl', lastName: 'Αθήνα', webex_calling: 'TRUE', webex_meetings: 'FALSE', location: 'Amsterdam HQ', phoneNumber: '31201234567' }),
      user({ email: 'dave@acme', lastName: 'Москва' }),
      user({ email: 'anna@acme.nl', lastName: 'again' }),
      user({ email: 'erik@acme.nl', extension: '1', webex_meetings: 'TRUE', jabberCalling: null }),
      user({ email: 'fleur@acme.nl', webex_calling: 'TRUE', webex_meetings: 'FALSE', location: 'Amsterdam HQ', extension: '0101', phoneNumber: '+31 20 123 4568' }),
    ];
    const acmeCsv = acmeDirectory();
    const csv = acmeCsv.write('users.csv', stringify(rows.map((r) => (r ? r.map((c) => (c === null ? '' : String(c))) : [])), { record_delimiter: '\n' }));
    const acmeXlsx = acmeDirectory();
    const xlsx = await writeWorkbook(join(acmeXlsx.dir, 'users.xlsx'), rows);

    const fromCsv = await runCli(importArgs(csv, acmeCsv.db, join(acmeCsv.dir, 'out')));
    const fromXlsx = await runCli(importArgs(xlsx, acmeXlsx.db, join(acmeXlsx.dir, 'out')));
    expect(fromXlsx.code, fromXlsx.stderr).toBe(1);
    expect(fromCsv.code).toBe(1);
    const results = readFileSync(join(acmeXlsx.dir, 'out', 'results.csv'), 'utf8');
    expect(results).toBe(readFileSync(join(acmeCsv.dir, 'out', 'results.csv'), 'utf8'));
    expect(readFileSync(join(acmeXlsx.dir, 'out', 'errors.csv'), 'utf8')).toBe(readFileSync(join(acmeCsv.dir, 'out', 'errors.csv'), 'utf8'));
    const table = await readReport(join(acmeXlsx.dir, 'out', 'results.csv'));
    // line = the sheet's row number; row 4 is blank
    expect(table.slice(1).map(([line, email, , status, code]) => [line, email, status, code])).toEqual([
      ['2', 'anna@acme.nl', 'error', 'DUPLICATE_EMAIL'],
      ['3', 'bob@acme.nl', 'error', 'INVALID_BOOLEAN'],
      ['5', 'carol@acme.nl', 'error', 'INVALID_PHONE_NUMBER'],
      ['6', 'dave@acme', 'error', 'INVALID_EMAIL'],
      ['7', 'anna@acme.nl', 'error', 'DUPLICATE_EMAIL'],
      ['8', 'erik@acme.nl', 'error', expect.stringMatching(/^(INVALID_EXTENSION|MISSING_MANDATORY_FIELD)$/)],
      ['9', 'fleur@acme.nl', 'ok', ''],
    ]);
    const exported = await runCli(['users', 'export', '--customer', 'acme', '--db', acmeXlsx.db]);
    expect(exported.stdout).toMatch(/fleur@acme\.nl,User,,,0101,'\+31201234568,/);
  });

  it('reads number cells in full, so a phone number that lost its + gets the same hint as in a CSV', async () => {
    const rows = (phone: Cell, extension: Cell, calling: Cell, meetings: Cell) => [
      HEADER,
      user({ email: 'anna@acme.nl', webex_calling: 'TRUE', webex_meetings: 'FALSE', location: 'Amsterdam HQ', phoneNumber: phone, extension: 4567 }),
      user({ email: 'bob@acme.nl', webex_calling: calling, webex_meetings: meetings, jabberCalling: false, jabberTeams: true, location: 'Amsterdam HQ', extension }),
    ];
    const acme = acmeDirectory();
    const file = await writeWorkbook(join(acme.dir, 'numbers.xlsx'), rows(31201234567, 102, true, false));
    const result = await runCli(importArgs(file, acme.db, join(acme.dir, 'out')));
    expect(result.code).toBe(1);
    const results = await readReport(join(acme.dir, 'out', 'results.csv'));
    expect(results[1]).toEqual(['2', 'anna@acme.nl', 'none', 'error', 'INVALID_PHONE_NUMBER', expect.stringContaining('31201234567')]);
    expect(results[2]).toEqual(['3', 'bob@acme.nl', 'add', 'ok', '', expect.stringContaining('Added without the basic licences')]);
    // The CSV Excel would have written had the column been General: the same report, word for word.
    const other = acmeDirectory();
    const csv = other.write('numbers.csv', stringify(rows('31201234567', '102', 'TRUE', 'FALSE').map((r) => r.map((c) => (c === null ? '' : typeof c === 'boolean' ? (c ? 'TRUE' : 'FALSE') : String(c))))));
    expect((await runCli(importArgs(csv, other.db, join(other.dir, 'out')))).code).toBe(1);
    expect(readFileSync(join(acme.dir, 'out', 'results.csv'), 'utf8')).toBe(readFileSync(join(other.dir, 'out', 'results.csv'), 'utf8'));
  });

  it('tells a workbook by its content, not its name; --sheet picks a sheet; an unknown sheet and a formula without a result refuse the file', async () => {
    const acme = acmeDirectory();
    const book = await writeWorkbook(join(acme.dir, 'book.xlsx'), [HEADER, user({ email: 'anna@acme.nl' })], 'Gebruikers', 'Notes');
    const misnamed = join(acme.dir, 'users.csv');
    copyFileSync(book, misnamed);
    const read = await runCli(importArgs(misnamed, acme.db, join(acme.dir, 'a'), '--dry-run', '--sheet', 'gebruikers'));
    expect(read.code, read.stderr).toBe(0);
    expect((await readReport(join(acme.dir, 'a', 'results.csv')))[1]).toEqual(['2', 'anna@acme.nl', 'add', 'ok', '', expect.stringContaining('Added without the basic licences')]);

    const csvNamedXlsx = acme.write('users-csv.xlsx', `${HEADER.join(',')}\nanna@acme.nl,,,,,,,acme.webex.com,FALSE,TRUE,FALSE,FALSE,FALSE,FALSE,TRUE,,,\n`);
    expect((await runCli(importArgs(csvNamedXlsx, acme.db, join(acme.dir, 'b'), '--dry-run'))).code).toBe(0);

    // Without --sheet the first sheet is read: a cover sheet's refusal names it and the others.
    const cover = await runCli(importArgs(book, acme.db, join(acme.dir, 'g')));
    expect(cover.code).toBe(2);
    expect(cover.said).toContain('MISSING_EMAIL_COLUMN');
    expect(cover.said).toContain('(read from the sheet "Notes"; the workbook\'s other sheets: "Gebruikers"; choose one with --sheet NAME).');

    const noSheet = await runCli(importArgs(book, acme.db, join(acme.dir, 'c'), '--sheet', 'Users'));
    expect(noSheet.code).toBe(2);
    expect(noSheet.said).toContain('SHEET_NOT_FOUND: The workbook has no sheet "Users". Its sheets: "Notes", "Gebruikers".');

    const formulas = await writeParts(
      join(acme.dir, 'formulas.xlsx'),
      workbookParts([{ name: 'Users', rows: `<row r="1">${inline('A1', COLUMNS.email)}</row><row r="2">${inline('A2', 'anna@acme.nl')}</row><row r="3"><c r="A3"><f>A2</f></c></row>` }]),
    );
    const refused = await runCli(importArgs(formulas, acme.db, join(acme.dir, 'd')));
    expect(refused.code).toBe(2);
    expect(refused.said).toMatch(/FORMULA_WITHOUT_VALUE: Cell A3 holds a formula \(=A2\) with no saved result/);
    expect(JSON.parse(readFileSync(join(acme.dir, 'd', 'summary.json'), 'utf8')).refusal).toMatchObject({ code: 'FORMULA_WITHOUT_VALUE' });

    const delimiter = await runCli(importArgs(book, acme.db, join(acme.dir, 'e'), '--delimiter', 'semicolon'));
    expect(delimiter.code).toBe(2);
    expect(delimiter.said).toContain('--delimiter is for CSV files');
    const sheetOfCsv = await runCli(importArgs(csvNamedXlsx, acme.db, join(acme.dir, 'f'), '--sheet', 'Users'));
    expect(sheetOfCsv.code).toBe(2);
    expect(sheetOfCsv.said).toContain('--sheet is for Excel workbooks');
  });
});

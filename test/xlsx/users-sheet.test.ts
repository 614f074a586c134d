import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CsvRecord } from '../../src/csv/read.js';
import { openUsersSheet } from '../../src/xlsx/users-sheet.js';
import { tempDir } from '../helpers/cli.js';
import { inline, workbookParts, writeParts } from '../helpers/xlsx.js';

const sheetFile = (rows: string) => writeParts(join(tempDir(), 'users.xlsx'), workbookParts([{ name: 'Users', rows }]));

describe('a users sheet read as CSV records', () => {
  it('takes the first row with text as the header, pads short rows, keeps values past the header, counts blank rows', async () => {
    const file = await sheetFile(
      `<row r="2">${inline('A2', 'User ID/Email (Required)')}${inline('B2', 'First Name')}${inline('C2', 'Last Name')}</row>` +
        `<row r="3">${inline('A3', 'anna@acme.nl')}</row>` +
        `<row r="4"><c r="A4" t="inlineStr"><is><t></t></is></c></row>` + // only empty text: a blank row
        `<row r="6">${inline('A6', "'=bob@acme.nl")}${inline('D6', 'stray')}</row>`,
    );
    const sheet = await openUsersSheet(file, { fileSize: 1000 });
    expect(sheet.sheet).toBe('Users');
    expect(sheet.header.names).toEqual(['User ID/Email (Required)', 'First Name', 'Last Name']);
    const records: CsvRecord[] = [];
    for await (const record of sheet.records) records.push(record);
    expect(records).toEqual([
      { line: 3, cells: ['anna@acme.nl', '', ''] },
      { line: 6, cells: ['=bob@acme.nl', '', '', 'stray'] },
    ]);
    expect(sheet.stats).toMatchObject({ dataRows: 2, blankLines: 1 + 2, bytesRead: 1000 });
  });

  it('refuses an empty sheet and a header without the e-mail column, on the header row', async () => {
    await expect(openUsersSheet(await sheetFile(''), { fileSize: 1 })).rejects.toMatchObject({ code: 'EMPTY_FILE', message: expect.stringContaining('The sheet "Users" is empty') });
    await expect(openUsersSheet(await sheetFile(`<row r="3">${inline('A3', 'Name')}</row>`), { fileSize: 1 })).rejects.toMatchObject({ code: 'MISSING_EMAIL_COLUMN', line: 3 });
  });
});

import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { openSheet, type SheetRow } from '../../src/xlsx/read.js';
import { tempDir } from '../helpers/cli.js';
import { inline, workbookParts, writeParts } from '../helpers/xlsx.js';

async function rowsOf(path: string, sheet?: string): Promise<SheetRow[]> {
  const opened = await openSheet(path, sheet === undefined ? {} : { sheet });
  const rows: SheetRow[] = [];
  for await (const row of opened.rows) rows.push(row);
  return rows;
}

describe('workbook reader', () => {
  it('reads what a spreadsheet library wrote: shared strings, numbers, booleans, cached formula results, rich text', async () => {
    const path = join(tempDir(), 'users.xlsx');
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Users');
    sheet.addRow(['User ID/Email (Required)', 'Extension', 'Phone Number', 'Webex Calling', 'Last Name']);
    sheet.addRow(['anna@acme.nl', '0101', '+31201234567', true, 'Łódź']);
    sheet.addRow([{ formula: 'LOWER("BOB@ACME.NL")', result: 'bob@acme.nl' }, 102, 31201234568, false, { richText: [{ text: 'İst', font: { bold: true } }, { text: 'anbul' }] }]);
    sheet.addRow([{ formula: '1=1', result: true }, 1.5, 3.12e10, { formula: 'NA()', result: { error: '#N/A' } }, 'Αθήνα']);
    await book.xlsx.writeFile(path);
    expect(await rowsOf(path)).toEqual([
      { line: 1, cells: ['User ID/Email (Required)', 'Extension', 'Phone Number', 'Webex Calling', 'Last Name'] },
      { line: 2, cells: ['anna@acme.nl', '0101', '+31201234567', 'TRUE', 'Łódź'] },
      { line: 3, cells: ['bob@acme.nl', '102', '31201234568', 'FALSE', 'İstanbul'] },
      { line: 4, cells: ['TRUE', '1.5', '31200000000', '#N/A', 'Αθήνα'] },
    ]);
  });

  it('keeps every character of non-Latin text however the archive is chunked (20,000 rows)', async () => {
    const path = join(tempDir(), 'big.xlsx');
    const names = ['Łódź', 'İstanbul', 'Αθήνα', 'Москва', 'Göteborg', '佐藤', 'Kraków'];
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
    const sheet = writer.addWorksheet('Users');
    for (let i = 0; i < 20_000; i++) sheet.addRow([`user${i}@x.nl`, `${names[i % names.length]} ${i}`, names[(i + 3) % names.length]]).commit();
    sheet.commit();
    await writer.commit();
    const rows = await rowsOf(path);
    expect(rows).toHaveLength(20_000);
    expect(rows).toEqual(rows.map((_, i) => ({ line: i + 1, cells: [`user${i}@x.nl`, `${names[i % names.length]} ${i}`, names[(i + 3) % names.length]] })));
  });

  it('reads parts in any archive order, prefixed names, cells and rows without references, inline rich text, escapes and phonetic guides', async () => {
    const path = join(tempDir(), 'odd.xlsx');
    const parts = workbookParts(
      [
        {
          name: 'Users',
          rows:
            '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="C2" t="s"><v>1</v></c></row>' +
            // no r on the row nor its cells: the next row, columns from A
            '<row><c t="inlineStr"><is><r><t>car</t></r><r><rPr><b/></rPr><t>ol@acme.nl</t></r></is></c><c t="str"><f>A1</f><v>x_x000D_y</v></c><c t="e"><v>#REF!</v></c></row>' +
            '<row r="7"><c r="B7" t="s"><v>2</v></c><c r="D7"><v>0.000000015</v></c></row>' +
            '<row r="8"><c r="A8" t="s"><v>3</v></c></row>',
        },
      ],
      { sharedStrings: ['anna@acme.nl', 'a &amp; b', '<t>漢字</t><rPh sb="0" eb="2"><t>カンジ</t></rPh>', 'literal _x005F_x000D_'], sheetsFirst: true },
    );
    // Prefixed element names, as some generators write them.
    parts.push(['xl/worksheets/sheet2.xml', '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>prefixed</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>']);
    await writeParts(path, parts);
    expect(await rowsOf(path)).toEqual([
      { line: 2, cells: ['anna@acme.nl', '', 'a & b'] },
      { line: 3, cells: ['carol@acme.nl', 'x\ry', '#REF!'] },
      { line: 7, cells: ['', '漢字', '', '0.000000015'] },
      { line: 8, cells: ['literal _x000D_'] },
    ]);
  });

  it('reads the first visible sheet, or the one --sheet names (any case), and lists the sheets when it does not exist', async () => {
    const path = await writeParts(
      join(tempDir(), 'sheets.xlsx'),
      workbookParts([
        { name: 'Lookup', rows: `<row r="1">${inline('A1', 'hidden')}</row>`, state: 'hidden' },
        { name: 'Users', rows: `<row r="1">${inline('A1', 'users')}</row>` },
        { name: 'Old users', rows: `<row r="1">${inline('A1', 'old')}</row>` },
      ]),
    );
    expect((await rowsOf(path))[0]!.cells).toEqual(['users']);
    expect((await rowsOf(path, 'old USERS'))[0]!.cells).toEqual(['old']);
    expect((await rowsOf(path, 'Lookup'))[0]!.cells).toEqual(['hidden']);
    await expect(openSheet(path, { sheet: 'Sheet1' })).rejects.toMatchObject({
      code: 'SHEET_NOT_FOUND',
      message: 'The workbook has no sheet "Sheet1". Its sheets: "Lookup", "Users", "Old users". Pass one of them with --sheet.',
    });
  });

  it('refuses a formula without a saved result, naming the cell and its row', async () => {
    const path = await writeParts(
      join(tempDir(), 'formulas.xlsx'),
      workbookParts([{ name: 'Users', rows: `<row r="1">${inline('A1', 'email')}</row><row r="2"><c r="A2"><f>LOWER(B2)</f></c></row>` }]),
    );
    const opened = await openSheet(path);
    const read = async (): Promise<void> => {
      for await (const _ of opened.rows);
    };
    await expect(read()).rejects.toMatchObject({ code: 'FORMULA_WITHOUT_VALUE', line: 2, message: expect.stringMatching(/^Cell A2 holds a formula \(=LOWER\(B2\)\) with no saved result/) });
  });

  it.each([
    ['a damaged archive', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]), /cannot be opened as a ZIP archive/],
  ])('refuses %s as NOT_A_WORKBOOK', async (_name, bytes, message) => {
    const path = join(tempDir(), 'bad.xlsx');
    (await import('node:fs')).writeFileSync(path, bytes);
    await expect(openSheet(path)).rejects.toMatchObject({ code: 'NOT_A_WORKBOOK', message: expect.stringMatching(message) });
  });

  it.each([
    ['a Word document', [['word/document.xml', '<w/>']], /Word document/],
    ['an OpenDocument spreadsheet', [['mimetype', 'application/vnd.oasis.opendocument.spreadsheet'], ['content.xml', '<x/>']], /OpenDocument/],
    ['a plain archive', [['readme.txt', 'hello']], /without a workbook/],
    ['a workbook with broken XML', [['xl/workbook.xml', '<workbook><sheets>']], /not well-formed XML/],
  ] as [string, [string, string][], RegExp][])('refuses %s as NOT_A_WORKBOOK', async (_name, parts, message) => {
    const path = await writeParts(join(tempDir(), 'other.xlsx'), parts);
    await expect(openSheet(path)).rejects.toMatchObject({ code: 'NOT_A_WORKBOOK', message: expect.stringMatching(message) });
  });
});

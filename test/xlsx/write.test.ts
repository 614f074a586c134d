import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { openSheet } from '../../src/xlsx/read.js';
import { XlsxFile } from '../../src/xlsx/write.js';
import { tempDir } from '../helpers/cli.js';

describe('workbook writer', () => {
  it('writes text cells that read back exactly, here and in another implementation', async () => {
    const path = join(tempDir(), 'report.xlsx');
    const texts = ['0101', '+31201234567', '=1+1', '  padded  ', 'a & b <c>', 'carriage\rreturn', 'line\nbreak', 'bell\u0007', 'literal _x000D_', 'Łódź İstanbul Αθήνα Москва'];
    const file = new XlsxFile(path, ['Value', 'Empty', 'Last'], 'Errors');
    for (const text of texts) await file.add([text, '', 'x']);
    await file.close();

    const opened = await openSheet(path);
    expect(opened.sheet).toBe('Errors');
    const rows: string[][] = [];
    for await (const row of opened.rows) rows.push(row.cells);
    expect(rows).toEqual([['Value', 'Empty', 'Last'], ...texts.map((t) => [t, '', 'x'])]);

    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    const sheet = book.worksheets[0]!;
    expect(sheet.name).toBe('Errors');
    // exceljs keeps characters that XML cannot hold escaped (_x0007_); the rest must be the same text, in Text-formatted cells.
    texts.forEach((text, i) => {
      const cell = sheet.getRow(i + 2).getCell(1);
      if (!/[\r\u0007]|_x/.test(text)) expect(cell.value).toBe(text);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.numFmt).toBe('@');
    });
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
  });
});

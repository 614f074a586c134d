import { restore } from '../csv/formula.js';
import { mapHeaderOnLine, type HeaderMap } from '../csv/header-map.js';
import type { CsvRecord, CsvStats } from '../csv/read.js';
import { RunRefused } from '../domain/codes.js';
import { openSheet } from './read.js';

export interface OpenedUsersSheet {
  header: HeaderMap;
  /** The name of the sheet read. */
  sheet: string;
  /** Data rows in sheet order, each with its sheet row number as `line`; can be iterated once. */
  records: AsyncIterable<CsvRecord>;
  stats: CsvStats;
}

/**
 * A users sheet read like a users CSV: the first row with any text is the header, the rows after
 * it are the users, `line` is the sheet's row number, and rows with no text are blank lines. A
 * row is as wide as the header (a sheet stores no empty cells at the end of a row); a value past
 * the header's last column is kept, so the row gets the same WRONG_FIELD_COUNT a CSV would.
 * Cells go through the same `restore` as a CSV's, so an `'=` written by a CSV report reads `=`.
 */
export async function openUsersSheet(
  path: string,
  options: { sheet?: string; extraAliases?: Record<string, string>; maxColumns?: number; fileSize: number },
): Promise<OpenedUsersSheet> {
  const opened = await openSheet(path, options.sheet === undefined ? {} : { sheet: options.sheet });
  const maxColumns = options.maxColumns ?? 200;
  const stats: CsvStats = { bytesRead: 0, fileSize: options.fileSize, blankLines: 0, dataRows: 0 };
  const rows = opened.rows[Symbol.asyncIterator]();
  let header: HeaderMap;
  let previous: number;
  try {
    const first = await rows.next();
    if (first.done === true) {
      throw new RunRefused('EMPTY_FILE', `The sheet "${opened.sheet}" is empty: there is no header and no user. Check that it is the right sheet (--sheet NAME).`);
    }
    const { line, cells } = first.value;
    if (cells.length > maxColumns) {
      throw new RunRefused(
        'TOO_MANY_COLUMNS',
        `The header on row ${line} of sheet "${opened.sheet}" has ${cells.length} columns; at most ${maxColumns} are read. Remove the columns that are not needed.`,
        { line },
      );
    }
    header = onSheet(opened, () => mapHeaderOnLine(cells.map(restore), line, options.extraAliases));
    stats.blankLines += line - 1;
    previous = line;
  } catch (error) {
    opened.close();
    throw error;
  }
  const width = header.names.length;

  async function* records(): AsyncGenerator<CsvRecord> {
    try {
      for (let step = await rows.next(); step.done !== true; step = await rows.next()) {
        const { line, cells } = step.value;
        stats.blankLines += line - previous - 1;
        previous = line;
        stats.dataRows++;
        stats.bytesRead = Math.round(stats.fileSize * opened.progress());
        const record: string[] = new Array<string>(Math.max(width, cells.length));
        for (let i = 0; i < record.length; i++) record[i] = i < cells.length ? restore(cells[i]!) : '';
        yield { line, cells: record };
      }
      stats.bytesRead = stats.fileSize;
    } finally {
      opened.close();
    }
  }

  return { header, sheet: opened.sheet, records: records(), stats };
}

/**
 * A header refusal of a workbook names the sheet it read and the workbook's other sheets: the users
 * are often on a sheet after a cover or notes sheet, and `--sheet NAME` is the fix.
 */
function onSheet<T>(opened: { sheet: string; sheets: string[] }, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof RunRefused)) throw error;
    const others = opened.sheets.filter((name) => name !== opened.sheet);
    const hint = others.length === 0
      ? ` (read from the sheet "${opened.sheet}", the workbook's only sheet)`
      : ` (read from the sheet "${opened.sheet}"; the workbook's other sheets: ${others.map((name) => JSON.stringify(name)).join(', ')}; choose one with --sheet NAME)`;
    const where: { line?: number; column?: string } = {};
    if (error.line !== undefined) where.line = error.line;
    if (error.column !== undefined) where.column = error.column;
    throw new RunRefused(error.code, error.message.replace(/\.?$/, `${hint}.`), where);
  }
}

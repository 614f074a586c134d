import { open, stat } from 'node:fs/promises';
import type { HeaderMap } from '../csv/header-map.js';
import { openCsv, type CsvRecord, type CsvStats, type OpenCsvOptions } from '../csv/read.js';
import type { Delimiter } from '../csv/sniff.js';
import { RunRefused } from '../domain/codes.js';
import { hashFile } from './hash.js';

export type InputFormat = 'csv' | 'xlsx';

/**
 * The users of an input file, whatever its format: the header mapped to columns, then the data
 * records with their lines, every cell as text. Everything after this (validation, planning, the
 * journal, the reports) is the same for every format.
 */
export interface RowSource {
  format: InputFormat;
  header: HeaderMap;
  /** The CSV's delimiter; a workbook's reports use the default, a comma. */
  delimiter: Delimiter;
  /** The sheet read, for a workbook. */
  sheet?: string;
  records: AsyncIterable<CsvRecord>;
  stats: CsvStats;
  /**
   * SHA-256 of the input, asked for once the records are read: a CSV's is of the very bytes read
   * (one pass, so a pipe is hashed too); a workbook (always a regular file, read by random access)
   * is hashed again after its reading, so a file changed meanwhile differs from the hash taken
   * before the run began (INPUT_CHANGED).
   */
  inputHash(): Promise<string>;
}

export interface RowSourceOptions extends OpenCsvOptions {
  /** The workbook's sheet to read (default: the first visible one). */
  sheet?: string;
}

/** A ZIP archive's first bytes: an .xlsx workbook is one (ECMA-376 Part 2, Open Packaging Conventions). */
const ZIP = [0x50, 0x4b, 0x03, 0x04];

/**
 * Opens a users file by what it holds, not by its name: a ZIP archive is read as a workbook
 * (src/xlsx), anything else as a CSV (src/csv), which refuses other binary formats itself.
 */
export async function openRowSource(path: string, options: RowSourceOptions = {}): Promise<RowSource> {
  const start = await firstBytes(path, ZIP.length);
  if (start && ZIP.every((byte, i) => start.bytes[i] === byte)) {
    if (options.delimiter !== undefined) {
      throw new RunRefused('BAD_ARGUMENTS', `--delimiter is for CSV files; ${path} is an Excel workbook, whose cells need no delimiter.`);
    }
    // Loaded for workbooks only: the zip and XML libraries would slow every other start of the program.
    const { openUsersSheet } = await import('../xlsx/users-sheet.js');
    const sheet = await openUsersSheet(path, { ...definedOnly(options), fileSize: start.fileSize });
    return { format: 'xlsx', header: sheet.header, delimiter: ',', sheet: sheet.sheet, records: sheet.records, stats: sheet.stats, inputHash: () => hashFile(path) };
  }
  if (options.sheet !== undefined) {
    throw new RunRefused('BAD_ARGUMENTS', `--sheet is for Excel workbooks; ${path} is not one (it is read as a CSV).`);
  }
  const csv = await openCsv(path, options);
  return { format: 'csv', header: csv.header, delimiter: csv.delimiter, records: csv.records, stats: csv.stats, inputHash: async () => csv.inputHash() };
}

/**
 * The first bytes of a regular file, or undefined when it is none or cannot be read (openCsv then
 * says why). Looked at with stat first: opening a named pipe would wait for a writer.
 */
async function firstBytes(path: string, count: number): Promise<{ bytes: Buffer; fileSize: number } | undefined> {
  try {
    if (!(await stat(path)).isFile()) return undefined;
    const handle = await open(path, 'r');
    try {
      const bytes = Buffer.alloc(count);
      const { bytesRead } = await handle.read(bytes, 0, count, 0);
      return { bytes: bytes.subarray(0, bytesRead), fileSize: (await handle.stat()).size };
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

function definedOnly(options: RowSourceOptions): { sheet?: string; extraAliases?: Record<string, string>; maxColumns?: number } {
  const out: { sheet?: string; extraAliases?: Record<string, string>; maxColumns?: number } = {};
  if (options.sheet !== undefined) out.sheet = options.sheet;
  if (options.extraAliases !== undefined) out.extraAliases = options.extraAliases;
  if (options.maxColumns !== undefined) out.maxColumns = options.maxColumns;
  return out;
}

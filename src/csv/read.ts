import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { CsvError, parse, type Options, type Parser } from 'csv-parse';
import { RunRefused } from '../domain/codes.js';
import { decodeChunks } from './decode.js';
import { restore } from './formula.js';
import { mapHeaderOnLine, type HeaderMap } from './header-map.js';
import { sniffStart, type Delimiter, type InputStart } from './sniff.js';
import { RecordSplitter } from './split.js';

export interface CsvRecord {
  /** 1-based physical line of the input file where the record starts (the header is line 1). */
  line: number;
  cells: string[];
}

export interface CsvStats {
  bytesRead: number;
  fileSize: number;
  blankLines: number;
  dataRows: number;
}

export interface OpenedCsv {
  header: HeaderMap;
  delimiter: Delimiter;
  hadBom: boolean;
  /** Data rows only, in file order; can be iterated once. */
  records: AsyncIterable<CsvRecord>;
  /** Counters that grow while `records` is consumed. */
  stats: CsvStats;
  /** SHA-256 (`sha256:` + hex) of every byte read: the whole file once `records` is exhausted. */
  inputHash(): string;
}

export interface OpenCsvOptions {
  delimiter?: Delimiter;
  extraAliases?: Record<string, string>;
  /** Default 1 MiB. csv-parse counts the characters of a record's fields. */
  maxRecordBytes?: number;
  /** Default 200. */
  maxColumns?: number;
  /**
   * The first part of a split file (cut.ts): the records before the cut. The cut is asked for
   * (`cut()`: its byte offset, or undefined to read to the end) when the reading reaches `after`.
   */
  stopAt?: { after: number; cut: () => Promise<number | undefined> };
  /** The second part of a split file: the records from the cut on; `hash` holds the bytes before it already. */
  from?: { byte: number; line: number; hash: Hash };
}

export interface ReadOptions {
  delimiter?: Delimiter;
  /** False reads every record with csv-parse (what the fast path is tested against). @default true */
  fastPath?: boolean;
  maxRecordBytes?: number;
  maxColumns?: number;
  fileSize?: number;
}

/** A CSV split into records, before any header mapping (what the csv-spectrum corpus checks). */
export interface RawCsv {
  header: CsvRecord;
  delimiter: Delimiter;
  hadBom: boolean;
  records: AsyncIterable<CsvRecord>;
  stats: CsvStats;
  /** Stops reading and releases the source, for a caller that will not iterate `records`. */
  close(): void;
}

const MiB = 1024 * 1024;

/** The largest record read, in characters (csv-parse's max_record_size): a runaway quote is refused past it. */
export const MAX_RECORD_CHARS = MiB;

/** Opens a user CSV: checks the file and its header, then streams the data rows. */
export async function openCsv(path: string, options: OpenCsvOptions = {}): Promise<OpenedCsv> {
  const { handle, fileSize } = await openInput(path);
  const stream = handle.createReadStream({ highWaterMark: 64 * 1024 });
  // Hashed as it is read: a pipe or a device gives its bytes once, and the hash must be of the bytes applied.
  const hash = createHash('sha256');
  async function* hashed(): AsyncGenerator<Uint8Array> {
    for await (const chunk of options.stopAt ? upToCut(stream, options.stopAt) : stream) {
      hash.update(chunk as Buffer);
      yield chunk as Buffer;
    }
  }
  const raw = await readRecords(options.from ? stream : hashed(), { ...options, fileSize }).catch((error: unknown) => {
    stream.destroy();
    throw error;
  });
  let header: HeaderMap;
  try {
    // The header is usually on line 1, but not after `sep=`.
    header = mapHeaderOnLine(raw.header.cells, raw.header.line, options.extraAliases);
  } catch (error) {
    raw.close();
    throw error;
  }
  if (options.from) return secondPart(path, raw, header, options.from, options);
  return { header, delimiter: raw.delimiter, hadBom: raw.hadBom, records: raw.records, stats: raw.stats, inputHash: () => `sha256:${hash.digest('hex')}` };
}

/** The bytes of `stream` before the cut, asked for once the reading passes `stopAt.after`. */
async function* upToCut(stream: AsyncIterable<Buffer>, stopAt: NonNullable<OpenCsvOptions['stopAt']>): AsyncGenerator<Buffer> {
  let offset = 0;
  let end: number | undefined = Infinity;
  let asked = false;
  for await (const chunk of stream) {
    if (!asked && offset + chunk.byteLength > stopAt.after) {
      asked = true;
      end = (await stopAt.cut()) ?? Infinity;
    }
    if (offset + chunk.byteLength >= end) {
      if (end > offset) yield chunk.subarray(0, end - offset);
      return;
    }
    offset += chunk.byteLength;
    yield chunk;
  }
}

/** The second part of a split file: the header as read from the file's start, then the records from the cut on. */
function secondPart(path: string, raw: RawCsv, header: HeaderMap, from: NonNullable<OpenCsvOptions['from']>, options: OpenCsvOptions): OpenedCsv {
  raw.close();
  const { hash } = from;
  async function* hashed(): AsyncGenerator<Uint8Array> {
    for await (const chunk of createReadStream(path, { start: from.byte, highWaterMark: 64 * 1024 })) {
      hash.update(chunk as Buffer);
      yield chunk as Buffer;
    }
  }
  const part = readRecordsFrom(hashed(), { ...from, delimiter: raw.delimiter, headerCells: raw.header.cells },
    { maxRecordBytes: options.maxRecordBytes, fileSize: raw.stats.fileSize });
  return { header, delimiter: raw.delimiter, hadBom: raw.hadBom, records: part.records, stats: part.stats, inputHash: () => `sha256:${hash.digest('hex')}` };
}

async function openInput(path: string): Promise<{ handle: FileHandle; fileSize: number }> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const stat = await handle.stat();
    if (stat.isDirectory()) throw Object.assign(new Error(`${path} is a folder`), { code: 'EISDIR' });
    return { handle, fileSize: stat.size };
  } catch (error) {
    await handle?.close();
    throw readFailure(path, error);
  }
}

/**
 * Splits a byte stream into records: refuses binary and non-UTF-8 input, sniffs the delimiter
 * from the header line, and reads the header record before returning.
 */
export async function readRecords(source: AsyncIterable<Uint8Array>, options: ReadOptions = {}): Promise<RawCsv> {
  const maxRecordBytes = options.maxRecordBytes ?? MAX_RECORD_CHARS;
  const maxColumns = options.maxColumns ?? 200;
  const stats: CsvStats = { bytesRead: 0, fileSize: options.fileSize ?? 0, blankLines: 0, dataRows: 0 };
  const chunks = source[Symbol.asyncIterator]();

  let start: InputStart;
  try {
    start = await sniffStart(chunks, { delimiter: options.delimiter, maxHeaderBytes: maxRecordBytes });
  } catch (error) {
    throw readFailure('The input', error);
  }
  const { skip, lineOffset, delimiter } = start;
  stats.bytesRead = start.chunks.reduce((n, chunk) => n + chunk.byteLength, 0);

  async function* bytes(): AsyncGenerator<Uint8Array> {
    let toSkip = skip;
    try {
      for (const chunk of start.chunks) {
        if (toSkip >= chunk.byteLength) toSkip -= chunk.byteLength;
        else {
          yield toSkip > 0 ? chunk.subarray(toSkip) : chunk;
          toSkip = 0;
        }
      }
      for (let step = start.ended ? undefined : await chunks.next(); step && !step.done; step = await chunks.next()) {
        stats.bytesRead += step.value.byteLength;
        yield step.value;
      }
    } finally {
      await chunks.return?.();
    }
  }

  const text = decodeChunks(bytes(), { firstLine: 1 + lineOffset, firstByte: skip })[Symbol.asyncIterator]();
  const reader = recordReader(text, { delimiter, maxRecordBytes, stats, firstLine: 1 + lineOffset, fastPath: options.fastPath });
  const { next, close } = reader;

  const header = await next().catch((error: unknown) => {
    close();
    throw error;
  });
  if (header === undefined) {
    throw new RunRefused(
      'EMPTY_FILE',
      stats.bytesRead === 0
        ? 'The file is empty (0 bytes). Export the users again, with the header line and one line per user.'
        : 'The file holds only blank lines: there is no header and no user. Export the users again.',
    );
  }
  if (header.cells.length > maxColumns) {
    close();
    throw new RunRefused(
      'TOO_MANY_COLUMNS',
      `The header on line ${header.line} has ${header.cells.length} columns; at most ${maxColumns} are read. ` +
        'Check that the delimiter is right and remove the columns that are not needed.',
      { line: header.line },
    );
  }

  async function* records(): AsyncGenerator<CsvRecord> {
    try {
      for (let record = await next(); record !== undefined; record = await next()) {
        stats.dataRows++;
        yield record;
      }
    } finally {
      close();
    }
  }

  return { header, delimiter, hadBom: start.hadBom, records: records(), stats, close };
}

interface RecordReaderOptions {
  delimiter: Delimiter;
  maxRecordBytes: number;
  stats: CsvStats;
  /** Physical line of the first character of `text`. */
  firstLine: number;
  fastPath?: boolean | undefined;
  /** The header's cells, when the text starts after it (the second part of a split file): errors name columns by them. */
  headerCells?: string[];
}

/**
 * Records of normalised text: the fast path (split.ts) while it can vouch for them, then
 * csv-parse from the first record it cannot. Blank lines are counted in `stats`, not returned.
 */
function recordReader(text: AsyncIterator<string>, options: RecordReaderOptions): { next(): Promise<CsvRecord | undefined>; close(): void } {
  const { delimiter, maxRecordBytes, stats } = options;
  // Known before the header is returned too: an error in the header's chunk names its columns.
  let headerCells: string[] | undefined = options.headerCells;
  /** A record as the reader returns it, or null for a line of only delimiters and spaces (a blank line, not a row). */
  const accept = (cells: string[], line: number): CsvRecord | null => {
    if (cells.every((cell) => cell.trim() === '')) {
      stats.blankLines++;
      return null;
    }
    const record = { line, cells: cells.map(restore) };
    headerCells ??= record.cells;
    return record;
  };
  const context: CsvParseContext = { delimiter, maxRecordBytes, stats, accept, header: () => headerCells };
  const splitter = new RecordSplitter(delimiter, maxRecordBytes, options.firstLine);
  let textEnded = false;
  // From the first record the fast path cannot vouch for, csv-parse reads the rest of the file.
  let slow: CsvParseReader | undefined = options.fastPath === false ? csvParseReader({ text: '', line: options.firstLine }, text, context) : undefined;

  const next = async (): Promise<CsvRecord | undefined> => {
    for (;;) {
      if (slow) return slow.next();
      const step = splitter.next(textEnded);
      if (step === 'more') {
        const chunk = await text.next().catch((error: unknown) => Promise.reject(readFailure('The input', error)));
        if (chunk.done === true) textEnded = true;
        else splitter.push(chunk.value);
      } else if (step === 'end') {
        stats.blankLines += splitter.emptyLines;
        return undefined;
      } else if (step === 'unsure') {
        stats.blankLines += splitter.emptyLines;
        slow = csvParseReader(splitter.rest(), textEnded ? undefined : text, context);
      } else {
        const record = accept(step.cells, step.line);
        if (record) return record;
      }
    }
  };
  const close = (): void => {
    if (slow) slow.close();
    else void text.return?.(undefined);
  };
  return { next, close };
}

/**
 * The records of the second part of a split file (cut.ts): `source` gives the bytes from a
 * record boundary on, whose first line is `from.line`; delimiter and header come from the
 * file's start, read separately. Lines, blank lines and errors come out as a reader of the
 * whole file gives them there.
 */
export function readRecordsFrom(
  source: AsyncIterable<Uint8Array>,
  from: { line: number; byte: number; delimiter: Delimiter; headerCells: string[] },
  options: { maxRecordBytes?: number; fileSize?: number } = {},
): { records: AsyncIterable<CsvRecord>; stats: CsvStats } {
  const stats: CsvStats = { bytesRead: 0, fileSize: options.fileSize ?? 0, blankLines: 0, dataRows: 0 };
  async function* bytes(): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      stats.bytesRead += chunk.byteLength;
      yield chunk;
    }
  }
  const text = decodeChunks(bytes(), { firstLine: from.line, firstByte: from.byte })[Symbol.asyncIterator]();
  const reader = recordReader(text, { delimiter: from.delimiter, maxRecordBytes: options.maxRecordBytes ?? MAX_RECORD_CHARS, stats, firstLine: from.line, headerCells: from.headerCells });
  async function* records(): AsyncGenerator<CsvRecord> {
    try {
      for (let record = await reader.next(); record !== undefined; record = await reader.next()) {
        stats.dataRows++;
        yield record;
      }
    } finally {
      reader.close();
    }
  }
  return { records: records(), stats };
}

interface CsvParseReader {
  next(): Promise<CsvRecord | undefined>;
  close(): void;
}

interface CsvParseContext {
  delimiter: Delimiter;
  maxRecordBytes: number;
  stats: CsvStats;
  accept: (cells: string[], line: number) => CsvRecord | null;
  header: () => string[] | undefined;
}

/**
 * csv-parse over the text from `first` on (then the rest of `rest`): the reader's slow path, and
 * the one that words every error. Line numbers continue from `first.line`.
 */
function csvParseReader(first: { text: string; line: number }, rest: AsyncIterator<string> | undefined, context: CsvParseContext): CsvParseReader {
  const { stats, accept } = context;
  const lineOffset = first.line - 1;
  // csv-parse reports where a record ENDS (`lines`); a record starts on the line after the
  // previous record ended, plus the blank lines it skipped in between. Tracking this inside
  // on_record (not when a record is consumed) keeps it right when an error cuts the stream short.
  let lastEnd = 0;
  let lastEmpty = 0;
  const parserOptions: Options<CsvRecord, string[]> = {
    delimiter: context.delimiter,
    record_delimiter: '\n',
    bom: false,
    skip_empty_lines: true,
    relax_column_count: true,
    max_record_size: context.maxRecordBytes,
    on_record: (cells: string[], info): CsvRecord | null => {
      const startLine = lastEnd + 1 + (info.empty_lines - lastEmpty);
      stats.blankLines += info.empty_lines - lastEmpty;
      lastEnd = info.lines;
      lastEmpty = info.empty_lines;
      return accept(cells, startLine + lineOffset);
    },
  };
  // The typings tie on_record's result to the record type; ours turns arrays into CsvRecords.
  const parser: Parser = parse(parserOptions as unknown as Options);
  async function* source(): AsyncGenerator<string> {
    if (first.text.length > 0) yield first.text;
    if (!rest) return;
    try {
      for (let step = await rest.next(); step.done !== true; step = await rest.next()) yield step.value;
    } finally {
      await rest.return?.(undefined);
    }
  }
  pipeline(Readable.from(source()), parser, () => {});
  const iterator = parser[Symbol.asyncIterator]() as AsyncIterator<CsvRecord>;
  return {
    async next() {
      try {
        const step = await iterator.next();
        if (step.done !== true) return step.value;
      } catch (error) {
        if (error instanceof CsvError) {
          const recordStart = lastEnd + 1 + (parser.info.empty_lines - lastEmpty) + lineOffset;
          throw describeParseError(error, { parser, recordStart, lineOffset, header: context.header(), maxRecordBytes: context.maxRecordBytes });
        }
        throw readFailure('The input', error);
      }
      // Blank lines after the last record: csv-parse counts the line after a final line break too.
      stats.blankLines += Math.max(0, parser.info.lines - lastEnd - 1);
      return undefined;
    },
    close: () => parser.destroy(),
  };
}

interface ParseErrorContext {
  parser: Parser;
  /** Physical line where the record being parsed starts. */
  recordStart: number;
  lineOffset: number;
  header: string[] | undefined;
  maxRecordBytes: number;
}

/** Turns a csv-parse error into a refusal that names the line and the column in plain words. */
function describeParseError(error: CsvError, context: ParseErrorContext): RunRefused {
  const { recordStart, header } = context;
  const line = typeof error.lines === 'number' ? error.lines + context.lineOffset : recordStart;
  const field = typeof error.column === 'number' ? error.column : 0;
  const name = header?.[field]?.trim();
  const column = name ? name : `column ${field + 1}`;
  const where = name ? `column "${name}"` : column;
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED': {
      // csv-parse reports where the file ended; the quote opened in the current field, after the
      // line breaks of the fields before it in this record.
      const opened = recordStart + fieldsSoFar(context.parser).reduce((n, f) => n + f.split('\n').length - 1, 0);
      return new RunRefused(
        'UNCLOSED_QUOTE',
        `The quoted value that starts on line ${opened} (${where}) is never closed: the file ends inside it, so every line after it would be misread. ` +
          'Add the missing closing quote (") or remove the opening one.',
        { line: opened, column },
      );
    }
    case 'INVALID_OPENING_QUOTE':
      return new RunRefused(
        'INVALID_QUOTE',
        `Line ${line}, ${where}: a quote (") appears inside a value that does not start with one (${JSON.stringify(String(error.field ?? ''))} came before it). ` +
          'Put the whole value in quotes and double the quote inside it (""), or remove the quote.',
        { line, column },
      );
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new RunRefused(
        'INVALID_QUOTE',
        `Line ${line}, ${where}: text follows the closing quote of a quoted value. ` +
          'A quote inside a quoted value must be doubled (""); otherwise the value must end at its closing quote.',
        { line, column },
      );
    case 'CSV_MAX_RECORD_SIZE':
      // Only a record inside a quoted value runs on past its line: blame a quote only when one is open.
      return new RunRefused(
        'RECORD_TOO_LARGE',
        insideQuotes(context.parser)
          ? `The record that starts on line ${recordStart} grows past ${context.maxRecordBytes} characters (by line ${line}). ` +
              `This usually means a quote on line ${recordStart} is never closed; check the quotes there.`
          : `Line ${recordStart} is longer than ${context.maxRecordBytes} characters, more than a user's row can hold. ` +
              'Check that the file is the users CSV, and that its lines end with line breaks.',
        { line: recordStart },
      );
    default: // not expected with our options (no columns, no trimming, ragged rows allowed)
      return new RunRefused('INVALID_QUOTE', `Line ${line}: the CSV cannot be read (${error.message}).`, { line });
  }
}

/** Whether csv-parse is inside a quoted value (`state.quoting`, untyped, internal; false when unknown). */
function insideQuotes(parser: Parser): boolean {
  return (parser as unknown as { state?: { quoting?: unknown } }).state?.quoting === true;
}

/** csv-parse keeps the finished fields of the record being parsed in `state.record` (untyped, internal). */
function fieldsSoFar(parser: Parser): string[] {
  const record = (parser as unknown as { state?: { record?: unknown } }).state?.record;
  return Array.isArray(record) ? record.filter((f): f is string => typeof f === 'string') : [];
}

/** UNREADABLE_INPUT for file-system errors; anything else is passed on unchanged. */
function readFailure(path: string, error: unknown): unknown {
  if (error instanceof RunRefused) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return error;
  const reason =
    code === 'ENOENT'
      ? 'it does not exist'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'it is a folder, not a file'
          : `${code}: ${(error as Error).message}`;
  return new RunRefused('UNREADABLE_INPUT', `${path} cannot be read: ${reason}. Check the path and the file's permissions.`);
}

/**
 * The first look at an input, before any parsing: is it a CSV we can read at all (not a
 * workbook, not UTF-16), does it start with a BOM or Excel's `sep=` line, and which delimiter
 * does its header line use. Refusing here gives a precise message instead of garbled rows.
 */
import { RunRefused } from '../domain/codes.js';

export type Delimiter = ',' | ';' | '\t';

/** Bytes read before sniffing; more are read only while the header line is longer. */
const PRELUDE_BYTES = 64 * 1024;

const SAVE_AS = 'Open it in Excel (or another spreadsheet) and save it as "CSV UTF-8 (Comma delimited)" or as an Excel Workbook (.xlsx), then retry.';

/** Magic numbers of formats that end up named `.csv` by mistake. */
const SIGNATURES: readonly { bytes: readonly number[]; looksLike: string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], looksLike: 'an Excel workbook (.xlsx) or another ZIP archive' },
  { bytes: [0x50, 0x4b, 0x05, 0x06], looksLike: 'an empty ZIP archive' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], looksLike: 'an old Excel workbook (.xls) or a password-protected one' },
  { bytes: [0x1f, 0x8b], looksLike: 'a gzip-compressed file (.gz)' },
  { bytes: [0x25, 0x50, 0x44, 0x46], looksLike: 'a PDF document' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], looksLike: 'a 7-Zip archive (.7z)' },
  { bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], looksLike: 'a RAR archive (.rar)' },
];

/** Byte order marks of encodings we do not read. UTF-32 LE must be tried before UTF-16 LE. */
const FOREIGN_BOMS: readonly { bytes: readonly number[]; encoding: string }[] = [
  { bytes: [0xff, 0xfe, 0x00, 0x00], encoding: 'UTF-32 (little-endian)' },
  { bytes: [0x00, 0x00, 0xfe, 0xff], encoding: 'UTF-32 (big-endian)' },
  { bytes: [0xff, 0xfe], encoding: 'UTF-16 (little-endian), what Excel calls "Unicode Text"' },
  { bytes: [0xfe, 0xff], encoding: 'UTF-16 (big-endian)' },
];

const startsWith = (buf: Uint8Array, sig: readonly number[]): boolean =>
  buf.length >= sig.length && sig.every((b, i) => buf[i] === b);

/**
 * Looks at the first bytes of the file for things that are no CSV we can read: a binary format
 * with a `.csv` name, or a UTF-16/UTF-32 text. Returns the refusal to throw, if any, and whether
 * the file starts with a UTF-8 byte order mark (which the caller strips).
 */
export function detectBinaryOrEncoding(firstBytes: Buffer): { refusal: RunRefused | undefined; utf8Bom: boolean } {
  for (const { bytes, looksLike } of SIGNATURES) {
    if (startsWith(firstBytes, bytes)) {
      return { refusal: new RunRefused('NOT_A_CSV', `The file is not a CSV: it looks like ${looksLike}. ${SAVE_AS}`, { line: 1 }), utf8Bom: false };
    }
  }
  for (const { bytes, encoding } of FOREIGN_BOMS) {
    if (startsWith(firstBytes, bytes)) {
      return {
        refusal: new RunRefused('UNSUPPORTED_ENCODING', `The file is ${encoding}; only UTF-8 is read. ${SAVE_AS}`, { line: 1 }),
        utf8Bom: false,
      };
    }
  }
  // UTF-16 without a BOM: plain text then has a NUL in every other byte. A lone NUL in a UTF-8
  // file is left to the row checks (control character), hence a share, not "any NUL".
  const sample = firstBytes.subarray(0, 4096);
  const nuls = sample.reduce((n, b) => (b === 0 ? n + 1 : n), 0);
  if (sample.length >= 2 && nuls * 4 >= sample.length) {
    return {
      refusal: new RunRefused(
        'UNSUPPORTED_ENCODING',
        `The file looks like UTF-16 or UTF-32 text without a byte order mark (${nuls} of its first ${sample.length} bytes are NUL); only UTF-8 is read. ${SAVE_AS}`,
        { line: 1 },
      ),
      utf8Bom: false,
    };
  }
  return { refusal: undefined, utf8Bom: startsWith(firstBytes, [0xef, 0xbb, 0xbf]) };
}

/**
 * Excel's `sep=;` first line names the delimiter. Returns it and the length of that line with its
 * line break, or undefined when the text does not start with such a line.
 */
export function parseSepHint(text: string): { delimiter: Delimiter; length: number } | undefined {
  const match = /^sep=([,;\t])(\r\n|\n|\r|$)/i.exec(text);
  return match ? { delimiter: match[1] as Delimiter, length: match[0].length } : undefined;
}

/**
 * The first line of `text` with anything besides whitespace and delimiters (the header), its
 * 0-based line index, and whether its end was seen. Line breaks inside quotes do not end it.
 */
export function findHeaderLine(text: string): { text: string; index: number; complete: boolean } | undefined {
  let index = 0;
  let start = 0;
  let quoted = false;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    if (i < text.length && (quoted || (c !== '\n' && c !== '\r'))) continue;
    const line = text.slice(start, i);
    if (!/^[\s,;"]*$/.test(line)) return { text: line, index, complete: i < text.length };
    if (i === text.length) return undefined;
    if (c === '\r' && text[i + 1] === '\n') i++;
    index++;
    start = i + 1;
  }
  return undefined;
}

/**
 * Picks the delimiter from the header line alone: the most frequent of `,` `;` and tab outside
 * quotes. A one-column header has none of them and reads as `,`. A tie between the most frequent
 * is refused rather than guessed, since `Achternaam, Voornaam;...` would split either way.
 */
export function sniffDelimiter(headerLine: string, line = 1): Delimiter {
  const counts: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const c of headerLine) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === ',' || c === ';' || c === '\t')) counts[c]++;
  }
  const ranked = (Object.entries(counts) as [Delimiter, number][]).sort((a, b) => b[1] - a[1]);
  const [first, second] = ranked as [[Delimiter, number], [Delimiter, number]];
  if (first[1] === 0) return ',';
  if (first[1] === second[1]) {
    const name = (d: Delimiter): string => (d === '\t' ? 'tabs' : `"${d}"`);
    const flag = (d: Delimiter): string => (d === '\t' ? "--delimiter '\\t'" : `--delimiter '${d}'`);
    throw new RunRefused(
      'AMBIGUOUS_DELIMITER',
      `The header on line ${line} has as many ${name(first[0])} as ${name(second[0])} (${first[1]} each), so the delimiter cannot be told. ` +
        `Pass ${flag(first[0])} or ${flag(second[0])}.`,
      { line },
    );
  }
  return first[0];
}

/** What the first bytes of an input tell. */
export interface InputStart {
  /** The chunks read so far, as they came: the later stages must see the same chunk boundaries. */
  chunks: Uint8Array[];
  /** The source had nothing more to give. */
  ended: boolean;
  hadBom: boolean;
  /** Bytes to drop before parsing: the UTF-8 BOM and a `sep=` line. */
  skip: number;
  /** 1 when a `sep=` line is dropped, so that line numbers stay physical. */
  lineOffset: number;
  delimiter: Delimiter;
}

/**
 * Reads the start of the input (64 KiB, or up to the end of the header line when that is longer,
 * but at most `maxHeaderBytes` more) and decides: refuse it, or which delimiter and how many bytes
 * of BOM and `sep=` line to skip. `delimiter` (from --delimiter) beats `sep=`, which beats sniffing.
 * On a refusal the source is closed.
 */
export async function sniffStart(
  source: AsyncIterator<Uint8Array>,
  options: { delimiter?: Delimiter | undefined; maxHeaderBytes: number },
): Promise<InputStart> {
  const chunks: Uint8Array[] = [];
  let ended = false;
  let size = 0;
  const pull = async (): Promise<void> => {
    const step = await source.next();
    if (step.done === true) ended = true;
    else {
      chunks.push(step.value);
      size += step.value.byteLength;
    }
  };
  while (!ended && size < PRELUDE_BYTES) await pull();
  let first = Buffer.concat(chunks);
  // Decoding leniently is enough here: only ASCII is counted, and the decode stage refuses bad bytes.
  while (!ended && size < PRELUDE_BYTES + options.maxHeaderBytes && !findHeaderLine(first.toString('utf8'))?.complete) {
    await pull();
    if (!ended) first = Buffer.concat([first, chunks.at(-1)!]);
  }
  try {
    const { refusal, utf8Bom } = detectBinaryOrEncoding(first);
    if (refusal !== undefined) throw refusal;
    const text = first.subarray(utf8Bom ? 3 : 0).toString('utf8');
    const sep = parseSepHint(text);
    const lineOffset = sep === undefined ? 0 : 1;
    const header = findHeaderLine(text.slice(sep?.length ?? 0));
    const delimiter =
      options.delimiter ??
      sep?.delimiter ??
      (header === undefined ? ',' : sniffDelimiter(header.text, lineOffset + header.index + 1));
    return { chunks, ended, hadBom: utf8Bom, skip: (utf8Bom ? 3 : 0) + (sep?.length ?? 0), lineOffset, delimiter };
  } catch (error) {
    await source.return?.();
    throw error;
  }
}

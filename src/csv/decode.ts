import { RunRefused } from '../domain/codes.js';

/**
 * The decode stage: bytes in, text out. It refuses anything that is not UTF-8 (never a silent
 * U+FFFD) and turns every `\r\n` and lone `\r` into `\n`, so csv-parse can run with the single
 * record delimiter `\n`. (With auto-detected or listed delimiters csv-parse miscounts lines when a
 * quoted field holds CRLF, and a CRLF split across two chunks goes wrong.)
 */
export interface DecodeOptions {
  /** Physical line of the first byte given to the stage (2 when a `sep=` line was skipped). */
  firstLine?: number;
  /** File offset of the first byte given to the stage (3 after a UTF-8 BOM). */
  firstByte?: number;
}

export class Utf8Normaliser {
  // ignoreBOM keeps a stray U+FFFE/FEFF as a character: the caller strips the real BOM itself.
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private pendingCr = false;
  /** Line breaks already emitted, for naming the line of a bad byte. */
  private breaks = 0;
  private readonly firstLine: number;
  /** File offset of the next byte to arrive. */
  private offset: number;
  /** The last bytes of the previous chunk that did not yet form a whole character. */
  private tail: Uint8Array = new Uint8Array(0);

  constructor(options: DecodeOptions = {}) {
    this.firstLine = options.firstLine ?? 1;
    this.offset = options.firstByte ?? 0;
  }

  /** Decodes one chunk; returns the normalised text that is complete so far. */
  write(chunk: Uint8Array): string {
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      throw this.refusal(chunk, false);
    }
    const out = this.normalise(text, false);
    this.tail = incompleteTail(this.tail, chunk);
    this.offset += chunk.length;
    return out;
  }

  /** Flushes the end of input: a character cut off at the end of the file is an error too. */
  end(): string {
    let text: string;
    try {
      text = this.decoder.decode();
    } catch {
      throw this.refusal(new Uint8Array(0), true);
    }
    return this.normalise(text, true);
  }

  private normalise(decoded: string, final: boolean): string {
    let text = this.pendingCr ? `\r${decoded}` : decoded;
    this.pendingCr = false;
    // A `\r` at the end of a chunk may be the first half of `\r\n`: wait for the next chunk.
    if (!final && text.endsWith('\r')) {
      text = text.slice(0, -1);
      this.pendingCr = true;
    }
    if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
    this.breaks += countChar(text, '\n');
    return text;
  }

  /** Builds INVALID_ENCODING for the first bad byte of the held tail plus this chunk. */
  private refusal(chunk: Uint8Array, final: boolean): RunRefused {
    const bytes = Buffer.concat([this.tail, chunk]);
    let bad = firstInvalidUtf8(bytes, final);
    if (bad < 0) bad = Math.max(0, bytes.length - 1); // not expected: TextDecoder and we disagree
    const before = bytes.subarray(0, bad).toString('utf8');
    const line =
      this.firstLine + this.breaks + (this.pendingCr ? 1 : 0) + countBreaks(before, this.pendingCr);
    const offset = this.offset - this.tail.length + bad;
    const byte = bytes[bad] ?? 0;
    const hex = `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    return new RunRefused(
      'INVALID_ENCODING',
      `Line ${line} (byte offset ${offset}) has a byte that is not UTF-8: ${hex}${asWindows1252(byte)}. ` +
        'The file was probably saved as Excel\'s "CSV (Comma delimited)" or in another code page. ' +
        'Save it again as "CSV UTF-8" and retry.',
      { line },
    );
  }
}

/** The decode stage over a byte source: normalised UTF-8 text, chunk by chunk. */
export async function* decodeChunks(bytes: AsyncIterable<Uint8Array>, options: DecodeOptions = {}): AsyncGenerator<string> {
  const normaliser = new Utf8Normaliser(options);
  for await (const chunk of bytes) {
    const text = normaliser.write(chunk);
    if (text.length > 0) yield text;
  }
  const last = normaliser.end();
  if (last.length > 0) yield last;
}

/**
 * Index of the first byte that starts an invalid UTF-8 sequence (WHATWG rules: no overlong forms,
 * no surrogates, nothing above U+10FFFF), or -1. A sequence cut off by the end of `bytes` is only
 * invalid when `final`.
 */
export function firstInvalidUtf8(bytes: Uint8Array, final = true): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    let more: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) more = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      more = 2;
      if (lead === 0xe0) lo = 0xa0;
      if (lead === 0xed) hi = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      more = 3;
      if (lead === 0xf0) lo = 0x90;
      if (lead === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= more; k++) {
      if (i + k >= bytes.length) return final ? i : -1;
      const next = bytes[i + k]!;
      if (next < lo || next > hi) return i;
      lo = 0x80;
      hi = 0xbf;
    }
    i += more + 1;
  }
  return -1;
}

/** The bytes at the end of `prev + chunk` that start a character not yet complete (at most 3). */
function incompleteTail(prev: Uint8Array, chunk: Uint8Array): Uint8Array {
  const bytes = chunk.length >= 3 ? chunk : Buffer.concat([prev, chunk]);
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back]!;
    if (b < 0x80) return new Uint8Array(0);
    if (b >= 0xc0) {
      const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return size > back ? bytes.slice(bytes.length - back) : new Uint8Array(0);
    }
  }
  return new Uint8Array(0);
}

/** How a stray byte reads in Windows-1252, the usual culprit, as a hint: ` ("é" in Windows-1252)`. */
function asWindows1252(byte: number): string {
  try {
    const char = new TextDecoder('windows-1252').decode(Uint8Array.of(byte));
    return /\p{L}|\p{S}|\p{P}/u.test(char) ? ` ("${char}" in Windows-1252)` : '';
  } catch {
    return ''; // a Node built without ICU knows no Windows-1252 decoder
  }
}

function countChar(text: string, char: string): number {
  let count = 0;
  for (let at = text.indexOf(char); at !== -1; at = text.indexOf(char, at + 1)) count++;
  return count;
}

/** Line breaks in raw text: `\r\n`, `\r` and `\n` each count once (`afterCr`: a `\r` came just before). */
function countBreaks(text: string, afterCr: boolean): number {
  const normalised = (afterCr ? text.replace(/^\n/, '') : text).replace(/\r\n?/g, '\n');
  return countChar(normalised, '\n');
}

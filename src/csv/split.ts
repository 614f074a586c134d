/**
 * The fast path of the CSV reader: splits normalised text (every line break already `\n`) into
 * records, for the input it can vouch for, and stops at the first record it cannot.
 *
 * It gives exactly what csv-parse gives with the reader's options (one-character delimiter,
 * `"` quotes doubled inside quoted values, `\n` records, empty lines skipped, ragged rows kept)
 * on well-formed records. Anything else (a quote inside an unquoted value, text after a closing
 * quote, a quote never closed, a record near the size limit) is `unsure`: the reader then hands
 * the text from that record on to csv-parse, which reads it or words the error as it always
 * did. csv-parse stays the reference; this only skips its per-character state machine, which
 * costs about three times as much on ordinary rows (BENCHMARKS.md).
 */

const QUOTE = 34; // "
const NEWLINE = 10; // \n

export interface SplitRecord {
  /** Physical line where the record starts, counted like the reader counts them. */
  line: number;
  cells: string[];
}

/** `more`: the text ends inside (or before) the next record; `unsure`: csv-parse must judge it; `end`: nothing left. */
export type SplitStep = SplitRecord | 'more' | 'unsure' | 'end';

export class RecordSplitter {
  private text = '';
  private pos = 0;
  /** Physical line of the next record (or blank line) in `text`. */
  private line: number;
  /** Empty lines passed so far (csv-parse's `info.empty_lines`). */
  emptyLines = 0;
  private readonly delimiter: number;

  constructor(delimiter: string, private readonly maxRecordBytes: number, firstLine: number) {
    this.delimiter = delimiter.charCodeAt(0);
    this.line = firstLine;
  }

  /** Adds text after what was pushed before. */
  push(chunk: string): void {
    this.text = this.pos < this.text.length ? this.text.slice(this.pos) + chunk : chunk;
    this.pos = 0;
  }

  /** The text from the first record not yet returned, and the line it starts on. */
  rest(): { text: string; line: number } {
    return { text: this.text.slice(this.pos), line: this.line };
  }

  /** The next record. `final` says no more text will be pushed. */
  next(final: boolean): SplitStep {
    const t = this.text;
    const n = t.length;
    let p = this.pos;
    while (p < n && t.charCodeAt(p) === NEWLINE) {
      p++;
      this.line++;
      this.emptyLines++;
    }
    this.pos = p;
    if (p === n) return final ? 'end' : 'more';

    const start = p;
    const delimiter = this.delimiter;
    const cells: string[] = [];
    let breaks = 0;
    for (;;) {
      if (p < n && t.charCodeAt(p) === QUOTE) {
        let value = '';
        let from = p + 1;
        for (;;) {
          const close = t.indexOf('"', from);
          if (close < 0) return this.incomplete(final, start);
          if (close + 1 === n && !final) return this.incomplete(final, start);
          if (close + 1 < n && t.charCodeAt(close + 1) === QUOTE) {
            value += t.slice(from, close + 1);
            from = close + 2;
            continue;
          }
          value += t.slice(from, close);
          p = close + 1;
          break;
        }
        if (p < n && t.charCodeAt(p) !== delimiter && t.charCodeAt(p) !== NEWLINE) return 'unsure';
        breaks += countBreaks(value);
        cells.push(value);
      } else {
        let q = p;
        for (; q < n; q++) {
          const c = t.charCodeAt(q);
          if (c === delimiter || c === NEWLINE) break;
          if (c === QUOTE) return 'unsure';
        }
        if (q === n && !final) return this.incomplete(final, start);
        cells.push(t.slice(p, q));
        p = q;
      }
      if (p < n && t.charCodeAt(p) === delimiter) {
        p++;
        continue;
      }
      break; // at a line break or the end of the text
    }
    if (p - start > this.maxRecordBytes / 3 && Buffer.byteLength(t.slice(start, p)) > this.maxRecordBytes) return 'unsure';
    const record = { line: this.line, cells };
    this.line += breaks + 1;
    this.pos = p < n ? p + 1 : p;
    return record;
  }

  /** The text ends inside a record: wait for more, unless it already outgrew the limit or cannot end. */
  private incomplete(final: boolean, start: number): SplitStep {
    if (final || this.text.length - start > this.maxRecordBytes / 3) return 'unsure';
    return 'more';
  }
}

function countBreaks(value: string): number {
  let count = 0;
  for (let at = value.indexOf('\n'); at >= 0; at = value.indexOf('\n', at + 1)) count++;
  return count;
}

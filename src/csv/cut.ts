import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { open } from 'node:fs/promises';

/**
 * Where a CSV file can be cut in two, so two reader threads can each read one part: the first
 * record boundary at or after a target byte, found by a quote-parity scan.
 *
 * In a CSV that can be read at all, every `"` opens or closes a quoted value or is one of a
 * doubled pair inside one, so a line break after an even number of quotes ends a record. A
 * file whose quotes are wrong makes the scan guess wrong; that is why the reader of the first
 * part must end cleanly exactly at the cut (read-rows.ts), or the file is read again by one
 * reader: the guess only decides where to try, never what a line says.
 */
export interface Cut {
  /** Byte offset of the first byte of the second part (just after a `\n`). */
  byte: number;
  /** Physical line the second part starts on (the header is line 1), counted as the reader counts: `\r\n`, `\r` and `\n` each end one line. */
  line: number;
  /** SHA-256 of the bytes before the cut (`sha256:` + hex), to check that the first part's reader read the same bytes. */
  firstPartHash: string;
}

export interface CutScan {
  cut: Cut | undefined;
  /** The hash of the bytes before the cut, still open: the second part's bytes continue it to the whole file's hash. */
  hash: Hash;
}

const QUOTE = 34;
const NEWLINE = 10;
const RETURN = 13;
const CHUNK = 1024 * 1024;

/**
 * Scans `path` from its start to the first record boundary at or after `target` (and at most
 * `searchBytes` after it), hashing what it reads. No cut when there is none in reach (a file of
 * old Mac line ends, a huge quoted value) or the cut would leave the second part empty.
 */
export async function findCut(path: string, target: number, searchBytes: number): Promise<CutScan> {
  const hash = createHash('sha256');
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    let offset = 0;
    let quotes = 0;
    let breaks = 0;
    /** The previous chunk ended with `\r`: a `\n` first in this chunk belongs to it. */
    let pendingReturn = false;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, offset);
      if (bytesRead === 0) return { cut: undefined, hash };
      const bytes = buffer.subarray(0, bytesRead);
      // Before the target only the counts matter: indexOf runs far faster than a loop over bytes.
      const fastEnd = Math.max(0, Math.min(bytesRead, target - offset));
      let i = 0;
      if (fastEnd > 0) {
        for (let at = bytes.indexOf(QUOTE); at >= 0 && at < fastEnd; at = bytes.indexOf(QUOTE, at + 1)) quotes++;
        for (let at = bytes.indexOf(NEWLINE); at >= 0 && at < fastEnd; at = bytes.indexOf(NEWLINE, at + 1)) if (!(at === 0 && pendingReturn)) breaks++;
        // A lone `\r` ends a line too; `\r\n` was counted at its `\n`.
        for (let at = bytes.indexOf(RETURN); at >= 0 && at < fastEnd; at = bytes.indexOf(RETURN, at + 1)) {
          if (at + 1 < bytesRead ? bytes[at + 1] !== NEWLINE : true) breaks++;
        }
        // A `\r` last in the chunk was counted as lone; if the next chunk starts with `\n`, that `\n` is not counted.
        pendingReturn = fastEnd === bytesRead && bytes[bytesRead - 1] === RETURN;
        i = fastEnd;
      }
      for (; i < bytesRead; i++) {
        const byte = bytes[i]!;
        if (byte === QUOTE) quotes++;
        else if (byte === NEWLINE) {
          if (!(i === 0 && pendingReturn)) breaks++;
          if (quotes % 2 === 0) {
            const byte = offset + i + 1;
            if (byte > target + searchBytes) return { cut: undefined, hash };
            hash.update(bytes.subarray(0, i + 1));
            const firstPartHash = `sha256:${hash.copy().digest('hex')}`;
            const size = (await handle.stat()).size;
            return { cut: byte < size ? { byte, line: breaks + 1, firstPartHash } : undefined, hash };
          }
        } else if (byte === RETURN && (i + 1 < bytesRead ? bytes[i + 1] !== NEWLINE : true)) breaks++;
        pendingReturn = false;
      }
      pendingReturn = bytes[bytesRead - 1] === RETURN;
      hash.update(bytes);
      offset += bytesRead;
      if (offset > target + searchBytes) return { cut: undefined, hash };
    }
  } finally {
    await handle.close();
  }
}

import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decodeChunks, firstInvalidUtf8, Utf8Normaliser } from '../../src/csv/decode.js';

/** Runs `chunks` through a fresh normaliser and returns the text, or the refusal. */
function decode(chunks: Buffer[], options?: { firstLine?: number; firstByte?: number }): string | { code: string; line: number | undefined; message: string } {
  const normaliser = new Utf8Normaliser(options);
  try {
    return chunks.map((c) => normaliser.write(c)).join('') + normaliser.end();
  } catch (error) {
    const { code, line, message } = error as { code: string; line: number | undefined; message: string };
    return { code, line, message };
  }
}

const bytesOf = (text: string): Buffer[] => [...Buffer.from(text)].map((b) => Buffer.from([b]));

describe('Utf8Normaliser', () => {
  it('turns CRLF and lone CR into LF, also when CRLF is split across chunks', () => {
    const text = 'a\r\nb\rc\n\r\r\nd\r';
    expect(decode([Buffer.from(text)])).toBe('a\nb\nc\n\n\nd\n');
    expect(decode(bytesOf(text))).toBe('a\nb\nc\n\n\nd\n');
    expect(decode([Buffer.from('a\r'), Buffer.from('\nb')])).toBe('a\nb');
    expect(decode([Buffer.from('a\r'), Buffer.from(''), Buffer.from('\nb')])).toBe('a\nb');
  });

  it('joins multi-byte characters split across chunks', () => {
    expect(decode(bytesOf('Zoë, 東京, 🎉'))).toBe('Zoë, 東京, 🎉');
  });

  it('keeps a U+FEFF that is not the leading BOM (the caller strips that one)', () => {
    expect(decode([Buffer.from('\uFEFFa')])).toBe('\uFEFFa');
  });

  it('refuses a bad byte with its line and file offset, counting CR, LF and CRLF once each', () => {
    const bytes = Buffer.concat([Buffer.from('a\r\nb\rc\n'), Buffer.from([0x80])]);
    const expected = { code: 'INVALID_ENCODING', line: 4 };
    expect(decode([bytes])).toMatchObject({ ...expected, message: expect.stringMatching(/^Line 4 \(byte offset 7\)/) });
    expect(decode([...bytes].map((b) => Buffer.from([b])))).toMatchObject({ ...expected, message: expect.stringMatching(/byte offset 7/) });
  });

  it('refuses a bad byte right after a CR held back at a chunk end', () => {
    expect(decode([Buffer.from('a\r'), Buffer.from([0xff])])).toMatchObject({ line: 2, message: expect.stringMatching(/^Line 2 \(byte offset 2\)/) });
  });

  it('points at the lead byte of a sequence broken across chunks', () => {
    // "é" in Windows-1252 (0xE9) looks like the start of a 3-byte sequence until the next byte.
    expect(decode([Buffer.from('ab\xe9', 'latin1'), Buffer.from('cd')])).toMatchObject({ message: expect.stringContaining('byte offset 2) has a byte that is not UTF-8: 0xE9') });
  });

  it('refuses a character cut off by the end of the file', () => {
    expect(decode([Buffer.from([0x61, 0x0a, 0xe2, 0x82])])).toMatchObject({ code: 'INVALID_ENCODING', line: 2, message: expect.stringContaining('byte offset 2') });
  });

  it('adds the offsets of what the caller skipped (BOM, sep= line)', () => {
    expect(decode([Buffer.from([0x61, 0xc0])], { firstLine: 2, firstByte: 9 })).toMatchObject({ line: 2, message: expect.stringContaining('byte offset 10') });
  });

  it('works as a stage over a byte source', async () => {
    const out: string[] = [];
    for await (const text of decodeChunks(Readable.from([Buffer.from('a\r'), Buffer.from('\nb\xc3', 'latin1'), Buffer.from([0xa9])]))) out.push(text);
    expect(out.join('')).toBe('a\nbé');
  });
});

describe('firstInvalidUtf8', () => {
  it('agrees with a fatal TextDecoder on random byte strings', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256;
    const interesting = [0x00, 0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xa0, 0xed, 0x9f, 0xef, 0xf0, 0x90, 0xf4, 0x8f, 0xf5, 0xff];
    for (let n = 0; n < 20000; n++) {
      const bytes = Uint8Array.from({ length: 1 + (next() % 6) }, () => (next() % 2 ? next() : interesting[next() % interesting.length]!));
      let valid = true;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        valid = false;
      }
      expect(firstInvalidUtf8(bytes) === -1, `bytes ${Buffer.from(bytes).toString('hex')}`).toBe(valid);
    }
  });

  it('finds the first bad byte, and leaves a cut-off end alone unless final', () => {
    expect(firstInvalidUtf8(Buffer.from('abc'))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // a UTF-16 surrogate
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc1, 0x81]))).toBe(1); // overlong "A"
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xf0, 0x9f]), false)).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xf0, 0x9f]), true)).toBe(1);
  });
});

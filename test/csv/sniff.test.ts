import { describe, expect, it } from 'vitest';
import { detectBinaryOrEncoding, findHeaderLine, parseSepHint, sniffDelimiter } from '../../src/csv/sniff.js';

describe('sniffDelimiter', () => {
  it('picks the most frequent of comma, semicolon and tab outside quotes', () => {
    expect(sniffDelimiter('a,b,c')).toBe(',');
    expect(sniffDelimiter('a;b;c,d')).toBe(';');
    expect(sniffDelimiter('a\tb\tc;d')).toBe('\t');
    // The commas sit inside a quoted header, so they do not count.
    expect(sniffDelimiter('"Call on Webex (1:1 call, non-PSTN)";"Last, First";x')).toBe(';');
  });

  it('reads a one-column header as comma-separated', () => {
    expect(sniffDelimiter('User ID/Email (Required)')).toBe(',');
  });

  it('refuses a tie between the most frequent, suggesting --delimiter', () => {
    expect(() => sniffDelimiter('a;b,c', 3)).toThrow(
      expect.objectContaining({ code: 'AMBIGUOUS_DELIMITER', line: 3, message: expect.stringContaining("--delimiter ',' or --delimiter ';'") }),
    );
    expect(() => sniffDelimiter('a\tb;c;d\te')).toThrow(expect.objectContaining({ message: expect.stringContaining("--delimiter '\\t'") }));
    expect(sniffDelimiter('a;b;c,d\te')).toBe(';'); // a tie below the winner does not matter
  });
});

describe('findHeaderLine and parseSepHint', () => {
  it('skips blank and delimiter-only lines, and keeps quoted line breaks inside the header', () => {
    expect(findHeaderLine('\r\n ,, \n"a\nb",c\nd')).toEqual({ text: '"a\nb",c', index: 2, complete: true });
    expect(findHeaderLine('a,b')).toEqual({ text: 'a,b', index: 0, complete: false });
    expect(findHeaderLine('\n  \n')).toBeUndefined();
  });

  it("recognises Excel's sep= line with any line ending, and only for our delimiters", () => {
    expect(parseSepHint('sep=;\r\na;b')).toEqual({ delimiter: ';', length: 7 });
    expect(parseSepHint('SEP=\t\na')).toEqual({ delimiter: '\t', length: 6 });
    expect(parseSepHint('sep=|\na|b')).toBeUndefined();
    expect(parseSepHint('separator,b')).toBeUndefined();
  });
});

describe('detectBinaryOrEncoding', () => {
  it('notes a UTF-8 BOM and passes plain text', () => {
    expect(detectBinaryOrEncoding(Buffer.from('\uFEFFa,b'))).toEqual({ refusal: undefined, utf8Bom: true });
    expect(detectBinaryOrEncoding(Buffer.from('a,b'))).toEqual({ refusal: undefined, utf8Bom: false });
    expect(detectBinaryOrEncoding(Buffer.alloc(0))).toEqual({ refusal: undefined, utf8Bom: false });
  });

  it('leaves a stray NUL in UTF-8 data to the row checks, but refuses NUL-heavy text as UTF-16', () => {
    expect(detectBinaryOrEncoding(Buffer.from('User ID/Email (Required)\nanna@x.nl\0\n')).refusal).toBeUndefined();
    expect(detectBinaryOrEncoding(Buffer.from('User ID/Email (Required)\n', 'utf16le').swap16()).refusal).toMatchObject({ code: 'UNSUPPORTED_ENCODING' });
  });
});

import { describe, expect, it } from 'vitest';
import { columnIndex, columnName, escapeCellText, numberText, unescapeXstring } from '../../src/xlsx/cell-text.js';
import { SharedStrings } from '../../src/xlsx/shared-strings.js';

describe('cell text', () => {
  it.each([
    ['31201234567', '31201234567'],
    ['3.1201234567E10', '31201234567'],
    ['101', '101'],
    ['1.5', '1.5'],
    ['-0.25', '-0.25'],
    ['1.5E-7', '0.00000015'],
    ['1E+21', '1000000000000000000000'],
    ['12345678901234567890', '12345678901234567168'],
  ])('number %s reads as %s', (stored, text) => expect(numberText(stored)).toBe(text));

  it('escapes what XML cannot hold and reads it back', () => {
    for (const text of ['a & b < c > d', 'tab\tline\nfeed', 'carriage\rreturn', 'nul\u0000bell\u0007', 'literal _x000D_ text', '_x005F_', 'plain']) {
      expect(unescapeXstring(escapeCellText(text).replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'))).toBe(text);
    }
    expect(escapeCellText('a\rb\u0001')).toBe('a_x000D_b_x0001_');
  });

  it('turns column letters into indexes and back', () => {
    for (const [name, index] of [['A', 0], ['Z', 25], ['AA', 26], ['XFD', 16383]] as const) {
      expect(columnIndex(`${name}12`)).toBe(index);
      expect(columnName(index)).toBe(name);
    }
  });
});

describe('shared strings on disk', () => {
  it('gives back every entry, in order and at random, past its read window and its cache', () => {
    const strings = new SharedStrings();
    const texts = Array.from({ length: 60_000 }, (_, i) => `${i % 7 === 0 ? 'Łódź '.repeat(20) : 'x'}${i}`);
    for (const t of texts) strings.add(t);
    strings.seal();
    expect(strings.length).toBe(texts.length);
    expect(texts.map((_, i) => strings.get(i))).toEqual(texts);
    let seed = 7;
    const picks = Array.from({ length: 20_000 }, () => (seed = (seed * 48271) % 2147483647) % texts.length);
    expect(picks.map((i) => strings.get(i))).toEqual(picks.map((i) => texts[i]));
    expect(strings.get(texts.length)).toBeUndefined();
    expect(strings.get(-1)).toBeUndefined();
    strings.close();
  });
});

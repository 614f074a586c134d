import { describe, expect, it } from 'vitest';
import { renderPdf, winAnsiBytes } from '../../src/provisioning/pdf.js';
import { readPdf } from '../helpers/pdf.js';

describe('PDF writer', () => {
  it('writes a well-formed PDF 1.4 whose text reads back, WinAnsi characters included', () => {
    const pdf = renderPdf(
      [
        { text: 'Order summary', style: 'title' },
        { text: 'Headquarters: Göteborg HQ, Lindholmspiren 7', indent: 1 },
        { text: 'Price: 12 € (net) \\ “quoted” – done' },
        { text: 'Emoji 😀 and 中 are not in WinAnsi' },
      ],
      { title: 'Order summary Göteborg' },
    );
    const facts = readPdf(pdf);
    expect(facts.version).toBe('1.4');
    expect(facts.pages).toBe(1);
    expect(facts.lines).toEqual([
      'Order summary',
      'Headquarters: Göteborg HQ, Lindholmspiren 7',
      'Price: 12 € (net) \\ “quoted” – done',
      'Emoji ? and ? are not in WinAnsi',
      'Page 1 of 1',
    ]);
    // The content streams stay ASCII: non-ASCII bytes are octal escapes (ö is \366 in WinAnsi).
    expect(pdf.toString('latin1')).toContain('G\\366teborg');
    expect(pdf.toString('latin1')).toContain('/Encoding /WinAnsiEncoding');
  });

  it('wraps long lines and starts new pages, numbering them', () => {
    const long = 'word '.repeat(200).trim();
    const pdf = renderPdf([...Array.from({ length: 80 }, (_, i) => ({ text: `Line ${i + 1}` })), { text: long }], { title: 'Long' });
    const facts = readPdf(pdf);
    expect(facts.pages).toBe(2);
    expect(facts.lines).toContain('Page 2 of 2');
    const wrapped = facts.lines.filter((l) => l.startsWith('word'));
    expect(wrapped.length).toBeGreaterThan(2);
    expect(wrapped.join(' ')).toBe(long);
  });

  it('maps cp1252 characters to their WinAnsi bytes and the rest to "?"', () => {
    expect(winAnsiBytes('aé€’Ω')).toEqual([0x61, 0xe9, 0x80, 0x92, 0x3f]);
  });
});

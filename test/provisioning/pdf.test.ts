import { describe, expect, it } from 'vitest';
import { printable, renderPdf } from '../../src/provisioning/pdf.js';
import { readPdf } from '../helpers/pdf.js';

/** Every letter of each alphabet a customer's name may use here, small and capital. */
const ALPHABETS = {
  polish: 'AĄBCĆDEĘFGHIJKLŁMNŃOÓPRSŚTUWYZŹŻ aąbcćdeęfghijklłmnńoóprsśtuwyzźż',
  turkish: 'ABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZ abcçdefgğhıijklmnoöprsştuüvyz',
  greek: 'ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ αβγδεζηθικλμνξοπρσςτυφχψω άέήίόύώϊϋΐΰ',
  cyrillic: 'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ абвгдеёжзийклмнопрстуфхцчшщъыьэюя ЄІЇҐєіїґЂЈЉЊЋЏђјљњћџ',
  nordicAndWestern: 'ÆØÅæøå ÄÖÜäöüß ÉÈÊËéèêë ÇçÑñ Œœ €',
};

describe('PDF writer', () => {
  it('prints names in every alphabet with an embedded font, and pdftotext reads them back', async () => {
    const lines = [
      { text: 'Order summary', style: 'title' as const },
      { text: 'Headquarters: Łódź, ul. Piotrkowska 1', indent: 1 },
      { text: 'Branch: İstanbul, Şişli', indent: 1 },
      { text: 'Branch: Αθήνα (Athens)', indent: 1 },
      { text: 'Branch: Москва, Тверская улица 7', indent: 1 },
      { text: 'Göteborg HQ “quoted” – done € 12', indent: 1 },
      ...Object.entries(ALPHABETS).map(([name, letters]) => ({ text: `${name}: ${letters}`, indent: 1 })),
    ];
    const pdf = readPdf(await renderPdf(lines, { title: 'Order summary Łódź' }));
    expect(pdf.pages).toBe(1);
    for (const line of lines) expect(pdf.flat).toContain(line.text);
    expect(pdf.flat).toContain('Page 1 of 1');
    expect(pdf.fonts.length).toBeGreaterThan(0);
    for (const font of pdf.fonts) {
      expect(font.embedded).toBe(true);
      expect(font.name).toMatch(/DejaVuSans/);
    }
  });

  it('composes decomposed text and prints "?" for what the font cannot show', async () => {
    expect(printable('I\u0307stanbul Lo\u0301dz\u0301')).toBe('İstanbul Lódź');
    expect(printable('Tokyo 東京 and 中 are not in the font')).toBe('Tokyo ?? and ? are not in the font');
    const pdf = readPdf(await renderPdf([{ text: 'I\u0307stanbul 中' }], { title: 't' }));
    expect(pdf.flat).toContain('İstanbul ?');
  });

  it('wraps long lines and starts new pages, numbering them', async () => {
    const long = 'word '.repeat(200).trim();
    const pdf = readPdf(await renderPdf([...Array.from({ length: 70 }, (_, i) => ({ text: `Line ${i + 1}` })), { text: long }], { title: 'Long' }));
    expect(pdf.pages).toBe(2);
    expect(pdf.flat).toContain('Page 1 of 2');
    expect(pdf.flat).toContain('Page 2 of 2');
    expect(pdf.flat).toContain('Line 70');
    expect(pdf.text.split('\n').filter((l) => l.startsWith('word')).length).toBeGreaterThan(2);
    expect(pdf.flat).toContain(long);
  });
});

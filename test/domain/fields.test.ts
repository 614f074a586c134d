import { describe, expect, it } from 'vitest';
import { parseBoolean, parseEmail, parseExtension, parseSite, parseText } from '../../src/domain/fields.js';

describe('parseEmail', () => {
  it('accepts ordinary, plus-addressed and upper-case addresses, trimmed', () => {
    expect(parseEmail(' anna.devries@acme.nl ')).toEqual({ ok: true, value: 'anna.devries@acme.nl' });
    expect(parseEmail('a+tag@acme.nl')).toEqual({ ok: true, value: 'a+tag@acme.nl' });
    expect(parseEmail('Anna@ACME.nl')).toEqual({ ok: true, value: 'Anna@ACME.nl' });
  });

  it.each([
    ['anna.acme.nl', 'exactly one "@", found 0'],
    ['a@b@acme.nl', 'exactly one "@", found 2'],
    [`${'x'.repeat(65)}@acme.nl`, '1 to 64 characters, found 65'],
    ['anna..b@acme.nl', 'two dots in a row'],
    ['.anna@acme.nl', 'a dot at the start or end'],
    ['John <j@acme.nl>', 'has " " (U+0020) before "@"'],
    ['anna.jänsen@acme.nl', 'has "ä" (U+00E4) before "@", which Webex does not allow there'],
    ['zoë@acme.nl', '"ë" (U+00EB)'],
    ['anna@acmé.nl', '"é" (U+00E9); Webex takes the domain in its ASCII form (xn--acm-dma.nl)'],
    ['anna\u200B@acme.nl', 'U+200B'],
    ['anna@acme', 'not a valid domain name'],
    ['anna@-acme.nl', 'not a valid domain name'],
  ])('refuses %j and says why', (input, reason) => {
    const parsed = parseEmail(input);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toContain(reason);
  });
});

describe('parseExtension', () => {
  it('keeps leading zeros: an extension is text', () => {
    expect(parseExtension('0123')).toEqual({ ok: true, value: '0123' });
    expect(parseExtension('12')).toEqual({ ok: true, value: '12' });
    expect(parseExtension('1234567890')).toEqual({ ok: true, value: '1234567890' });
  });
  it.each(['1', '12345678901', '12a', '1001.0', '1001,0', '1,001E+03', '1.001E+03', '10\u200B01'])('refuses %j', (input) => {
    expect(parseExtension(input).ok).toBe(false);
  });
  it.each(['1001.0', '1001,00', '1.001E+03', '1,001E+03'])('names the spreadsheet damage of %j, decimal point or comma', (input) => {
    const parsed = parseExtension(input);
    expect(!parsed.ok && parsed.reason).toContain('format the column as Text');
  });
  it('names a hidden character', () => {
    const parsed = parseExtension('1001\u2060');
    expect(!parsed.ok && parsed.reason).toContain('U+2060');
  });
});

describe('parseBoolean', () => {
  it.each([['TRUE', true], ['true', true], ['T', true], ['t', true], ['FALSE', false], ['false', false], ['F', false], [' f ', false]])(
    '%j is %s', (input, value) => expect(parseBoolean(input)).toEqual({ ok: true, value }),
  );
  it.each([
    ['WAAR', true], ['onwaar', false], ['SANT', true], ['FALSKT', false], ['Vero', true], ['FALSO', false], ['WAHR', true], ['FALSCH', false],
    ['VRAI', true], ['FAUX', false], ['VERDADERO', true], ['VERDADEIRO', true], ['SAND', true], ['FALSK', false], ['SANN', true], ['USANN', false],
    ['TOSI', true], ['EPÄTOSI', false], ['PRAWDA', true], ['FAŁSZ', false], ['IGAZ', true], ['HAMIS', false], ['ИСТИНА', true], ['ложь', false],
  ])('reads Excel\'s own word %j in another language as %s', (input, value) => expect(parseBoolean(input)).toEqual({ ok: true, value }));
  it.each(['yes', '1', 'ja', 'x', 'WAARR'])('refuses %j, listing what is accepted', (input) => {
    const parsed = parseBoolean(input);
    expect(!parsed.ok && parsed.reason).toContain('expected TRUE or FALSE');
  });
  it('names a hidden character rather than show a value that looks right', () => {
    const parsed = parseBoolean('TRUE\u200B');
    expect(!parsed.ok && parsed.reason).toContain('U+200B');
  });
});

describe('parseText and parseSite', () => {
  it('normalises to NFC so one name compares one way', () => {
    const decomposed = 'Jose\u0301';
    expect(parseText(decomposed, 64)).toEqual({ ok: true, value: 'José' });
  });
  it('refuses line breaks, control and bidi characters, and over-long values', () => {
    expect(parseText('a\nb', 64).ok).toBe(false);
    expect(parseText('evil\u202Egnp.exe', 64).ok).toBe(false);
    expect(parseText('x'.repeat(81), 80).ok).toBe(false);
  });
  it.each([
    ['\u2028', 'a line separator'], ['\u2029', 'a paragraph separator'], ['\u061C', 'an invisible formatting character'],
    ['\u2060', 'an invisible formatting character'], ['\u00AD', 'an invisible formatting character'], ['\u180E', 'an invisible formatting character'],
    ['\u200B', 'an invisible formatting character'], ['\uFEFF', 'an invisible formatting character'], ['\u0007', 'a control character'],
    ['\u0085', 'a control character'], ['\u{E0041}', 'an invisible formatting character'], ['\u2066', 'an invisible formatting character'],
  ])('refuses %j anywhere in a value, naming it: %s', (char, kind) => {
    for (const value of [`Anna${char}`, `${char}Anna`, `An${char}na`]) {
      const parsed = parseText(value, 64);
      expect(parsed.ok).toBe(false);
      const code = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      expect(!parsed.ok && parsed.reason).toContain(`${code}, ${kind}`);
    }
  });
  it('still trims ordinary and no-break spaces', () => {
    expect(parseText('\u00A0 Anna \u3000', 64)).toEqual({ ok: true, value: 'Anna' });
  });
  it('reduces a pasted site URL to its host', () => {
    expect(parseSite('https://Acme.webex.com/meet')).toEqual({ ok: true, value: 'acme.webex.com' });
    expect(parseSite('not a site').ok).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { parseBoolean, parseEmail, parseExtension, parsePhoneNumber, parseSite, parseText } from '../../src/domain/fields.js';

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
    ['anna..b@acme.nl', 'not allowed before "@"'],
    ['John <j@acme.nl>', 'not allowed before "@"'],
    ['anna@acme', 'not a valid domain name'],
    ['anna@-acme.nl', 'not a valid domain name'],
  ])('refuses %j and says why', (input, reason) => {
    const parsed = parseEmail(input);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toContain(reason);
  });
});

describe('parsePhoneNumber', () => {
  it('accepts E.164 and drops the punctuation Webex examples use', () => {
    expect(parsePhoneNumber('+31201234567')).toEqual({ ok: true, value: '+31201234567' });
    expect(parsePhoneNumber('+1-240-555-1212')).toEqual({ ok: true, value: '+12405551212' });
    expect(parsePhoneNumber('+1 (240) 555 1212')).toEqual({ ok: true, value: '+12405551212' });
  });

  it.each([
    ['31201234567', 'no leading "+"'],
    ['3.12012E+10', 'scientific notation'],
    ['0031201234567', 'starts with 00'],
    ['+0201234567', 'not an E.164 number'],
    ['+3120123456789012', 'not an E.164 number'],
    ['020 123 4567', 'not an E.164 number'],
  ])('refuses %j with a hint', (input, reason) => {
    const parsed = parsePhoneNumber(input);
    expect(!parsed.ok && parsed.reason).toContain(reason);
  });
});

describe('parseExtension', () => {
  it('keeps leading zeros: an extension is text', () => {
    expect(parseExtension('0123')).toEqual({ ok: true, value: '0123' });
    expect(parseExtension('12')).toEqual({ ok: true, value: '12' });
    expect(parseExtension('1234567890')).toEqual({ ok: true, value: '1234567890' });
  });
  it.each(['1', '12345678901', '12a', '1001.0'])('refuses %j', (input) => {
    expect(parseExtension(input).ok).toBe(false);
  });
  it('names the spreadsheet damage of 1001.0', () => {
    const parsed = parseExtension('1001.0');
    expect(!parsed.ok && parsed.reason).toContain('format the column as Text');
  });
});

describe('parseBoolean', () => {
  it.each([['TRUE', true], ['true', true], ['T', true], ['t', true], ['FALSE', false], ['false', false], ['F', false], [' f ', false]])(
    '%j is %s', (input, value) => expect(parseBoolean(input)).toEqual({ ok: true, value }),
  );
  it.each(['yes', '1', 'WAAR', 'x'])('refuses %j, listing what is accepted', (input) => {
    const parsed = parseBoolean(input);
    expect(!parsed.ok && parsed.reason).toContain('expected TRUE or FALSE');
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
  it('reduces a pasted site URL to its host', () => {
    expect(parseSite('https://Acme.webex.com/meet')).toEqual({ ok: true, value: 'acme.webex.com' });
    expect(parseSite('not a site').ok).toBe(false);
  });
});

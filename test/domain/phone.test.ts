import { createRequire } from 'node:module';
import type * as PhoneLibrary from 'libphonenumber-js/max';
import { describe, expect, it, vi } from 'vitest';
import { countryOfNumber, isPending, readPhoneNumber } from '../../src/domain/phone.js';

const value = (raw: string, region?: string): string => {
  const read = readPhoneNumber(raw, region);
  if (!read.ok) throw new Error(`refused ${raw}: ${read.reason}`);
  return read.value;
};
const reason = (raw: string, region?: string): string => {
  const read = readPhoneNumber(raw, region);
  if (read.ok) throw new Error(`accepted ${raw} as ${read.value}`);
  return read.reason;
};

describe('readPhoneNumber: E.164 out, whatever way a person wrote it', () => {
  it('reads international forms without a region, punctuation and the (0) trunk prefix dropped', () => {
    expect(value('+31201234567')).toBe('+31201234567');
    expect(value('+1-240-555-1212')).toBe('+12405551212');
    expect(value('+1 (240) 555 1212')).toBe('+12405551212');
    // The example: the (0) trunk prefix made a wrong number +310201110104 before.
    expect(value('+31 (0)20 111 0104', 'NL')).toBe('+31201110104');
    expect(value('+44 (0)20 7946 0958')).toBe('+442079460958');
    expect(value('+49 (0)30 901820')).toBe('+4930901820');
  });

  it('reads national forms in the location country', () => {
    expect(value('020 123 4567', 'NL')).toBe('+31201234567');
    expect(value('0201110105', 'NL')).toBe('+31201110105');
    expect(value('030 901820', 'DE')).toBe('+4930901820');
    expect(value('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(value('031-300 01 00', 'SE')).toBe('+46313000100');
    expect(value('(240) 555-1212', 'US')).toBe('+12405551212');
    expect(value('1 240 555 1212', 'US')).toBe('+12405551212');
    // Italy keeps the 0 after the country code.
    expect(value('02 1234 5678', 'IT')).toBe('+390212345678');
    expect(value('01 23 45 67 89', 'FR')).toBe('+33123456789');
  });

  it('reads the international prefix of the location country', () => {
    expect(value('0031 20 111 0101', 'NL')).toBe('+31201110101');
    expect(value('011 31 20 111 0101', 'US')).toBe('+31201110101');
  });

  it('keeps a national number as digits until the location is known', () => {
    expect(value('020 111 0105')).toBe('0201110105');
    expect(isPending('0201110105')).toBe(true);
    expect(isPending('+31201110105')).toBe(false);
    expect(value('0201110105', 'NL')).toBe('+31201110105');
  });
});

describe('readPhoneNumber: refusals that say what to write', () => {
  it('a lost "+" is hinted as +digits when the digits start with a country code', () => {
    const text = reason('31201110101', 'NL');
    expect(text).toContain('has no "+"');
    expect(text).toContain('+31201110101');
    expect(reason('46313000100', 'SE')).toContain('+46313000100');
  });

  it('a number that lost its 0 and its +: the national reading, not Egypt', () => {
    // The example: "201110106" was hinted as +201110106 (Egypt).
    const text = reason('201110106', 'NL');
    expect(text).toContain('020 111 0106');
    expect(text).toContain('+31201110106');
    expect(text).not.toContain('+201110106 ');
  });

  it('scientific notation with a decimal point or a decimal comma, and reformatted decimals', () => {
    expect(reason('3.12012E+10', 'NL')).toContain('scientific notation');
    expect(reason('3,12012E+10', 'NL')).toContain('scientific notation');
    expect(reason('3,12E10')).toContain('scientific notation');
    expect(reason('31201234567,00')).toContain('reformatted');
  });

  it('impossible lengths, numbers outside the plan and unassigned country codes', () => {
    expect(reason('+3120111010')).toMatch(/not a valid number in Netherlands \(NL\)/);
    expect(reason('+3120')).toMatch(/too short/);
    expect(reason('+312011101011')).toMatch(/not a valid number in Netherlands/);
    expect(reason('+999123456')).toContain('country code no country uses');
    expect(reason('+3120123456789012')).toContain('too long');
    expect(reason('+0201234567')).toContain('country code no country uses');
    expect(reason('+31 99 123 4567')).toMatch(/not a valid number in Netherlands/);
  });

  it('an extension inside the number, letters, hidden characters', () => {
    expect(reason('+31 20 111 0101 ext 5')).toContain('Extension column');
    expect(reason('+31 20 111 0101 x5')).toContain('Extension column');
    expect(reason('+1 800 FLOWERS')).toContain('not a phone number');
    expect(reason('+31201110101\u200B')).toContain('U+200B');
    expect(reason('+3120\u2028111 0101')).toContain('U+2028');
  });

  it('digits without a region that cannot be a national number either', () => {
    expect(reason('12', 'NL')).toBeTruthy();
  });
});

describe('countryOfNumber', () => {
  it('tells the country, also where a code is shared', () => {
    expect(countryOfNumber('+31201234567', 'NL')).toBe('NL');
    expect(countryOfNumber('+46313000100', 'NL')).toBe('SE');
    expect(countryOfNumber('+16135550123', 'US')).toBe('CA');
    expect(countryOfNumber('+12405551212', 'US')).toBe('US');
    expect(countryOfNumber('+80012345678')).toBeUndefined();
  });
});

describe('readPhoneNumber: numbers already in E.164', () => {
  const load = createRequire(import.meta.url);
  const library = load('libphonenumber-js/max') as typeof PhoneLibrary;

  it('are read without parsing text (the fast path is taken)', () => {
    const parse = vi.spyOn(library, 'parsePhoneNumberWithError');
    try {
      expect(value('+31201234567')).toBe('+31201234567');
      expect(value('+12405551212', 'NL')).toBe('+12405551212');
      expect(parse).not.toHaveBeenCalled();
      // A trunk 0 after the country code is no valid E.164 number: it takes the full reading.
      expect(value('+310201234567')).toBe('+31201234567');
      expect(parse).toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it('read as the full reading reads them: every country, example numbers and random digits', () => {
    const examples = load('libphonenumber-js/examples.mobile.json') as Record<string, string>;
    const codes = new Set(Object.keys(examples).map((country) => library.getCountryCallingCode(country as PhoneLibrary.CountryCode)));
    let seed = 14;
    const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const candidates: string[] = [];
    for (const [country, national] of Object.entries(examples)) candidates.push(`+${library.getCountryCallingCode(country as PhoneLibrary.CountryCode)}${national}`);
    for (const code of codes) {
      for (let i = 0; i < 60; i++) {
        const length = 4 + Math.floor(random() * 10);
        candidates.push(`+${code}${Array.from({ length }, () => Math.floor(random() * 10)).join('')}`);
      }
    }
    let valid = 0;
    for (const e164 of candidates) {
      const full = (() => {
        try {
          const number = library.parsePhoneNumberWithError(e164, { extract: false });
          return number.isPossible() && number.isValid() ? number.number : undefined;
        } catch {
          return undefined;
        }
      })();
      const read = readPhoneNumber(e164);
      if (full !== undefined) {
        valid++;
        expect(read).toEqual({ ok: true, value: full });
      } else expect(read.ok).toBe(false);
    }
    expect(valid).toBeGreaterThan(300);
  });
});

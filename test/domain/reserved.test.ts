import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { EMERGENCY_PATTERNS } from '../../src/domain/emergency-numbers.js';
import { reservedExtension } from '../../src/domain/reserved.js';

describe('reservedExtension: emergency numbers per country (Webex error 4911)', () => {
  it.each([
    ['112', 'NL'], ['911', 'NL'], ['999', 'GB'], ['112', 'GB'], ['110', 'DE'], ['000', 'AU'], ['111', 'NZ'],
    ['110', 'JP'], ['119', 'JP'], ['113', 'IT'], ['118', 'IT'], ['117', 'CH'], ['144', 'CH'], ['122', 'AT'],
    ['10111', 'ZA'], ['17', 'FR'], ['18', 'FR'], ['15', 'FR'], ['190', 'BR'], ['999', 'IE'], ['911', 'CA'],
  ])('%s is refused in %s, naming the country', (extension, country) => {
    const why = reservedExtension(extension, country);
    expect(why).toContain(`${extension} is an emergency number`);
    expect(why).toContain(`(${country})`);
  });

  it('112 and 911 are refused wherever the location is, and without one', () => {
    expect(reservedExtension('911', 'SE')).toContain('every country');
    expect(reservedExtension('112', undefined)).toContain('every country');
    expect(reservedExtension('911', 'XX')).toContain('every country');
  });

  it('an emergency number of another country is an ordinary extension here', () => {
    expect(reservedExtension('999', 'NL')).toBeUndefined();
    expect(reservedExtension('110', 'GB')).toBeUndefined();
    expect(reservedExtension('000', 'NL')).toBeUndefined();
  });

  it('only whole numbers match: 1120, 0112 and 9110 are extensions', () => {
    for (const extension of ['1120', '0112', '9110', '1000', '0101', '101']) expect(reservedExtension(extension, 'NL')).toBeUndefined();
    expect(reservedExtension('9990', 'GB')).toBeUndefined();
  });

  it('the committed table is what the pinned google-libphonenumber says (run scripts/emergency-numbers.mjs after an upgrade)', async () => {
    const require = createRequire(import.meta.url);
    const { emergencyPatterns } = (await import('../../scripts/emergency-numbers.mjs')) as { emergencyPatterns(): Record<string, string> };
    expect(require('google-libphonenumber/package.json').version).toBe('3.2.47');
    expect(EMERGENCY_PATTERNS).toEqual(emergencyPatterns());
    expect(Object.keys(EMERGENCY_PATTERNS).length).toBeGreaterThan(200);
  });
});

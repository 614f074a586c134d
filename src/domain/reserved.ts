import { EMERGENCY_PATTERNS } from './emergency-numbers.js';
import { countryName } from './phone.js';

/**
 * Extensions Webex refuses: an extension "cannot be an emergency number" (Webex error
 * WXC-4911, Webex Audit Events Error Reference on developer.webex.com). Which numbers are
 * emergency numbers depends on the country of the user's location: Google's libphonenumber
 * short-number metadata lists them for 241 regions (emergency-numbers.ts). 112 and 911 are
 * refused in every country: they are the two emergency numbers ITU-T E.161.1 recommends
 * everywhere, and mobile phones treat them as emergency numbers wherever they are
 * (3GPP TS 22.101), so a Webex app dials emergency services for them in any country.
 */
const EVERYWHERE = new Set(['112', '911']);

const compiled = new Map<string, RegExp | null>();

function patternOf(country: string): RegExp | null {
  let pattern = compiled.get(country);
  if (pattern === undefined) {
    const source = EMERGENCY_PATTERNS[country];
    pattern = source === undefined ? null : new RegExp(`^(?:${source})$`);
    compiled.set(country, pattern);
  }
  return pattern;
}

/**
 * Why `extension` cannot be an extension of a user in `country` (ISO code of the location), in
 * plain words, or undefined when it can. Without a country only 112 and 911 are refused.
 */
export function reservedExtension(extension: string, country: string | undefined): string | undefined {
  const local = country === undefined ? null : patternOf(country);
  if (local?.test(extension)) {
    return `${extension} is an emergency number in ${countryName(country!)}, and Webex refuses an emergency number as an extension (Webex error 4911)`;
  }
  if (EVERYWHERE.has(extension)) {
    return `${extension} is an emergency number (112 and 911 reach emergency services from phones in every country), and Webex refuses an emergency number as an extension (Webex error 4911)`;
  }
  return undefined;
}

import { createRequire } from 'node:module';
import type * as PhoneLibrary from 'libphonenumber-js/max';
import type { CountryCode, PhoneNumber } from 'libphonenumber-js/max';
import type { Metadata, MetadataJson } from 'libphonenumber-js/core';
import { hiddenCharacter } from './characters.js';
import { clean, DECIMALS, quote, SCIENTIFIC, type Parsed } from './fields.js';

/**
 * Phone numbers, read by libphonenumber-js with its full ("max") metadata: Google's
 * libphonenumber data of every country's numbering plan. The location's country is the default
 * region, so a national number resolves (`020 123 4567` in a Dutch location is +31201234567),
 * the `(0)` trunk prefix of `+31 (0)20 ...` is dropped, and impossible lengths, numbers outside a
 * country's plan and unassigned country codes are refused. What comes out is E.164 (`+` and
 * digits, no spaces): the one form that is compared, stored and checked for duplicates.
 */

const NAMES = new Intl.DisplayNames(['en'], { type: 'region' });

const load = createRequire(import.meta.url);
let loaded: typeof PhoneLibrary | undefined;
/**
 * The library, loaded the first time a number is read: its metadata costs every command that
 * reads none (most of them) about a tenth of a second at start.
 */
function lib(): typeof PhoneLibrary {
  return (loaded ??= load('libphonenumber-js/max') as typeof PhoneLibrary);
}

/** The library's view of the same max metadata (its CommonJS entry of `max` does not export the class). */
function newMetadata(): Metadata {
  const { Metadata: MetadataClass } = load('libphonenumber-js/core') as { Metadata: new (json: MetadataJson) => Metadata };
  return new MetadataClass(maxMetadata());
}

/** "the Netherlands (NL)": a country as the messages name it. */
export function countryName(country: string): string {
  let name: string | undefined;
  try {
    name = NAMES.of(country);
  } catch {
    name = undefined;
  }
  return name && name !== country ? `${name} (${country})` : country;
}

/**
 * The cell as typed, with separators a person uses (spaces, hyphens, dots, slashes, brackets)
 * dropped; undefined when it holds anything else.
 */
function compactOf(value: string): string | undefined {
  return /^\+?[\d\s().\-/]+$/.test(value) ? value.replace(/[\s().\-/]/g, '') : undefined;
}

/**
 * Reads a Phone Number cell. `region` is the ISO country of the user's location, when known.
 *
 * - Written internationally (`+31 20 123 4567`, `+31 (0)20 ...`): read without a region.
 * - Written nationally (`020 123 4567`) or with the international prefix (`0031 20 ...`): read
 *   in `region`. Without a region the value comes back as its digits (no `+`): the planner reads
 *   it again once it knows the user's location (`isPending`).
 * - Damaged by a spreadsheet (the `+` dropped, the leading 0 dropped, scientific notation): an
 *   error whose hint is the reading that makes a valid number: `+digits` when the digits start
 *   with a country code, else the national reading in the location's country.
 */
export function readPhoneNumber(raw: string, region?: string): Parsed<string> {
  const value = clean(raw);
  const invisible = hiddenCharacter(value);
  if (invisible !== undefined) return bad(`${quote(value)} holds a character that cannot be seen (${invisible}); retype the number`);
  if (SCIENTIFIC.test(value)) {
    return bad(`${quote(value)} was turned into scientific notation by a spreadsheet, which loses digits; format the column as Text and type the number again`);
  }
  if (DECIMALS.test(value)) return bad(`${quote(value)} looks like a number a spreadsheet reformatted; format the column as Text and type the number again`);
  if (/\d\s*(?:ext\.?|x|#|;ext=)\s*\d+$/i.test(value)) {
    return bad(`${quote(value)} ends with an extension; put the extension in the Extension column and only the number here`);
  }
  const compact = compactOf(value);
  if (compact === undefined || compact === '+' || compact === '') {
    return bad(`${quote(value)} is not a phone number: write it as + and the country code, then the number (for example +31 20 123 4567)`);
  }
  if (compact.startsWith('+') && validE164(compact)) return { ok: true, value: compact };
  const country = region !== undefined && lib().isSupportedCountry(region) ? region : undefined;
  if (!compact.startsWith('+') && country === undefined) return { ok: true, value: compact };
  return readIn(value, compact, country);
}

/**
 * Whether digits after `+` are already a valid number as they stand: most cells are, and the
 * library reads them without parsing text (half the cost per row). Anything else (a trunk 0
 * after the country code, an unknown code) takes the full reading.
 */
function validE164(compact: string): boolean {
  if (compact.length < 8 || compact.length > 16) return false;
  try {
    // The class takes the metadata as its second argument (the `max` entry adds it to its
    // functions only): without it every call threw, and every number took the full reading.
    const PhoneNumberClass = lib().PhoneNumber as unknown as new (e164: string, metadata: MetadataJson) => PhoneNumber;
    return new PhoneNumberClass(compact, maxMetadata()).isValid();
  } catch {
    return false;
  }
}

let metadataJson: MetadataJson | undefined;
/** The library's max metadata as JSON (loaded once; the same object its `max` functions use). */
function maxMetadata(): MetadataJson {
  return (metadataJson ??= load('libphonenumber-js/metadata.max.json') as MetadataJson);
}

/** A value `readPhoneNumber` kept as digits because it is written without a country code. */
export function isPending(value: string): boolean {
  return !value.startsWith('+');
}

function readIn(value: string, compact: string, region: CountryCode | undefined): Parsed<string> {
  let number: PhoneNumber;
  try {
    number = lib().parsePhoneNumberWithError(value, { defaultCountry: region, extract: false });
  } catch (error) {
    return refusal(value, compact, region, error);
  }
  const problem = validity(value, number);
  if (problem !== undefined) return compact.startsWith('+') ? bad(problem) : damaged(value, compact, region!, problem);
  if (!compact.startsWith('+') && !writtenForRegion(compact, number, region!)) return damaged(value, compact, region!);
  return { ok: true, value: number.number };
}

/** Why a parsed number cannot be anyone's, or undefined when it is valid. */
function validity(value: string, number: PhoneNumber): string | undefined {
  const where = number.country ? ` in ${countryName(number.country)}` : ` for country code +${number.countryCallingCode}`;
  if (!number.isPossible()) {
    const length = lib().validatePhoneNumberLength(number.number);
    const why = length === 'TOO_SHORT' ? 'too short' : length === 'TOO_LONG' ? 'too long' : 'not a possible length';
    return `${quote(value)} is ${why} for a number${where} (${number.nationalNumber.length} digits after the country code)`;
  }
  if (!number.isValid()) return `${quote(value)} is not a valid number${where}: no number of its numbering plan starts or is written like this`;
  return undefined;
}

/**
 * Whether digits written without `+` are one of the forms a person uses in `region`: the
 * national form (`020 123 4567`), the national form with the trunk prefix where it is optional
 * (`1 240 555 1212` in the US), or the international prefix (`0031 20 ...` from the Netherlands).
 */
function writtenForRegion(compact: string, number: PhoneNumber, region: CountryCode): boolean {
  const national = number.formatNational().replace(/\D/g, '');
  if (compact === national) return true;
  const plan = newMetadata();
  plan.selectNumberingPlan(region);
  const numbering = plan.numberingPlan as unknown as { nationalPrefix?: () => string | undefined; defaultIDDPrefix(): string | undefined; IDDPrefix(): string };
  const trunk = numbering.nationalPrefix?.();
  if (trunk && compact === trunk + number.nationalNumber) return true;
  const idd = numbering.defaultIDDPrefix() ?? numbering.IDDPrefix();
  return /^\d+$/.test(idd) && compact === idd + number.countryCallingCode + number.nationalNumber;
}

/**
 * Digits without `+` that are not written as anyone writes them in the location's country:
 * what a spreadsheet leaves of a number. The hint is the reading that gives a valid number.
 */
function damaged(value: string, compact: string, region: CountryCode, problem?: string): Parsed<never> {
  const international = validReading(`+${compact}`);
  const national = validReading(compact, region);
  const readings: string[] = [];
  if (international) readings.push(`+${compact} (${international.country ? countryName(international.country) : `country code +${international.countryCallingCode}`})`);
  if (national && national.number !== international?.number) readings.push(`${national.formatNational()} in ${countryName(region)}, which is ${national.number}`);
  const lost = national && !international && !startsWithTrunk(compact, region) ? 'no "+" and no leading 0: a spreadsheet may have dropped them' : 'no "+": a spreadsheet may have dropped it';
  const what = `${quote(value)} has ${lost}`;
  if (readings.length === 0) return bad(`${problem ?? `${quote(value)} is not a valid number in ${countryName(region)}`}; write it as + and the country code, then the number`);
  const advice = readings.length === 1
    ? `it reads as ${readings[0]}; format the column as Text and write it with + and the country code`
    : `it could be ${readings.join(', or ')}; format the column as Text and write the one you mean with + and the country code`;
  return bad(`${what}; ${advice}`);
}

function startsWithTrunk(compact: string, region: CountryCode): boolean {
  const plan = newMetadata();
  plan.selectNumberingPlan(region);
  const trunk = (plan.numberingPlan as unknown as { nationalPrefix?: () => string | undefined }).nationalPrefix?.();
  return trunk !== undefined && compact.startsWith(trunk);
}

function validReading(text: string, region?: CountryCode): PhoneNumber | undefined {
  try {
    const number = lib().parsePhoneNumberWithError(text, { defaultCountry: region, extract: false });
    return number.isValid() ? number : undefined;
  } catch {
    return undefined;
  }
}

function refusal(value: string, compact: string, region: CountryCode | undefined, error: unknown): Parsed<never> {
  const code = error instanceof lib().ParseError ? error.message : String(error);
  if (code === 'INVALID_COUNTRY') {
    if (!compact.startsWith('+')) return bad(`${quote(value)} has no country code, and the location gives none; write it as + and the country code, then the number`);
    return bad(`${quote(value)} starts with a country code no country uses; check the digits after "+"`);
  }
  if (code === 'TOO_SHORT') return bad(`${quote(value)} is too short to be a phone number`);
  if (code === 'TOO_LONG') return bad(`${quote(value)} is too long to be a phone number (E.164 numbers have at most 15 digits)`);
  if (!compact.startsWith('+') && region) return damaged(value, compact, region);
  return bad(`${quote(value)} is not a phone number: write it as + and the country code, then the number (for example +31 20 123 4567)`);
}

/**
 * The country a number belongs to (ISO code), or undefined for a number of no one country
 * (+800 freephone). A number whose country code one country holds alone is told from its code,
 * without parsing it again.
 */
export function countryOfNumber(e164: string, expected?: string): string | undefined {
  if (expected !== undefined && lib().isSupportedCountry(expected)) {
    const code = lib().getCountryCallingCode(expected);
    if (e164.startsWith(`+${code}`) && soleHolders().get(code) === expected) return expected;
  }
  try {
    return lib().parsePhoneNumberWithError(e164).country;
  } catch {
    return undefined;
  }
}

let soleHolder: Map<string, string> | undefined;
/** Country calling codes held by exactly one country: code → that country (from the library's metadata). */
function soleHolders(): ReadonlyMap<string, string> {
  if (soleHolder === undefined) {
    const metadata = newMetadata() as unknown as { metadata: { country_calling_codes: Record<string, string[]> } };
    soleHolder = new Map();
    for (const [code, countries] of Object.entries(metadata.metadata.country_calling_codes)) if (countries.length === 1) soleHolder.set(code, countries[0]!);
  }
  return soleHolder;
}

function bad(reason: string): Parsed<never> {
  return { ok: false, reason };
}

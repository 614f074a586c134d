import { randomBytes } from 'node:crypto';
import { RunRefused } from '../domain/codes.js';
import { optionalText } from '../backends/sqlite/validate.js';

/**
 * Checks of what a person types for the provisioning commands. Like the directory's
 * (backends/sqlite/validate.ts, reused for names, e-mails and countries), every failure is a
 * `RunRefused('BAD_ARGUMENTS')` saying what is wrong, the rule and what was found.
 */

function bad(message: string): RunRefused {
  return new RunRefused('BAD_ARGUMENTS', message);
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** `org-k3v9q2xa`: short enough to type, random enough never to collide in one directory. */
export function newId(prefix: string, length = 8): string {
  return `${prefix}-${[...randomBytes(length)].map((b) => BASE32[b % 32]).join('')}`;
}

/** Ids typed in scripts and shells: letters, digits, `.`, `_`, `-`. */
export function parseId(what: string, value: string): string {
  const id = value.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(id)) {
    throw bad(`${what} "${value}" is not valid: 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit.`);
  }
  return id;
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A DNS domain such as `acme.nl`: two or more labels, lower-cased, the last one not numeric. */
export function parseDomain(value: string): string {
  const domain = value.trim().toLowerCase().replace(/\.$/, '');
  const labels = domain.split('.');
  if (domain.length > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l)) || /^\d+$/.test(labels.at(-1)!)) {
    throw bad(`Domain "${value}" is not a domain name such as acme.nl (letters, digits and hyphens, separated by dots).`);
  }
  return domain;
}

/** The domain of an already validated e-mail address. */
export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

/** A licence count: a whole number from 0 (the service is not part of the order). */
export function parseLicenceCount(what: string, value: unknown): number {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(n) || n < 0 || n > 10_000_000) throw bad(`${what} must be a whole number from 0, not "${String(value)}".`);
  return n;
}

/**
 * An instant as ISO 8601 (`2025-03-01` or `2025-03-01T09:30:00Z`), stored in UTC with
 * milliseconds so text comparison is time comparison. A moment in the future is refused:
 * nobody was active tomorrow.
 */
export function parseInstant(what: string, value: string, now: Date = new Date()): string {
  const text = value.trim();
  const ms = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw bad(`${what} "${value}" is not an ISO 8601 date or time, such as 2025-03-01 or 2025-03-01T09:30:00Z.`);
  if (ms > now.getTime() + 60_000) throw bad(`${what} ${text} is in the future.`);
  return new Date(ms).toISOString();
}

/**
 * An IANA time zone such as `Europe/Amsterdam`, in its canonical spelling. Offsets like
 * `+01:00` are refused: a site's time zone follows daylight saving time, an offset does not.
 */
export function parseTimeZone(value: string): string {
  const text = value.trim();
  let canonical: string | undefined;
  if (/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(text)) {
    try {
      canonical = new Intl.DateTimeFormat('en', { timeZone: text }).resolvedOptions().timeZone;
    } catch {
      canonical = undefined;
    }
  }
  if (canonical === undefined) {
    throw bad(`Time zone "${value}" is not an IANA time zone; use a name such as Europe/Amsterdam, America/New_York or UTC.`);
  }
  return canonical;
}

/** A language tag for e-mails, such as `en`, `nl_NL` or `en-US`; written back as `nl_NL`. */
export function parseLanguage(value: string): string {
  const match = /^([a-zA-Z]{2,3})(?:[_-]([a-zA-Z]{2}))?$/.exec(value.trim());
  if (!match) throw bad(`Language "${value}" is not a language code such as en, nl_NL or en_US.`);
  return match[2] ? `${match[1]!.toLowerCase()}_${match[2].toUpperCase()}` : match[1]!.toLowerCase();
}

export interface Address {
  addressLine1?: string;
  addressLine2?: string;
  city?: string;
  stateOrProvince?: string;
  zipOrPostalCode?: string;
}

/**
 * The name of a Wholesale customer, for either target: not blank, and without "%" (Webex
 * Wholesale API, POST /wholesale/customers: "Name cannot include the "%" character").
 */
export function parseCustomerName(value: string): string {
  const name = value.trim();
  if (name === '') throw new RunRefused('BAD_ARGUMENTS', 'The customer name is blank.');
  if (name.includes('%')) throw new RunRefused('BAD_ARGUMENTS', `The customer name "${name}" contains "%", which the Webex Wholesale API does not accept in a customer name: leave it out.`);
  return name;
}

const ADDRESS_FIELDS: readonly [keyof Address, string, number][] = [
  ['addressLine1', 'Address line 1', 50],
  ['addressLine2', 'Address line 2', 50],
  ['city', 'City', 50],
  ['stateOrProvince', 'State or province', 50],
  ['zipOrPostalCode', 'Zip or postal code', 32],
];

/**
 * The address of a location the Wholesale API receives: each line at most 50 characters
 * (research notes, WS-OAS). Blank fields are left out.
 */
export function parseAddress(input: Partial<Record<keyof Address, string | undefined>>): Address {
  const address: Address = {};
  for (const [key, name, max] of ADDRESS_FIELDS) {
    const value = optionalText(name, input[key], max);
    if (value !== null) address[key] = value;
  }
  return address;
}

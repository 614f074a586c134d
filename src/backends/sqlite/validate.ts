import { RunRefused } from '../../domain/codes.js';
import { PACKAGE_COLUMN, PACKAGES, parsePackage, type PackageId } from '../../domain/packages.js';

/**
 * Checks of what a person types on the command line for customers, locations and sites.
 * Each failure is a `RunRefused('BAD_ARGUMENTS')` whose message says what is wrong, the rule
 * and what was found, so the CLI can print it as is.
 */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function bad(message: string): RunRefused {
  return new RunRefused('BAD_ARGUMENTS', message);
}

/** A trimmed, non-empty text of at most `max` characters without control characters. */
export function requireText(what: string, value: string | undefined, max: number): string {
  const text = (value ?? '').trim();
  if (text === '') throw bad(`${what} is required and cannot be blank.`);
  if (text.length > max) throw bad(`${what} is at most ${max} characters; "${text}" has ${text.length}.`);
  if (CONTROL.test(text)) throw bad(`${what} cannot hold control characters or line breaks.`);
  return text;
}

/** Like `requireText`, but blank means "not given" (null in the database). */
export function optionalText(what: string, value: string | undefined, max: number): string | null {
  return value === undefined || value.trim() === '' ? null : requireText(what, value, max);
}

export function parsePackageArg(value: string): PackageId {
  const pkg = parsePackage(value);
  if (pkg) return pkg;
  const valid = PACKAGES.map((p) => `"${PACKAGE_COLUMN[p]}" (${p})`).join(', ');
  throw bad(`Unknown package "${value}". Valid packages: ${valid}.`);
}

/** The rule the CSV rows follow too: one `@`, a local part of at most 64 characters. */
export function parseEmail(what: string, value: string): string {
  const email = value.trim().toLowerCase();
  const at = email.indexOf('@');
  const valid =
    at > 0 &&
    at === email.lastIndexOf('@') &&
    at <= 64 &&
    email.length <= 254 &&
    /^[^\s@]+@[^\s@]+\.[^\s@.]+$/.test(email);
  if (!valid) throw bad(`${what} "${value}" is not a valid e-mail address (name@domain, one @, name at most 64 characters).`);
  return email;
}

/** Customer ids are typed in scripts and shells: letters, digits, `.`, `_`, `-`. */
export function parseCustomerId(value: string): string {
  const id = value.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(id)) {
    throw bad(`Customer id "${value}" is not valid: 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit.`);
  }
  return id;
}

export function parseCountry(value: string): string {
  const country = value.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) {
    throw bad(`Country "${value}" is not a 2-letter ISO 3166 code (for example NL, US, GB).`);
  }
  return country;
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Reads a Meetings site as `acme.webex.com` or `https://acme.webex.com/` and returns the
 * lower-case host. A path, query, port or credentials mean it is not a site URL.
 */
export function parseSiteUrl(value: string): string {
  const input = value.trim();
  const refuse = (): RunRefused =>
    bad(`Site "${value}" is not a Webex site URL: give its host name, like acme.webex.com or https://acme.webex.com/.`);
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(input) ? input : `https://${input}`);
  } catch {
    throw refuse();
  }
  const plain =
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.username === '' &&
    url.password === '' &&
    url.port === '' &&
    (url.pathname === '/' || url.pathname === '') &&
    url.search === '' &&
    url.hash === '';
  const host = url.hostname.toLowerCase();
  const labels = host.split('.');
  if (!plain || host.length > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l)) || /^\d+$/.test(labels.at(-1)!)) {
    throw refuse();
  }
  return host;
}

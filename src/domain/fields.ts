import { codePoint, hiddenCharacter } from './characters.js';

/**
 * Field rules (domain.md, "Field rules worth enforcing"). Each parser takes a raw cell and
 * returns either the clean value or the reason it is wrong, in words a person can act on.
 * A blank cell means "no change" and is handled by the caller, never here.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (reason: string): Parsed<never> => ({ ok: false, reason });

/**
 * Trims spaces (no-break and other Unicode spaces too), tabs and line breaks at both ends and
 * puts the text in NFC, so "José" compares one way. Invisible characters (a zero-width space, a
 * line separator, a byte order mark) are not trimmed: the parsers refuse them wherever they are.
 */
export function clean(raw: string): string {
  // Every character the pattern trims is a control, a space or beyond ASCII: a cell that starts
  // and ends with printable ASCII (nearly all of them) needs no replace.
  const first = raw.charCodeAt(0);
  const last = raw.charCodeAt(raw.length - 1);
  const trimmed = first > 32 && first < 127 && last > 32 && last < 127 ? raw : raw.replace(/^[\p{Zs}\t\n\r\v\f]+|[\p{Zs}\t\n\r\v\f]+$/gu, '');
  // NFC only costs when there is something to compose.
  return /[^\x00-\x7F]/.test(trimmed) ? trimmed.normalize('NFC') : trimmed;
}

export function quote(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}

// Webex user ids: letters, digits and ! # $ % & ' * + - / = ? ^ _ ` { | } ~ . ; (WXC-4801/4901).
const LOCAL_CHAR = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.;]$/;
const DOMAIN = /^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9]$/;

/** The text of a refusal for a hidden character, or undefined when the value has none. */
function hidden(value: string): Parsed<never> | undefined {
  const found = hiddenCharacter(value);
  return found === undefined ? undefined : bad(`${quote(value)} holds a character that cannot be seen or that breaks the line (${found}); retype the value or remove it`);
}

/**
 * An e-mail with exactly one `@`, a local part of at most 64 characters of the characters Webex
 * allows (Webex error WXC-4901), and a DNS domain. A refusal names the character it stopped at.
 */
export function parseEmail(raw: string): Parsed<string> {
  const value = clean(raw);
  const invisible = hidden(value);
  if (invisible) return invisible;
  const at = value.split('@').length - 1;
  if (at !== 1) return bad(`an e-mail address has exactly one "@", found ${at} in ${quote(value)}`);
  const [local, domain] = value.split('@') as [string, string];
  if (local.length === 0 || local.length > 64) {
    return bad(`the part before "@" must be 1 to 64 characters, found ${local.length} in ${quote(value)}`);
  }
  const stray = [...local].find((c) => !LOCAL_CHAR.test(c));
  if (stray !== undefined) {
    return bad(`${quote(value)} has ${JSON.stringify(stray)} (${codePoint(stray)}) before "@", which Webex does not allow there: ` +
      'only letters a-z, digits and ! # $ % & \' * + - / = ? ^ _ ` { | } ~ . ; (Webex error WXC-4901)');
  }
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return bad(`${quote(value)} has a dot at the start or end of the part before "@", or two dots in a row`);
  }
  if (!DOMAIN.test(domain)) {
    const foreign = [...domain].find((c) => c.charCodeAt(0) > 127);
    if (foreign !== undefined) {
      const ascii = asciiDomain(domain);
      return bad(`${quote(domain)} after "@" has ${JSON.stringify(foreign)} (${codePoint(foreign)}); Webex takes the domain in its ASCII form` +
        (ascii ? ` (${ascii})` : ''));
    }
    return bad(`${quote(domain)} after "@" is not a valid domain name`);
  }
  return ok(value);
}

/** The ASCII (punycode) form of an international domain name, when it has one. */
function asciiDomain(domain: string): string | undefined {
  try {
    const host = new URL(`http://${domain}/`).hostname;
    return DOMAIN.test(host) ? host : undefined;
  } catch {
    return undefined;
  }
}

/** The key that identifies a user: e-mails compare case-insensitively. */
export function emailKey(email: string): string {
  return email.toLowerCase();
}

/**
 * A number a spreadsheet wrote in scientific notation, in any locale: `3.12012E+10`,
 * `3,12012E+10`, `1E3`. The digits past the shown precision are lost for good.
 */
export const SCIENTIFIC = /^[+-]?\d+(?:[.,]\d+)?e[+-]?\d+$/i;
/** A whole number a spreadsheet reformatted with decimals, with a decimal point or comma: `1001.0`, `1001,00`. */
export const DECIMALS = /^\d+[.,]0+$/;

/** 2 to 10 digits, kept as text so a leading zero survives. */
export function parseExtension(raw: string): Parsed<string> {
  const value = clean(raw);
  if (/^\d{2,10}$/.test(value)) return ok(value);
  const invisible = hidden(value);
  if (invisible) return invisible;
  if (SCIENTIFIC.test(value)) {
    return bad(`${quote(value)} was turned into scientific notation by a spreadsheet; format the column as Text and type the extension again`);
  }
  if (DECIMALS.test(value)) {
    return bad(`${quote(value)} looks like a number a spreadsheet reformatted; an extension is 2 to 10 digits, format the column as Text`);
  }
  return bad(`an extension is 2 to 10 digits, found ${quote(value)}`);
}

const TRUE: Parsed<boolean> = Object.freeze({ ok: true, value: true });
const FALSE: Parsed<boolean> = Object.freeze({ ok: true, value: false });

/**
 * The words a TRUE/FALSE cell may hold, upper case: TRUE, FALSE, T and F (Control Hub's own
 * import read these), and the words Excel writes for a TRUE or FALSE cell when it saves a CSV
 * in another language (Dutch WAAR/ONWAAR, Swedish SANT/FALSKT, Italian VERO/FALSO, ...). No word
 * means TRUE in one language and FALSE in another. See docs/decisions.md.
 */
const BOOLEAN_WORDS: ReadonlyMap<string, Parsed<boolean>> = new Map([
  ...['TRUE', 'T', 'WAAR', 'WAHR', 'VRAI', 'VERO', 'VERDADERO', 'VERDADEIRO', 'SANT', 'SAND', 'SANN', 'TOSI', 'PRAWDA', 'PRAVDA', 'IGAZ', 'DOĞRU', 'ИСТИНА']
    .map((w) => [w, TRUE] as const),
  ...['FALSE', 'F', 'ONWAAR', 'FALSCH', 'FAUX', 'FALSO', 'FALSKT', 'FALSK', 'USANN', 'EPÄTOSI', 'FAŁSZ', 'NEPRAVDA', 'HAMIS', 'YANLIŞ', 'ЛОЖЬ']
    .map((w) => [w, FALSE] as const),
]);

/** TRUE/FALSE/T/F in any case, and Excel's TRUE and FALSE in the other languages it writes them in. */
export function parseBoolean(raw: string): Parsed<boolean> {
  if (raw === 'TRUE') return TRUE; // as spreadsheets write it: no cleaning needed
  if (raw === 'FALSE') return FALSE;
  const value = clean(raw);
  const known = BOOLEAN_WORDS.get(value.toUpperCase());
  if (known) return known;
  return hidden(value) ?? bad(`expected TRUE or FALSE (T, F, any case; or Excel's word for them in its language, such as WAAR or ONWAAR), found ${quote(value)}`);
}

/** Free text (names, location, site): one line, no hidden characters, at most `max` long. */
export function parseText(raw: string, max: number): Parsed<string> {
  const value = clean(raw);
  const invisible = hidden(value);
  if (invisible) return invisible;
  if (value.length > max) return bad(`at most ${max} characters, found ${value.length}`);
  return ok(value);
}

/** A Meetings site is written as its host name; a pasted URL is accepted and reduced to it. */
export function parseSite(raw: string): Parsed<string> {
  const text = parseText(raw, 253);
  if (!text.ok) return text;
  const host = text.value.replace(/^https?:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
  if (!/^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/.test(host)) {
    return bad(`${quote(text.value)} is not a Webex site address such as acme.webex.com`);
  }
  return ok(host);
}

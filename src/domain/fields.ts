/**
 * Field rules (domain.md, "Field rules worth enforcing"). Each parser takes a raw cell and
 * returns either the clean value or the reason it is wrong, in words a person can act on.
 * A blank cell means "no change" and is handled by the caller, never here.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (reason: string): Parsed<never> => ({ ok: false, reason });

/** Trims ordinary and no-break spaces and puts the text in NFC, so "José" compares one way. */
export function clean(raw: string): string {
  // Every character the pattern trims is a control, a space or beyond ASCII: a cell that starts
  // and ends with printable ASCII (nearly all of them) needs no replace.
  const first = raw.charCodeAt(0);
  const last = raw.charCodeAt(raw.length - 1);
  const trimmed = first > 32 && first < 127 && last > 32 && last < 127 ? raw : raw.replace(/^[\s\u00A0\uFEFF]+|[\s\u00A0\uFEFF]+$/gu, '');
  // NFC only costs when there is something to compose.
  return /[^\x00-\x7F]/.test(trimmed) ? trimmed.normalize('NFC') : trimmed;
}

export function quote(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}

// Webex user ids: letters, digits and ! # $ % & ' * + - / = ? ^ _ ` { | } ~ . ; (WXC-4801/4901).
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.;]+$/;
const DOMAIN = /^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9]$/;

/** An e-mail with exactly one `@`, a local part of at most 64 characters, and a DNS domain. */
export function parseEmail(raw: string): Parsed<string> {
  const value = clean(raw);
  const at = value.split('@').length - 1;
  if (at !== 1) return bad(`an e-mail address has exactly one "@", found ${at} in ${quote(value)}`);
  const [local, domain] = value.split('@') as [string, string];
  if (local.length === 0 || local.length > 64) {
    return bad(`the part before "@" must be 1 to 64 characters, found ${local.length} in ${quote(value)}`);
  }
  if (!LOCAL_PART.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return bad(`${quote(value)} has characters or dots that are not allowed before "@"`);
  }
  if (!DOMAIN.test(domain)) return bad(`${quote(domain)} after "@" is not a valid domain name`);
  return ok(value);
}

/** The key that identifies a user: e-mails compare case-insensitively. */
export function emailKey(email: string): string {
  return email.toLowerCase();
}

const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * E.164: `+` then up to 15 digits. Spaces, hyphens, dots and brackets are dropped first
 * (Webex's own examples write `+1-240-555-1212`). Common spreadsheet damage gets a hint.
 */
export function parsePhoneNumber(raw: string): Parsed<string> {
  const value = clean(raw);
  if (/^\d(\.\d+)?E\+?\d+$/i.test(value)) {
    return bad(`${quote(value)} was turned into scientific notation by a spreadsheet; format the column as Text and type the number again`);
  }
  const compact = value.replace(/[\s().-]/g, '');
  if (E164.test(compact)) return ok(compact);
  if (/^00[1-9]\d{1,14}$/.test(compact)) {
    return bad(`${quote(value)} starts with 00; write it in E.164 form with "+" instead (for example +${compact.slice(2)})`);
  }
  if (/^[1-9]\d{7,14}$/.test(compact)) {
    return bad(`${quote(value)} has no leading "+"; spreadsheets drop it, format the column as Text and write +${compact}`);
  }
  return bad(`${quote(value)} is not an E.164 number ("+" then up to 15 digits, for example +31201234567)`);
}

/** 2 to 10 digits, kept as text so a leading zero survives. */
export function parseExtension(raw: string): Parsed<string> {
  const value = clean(raw);
  if (/^\d{2,10}$/.test(value)) return ok(value);
  if (/^\d+\.0+$/.test(value)) {
    return bad(`${quote(value)} looks like a number a spreadsheet reformatted; an extension is 2 to 10 digits, format the column as Text`);
  }
  return bad(`an extension is 2 to 10 digits, found ${quote(value)}`);
}

/** TRUE/FALSE/T/F in any case (Control Hub and spreadsheets write all of these). */
const TRUE: Parsed<boolean> = Object.freeze({ ok: true, value: true });
const FALSE: Parsed<boolean> = Object.freeze({ ok: true, value: false });

export function parseBoolean(raw: string): Parsed<boolean> {
  if (raw === 'TRUE') return TRUE; // as spreadsheets write it: no cleaning needed
  if (raw === 'FALSE') return FALSE;
  const value = clean(raw).toUpperCase();
  if (value === 'TRUE' || value === 'T') return TRUE;
  if (value === 'FALSE' || value === 'F') return FALSE;
  return bad(`expected TRUE or FALSE (T, F, any case), found ${quote(clean(raw))}`);
}

// C0/C1 controls, DEL, bidi overrides and zero-width characters: never data in a name.
const FORBIDDEN = /[\x00-\x1F\x7F-\x9F\u200B-\u200F\u202A-\u202E\u2066-\u2069]/u;

/** Free text (names, location, site): one line, no control characters, at most `max` long. */
export function parseText(raw: string, max: number): Parsed<string> {
  const value = clean(raw);
  if (/[\r\n]/.test(value)) return bad(`${quote(value)} spans more than one line`);
  if (FORBIDDEN.test(value)) return bad(`${quote(value)} holds a control or invisible character`);
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

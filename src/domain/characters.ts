/**
 * Characters no cell value may hold: control characters (Unicode class Cc), invisible
 * formatting characters (Cf: zero-width spaces and joiners, bidi marks and overrides, the soft
 * hyphen, the word joiner, U+061C, U+180E, a stray byte order mark...) and the line and
 * paragraph separators (Zl, Zp). Whole classes, not a list: a list misses the next one.
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/**
 * Describes the first hidden character of `value` in words a person can act on
 * (`U+200B, an invisible formatting character, after "Anna"`), or undefined when there is none.
 */
export function hiddenCharacter(value: string): string | undefined {
  const match = HIDDEN.exec(value);
  if (!match) return undefined;
  const char = match[0];
  const before = value.slice(Math.max(0, match.index - 12), match.index);
  const where = match.index === 0 ? 'at the start' : `after ${JSON.stringify(before)}`;
  return `${codePoint(char)}, ${kindOf(char)}, ${where}`;
}

/** `U+00E4`: how a character is named unambiguously, whatever the font shows. */
export function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

function kindOf(char: string): string {
  if (char === '\n' || char === '\r') return 'a line break';
  if (char === '\t') return 'a tab';
  if (/\p{Cc}/u.test(char)) return 'a control character';
  if (/\p{Zl}/u.test(char)) return 'a line separator';
  if (/\p{Zp}/u.test(char)) return 'a paragraph separator';
  return 'an invisible formatting character';
}

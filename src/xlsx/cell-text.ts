/**
 * How the values of a workbook's cells become the text the row rules read, and how text goes
 * back into a cell. Pure functions, shared by the reader and the writer so a report read back
 * gives exactly the text that was written.
 */

/**
 * A number cell as text: the number Excel stores, written out in full, never in scientific
 * notation and without its display format. `31201234567` stays `31201234567` (so the rules'
 * "lost +" hint fires, as for a CSV), `1.5` stays `1.5`; a number shown as `0101` through a
 * `0000` format reads as `101`, as it would after "Save as CSV" in most locales. The source of the
 * value is the cell's `<v>` text (ECMA-376 Part 1, §18.3.1.96: an xsd:double).
 */
export function numberText(stored: string): string {
  const value = Number(stored.trim());
  if (!Number.isFinite(value)) return stored.trim();
  if (Number.isInteger(value)) return BigInt(value).toString();
  const text = String(value);
  const exponent = /^(-?)(\d)(?:\.(\d+))?e-(\d+)$/.exec(text);
  // Only small fractions print with an exponent here (every double of 1e21 or more is an integer).
  return exponent ? `${exponent[1]}0.${'0'.repeat(Number(exponent[4]) - 1)}${exponent[2]}${exponent[3] ?? ''}` : text;
}

/** A boolean cell (`t="b"`) as the words Excel shows, which the TRUE/FALSE columns accept. */
export function booleanText(stored: string): string {
  return stored.trim() === '0' ? 'FALSE' : 'TRUE';
}

/**
 * Undoes the escaping of characters XML 1.0 cannot hold (ECMA-376 Part 1, §22.9.2.19,
 * ST_Xstring): `_x000D_` is a carriage return, `_x005F_` a literal underscore that keeps the
 * text after it from being read as an escape.
 */
export function unescapeXstring(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const XML_SPECIAL = /[&<>]|[\u0000-\u0008\u000B\u000C\u000D\u000E-\u001F\uFFFE\uFFFF]|_(?=x[0-9A-Fa-f]{4}_)/g;

/**
 * Text for an element's content: `& < >` as entities, the characters XML 1.0 cannot hold (and a
 * carriage return, which XML would turn into a line feed) as `_xHHHH_`, and an underscore that
 * would read as such an escape as `_x005F_`. `unescapeXstring` after an XML parser gives the text back.
 */
export function escapeCellText(text: string): string {
  return text.replace(XML_SPECIAL, (c) => {
    if (c === '&') return '&amp;';
    if (c === '<') return '&lt;';
    if (c === '>') return '&gt;';
    return `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`;
  });
}

/** `A` → 0, `Z` → 25, `AA` → 26, from the letters of a cell reference such as `AB12`. */
export function columnIndex(reference: string): number {
  let index = 0;
  let i = 0;
  for (; i < reference.length; i++) {
    const code = reference.charCodeAt(i) | 0x20; // lower case
    if (code < 0x61 || code > 0x7a) break;
    index = index * 26 + (code - 0x60);
  }
  return i === 0 ? -1 : index - 1;
}

/** 0 → `A`, 26 → `AA`. */
export function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(0x41 + ((n - 1) % 26)) + name;
  return name;
}

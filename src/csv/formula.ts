/**
 * Spreadsheet formula injection: a cell that starts with one of these is run as a formula by
 * Excel, LibreOffice or Numbers (OWASP "CSV Injection"; csv-stringify's `escape_formulas` list,
 * full-width forms included).
 */
const TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r', '\n', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20']);

/**
 * Whether a value would be run as a formula, or would lose a leading `'` to `restore`: a trigger
 * first, or apostrophes and then a trigger (`'=1` written as it is would come back as `=1`).
 */
function needsPrefix(value: string): boolean {
  let i = 0;
  while (i < value.length && value.charCodeAt(i) === 39 /* ' */) i++;
  return i < value.length && TRIGGERS.has(value[i]!);
}

/** Prefixes `'` to a value a spreadsheet would run as a formula, so it shows as text. */
export function neutralise(value: string): string {
  return needsPrefix(value) ? `'${value}` : value;
}

/**
 * Undoes `neutralise`: removes exactly one leading `'` when what follows needed it, so a report
 * fed back in reads `+31201234567`, not `'+31201234567`, and `''=1` reads `'=1`.
 */
export function restore(value: string): string {
  return value.length > 1 && value.charCodeAt(0) === 39 /* ' */ && needsPrefix(value.slice(1)) ? value.slice(1) : value;
}

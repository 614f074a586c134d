/**
 * Spreadsheet formula injection: a cell that starts with one of these is run as a formula by
 * Excel, LibreOffice or Numbers (OWASP "CSV Injection"; csv-stringify's `escape_formulas` list,
 * full-width forms included).
 */
const TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r', '\n', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20']);

/** Prefixes `'` to a value a spreadsheet would run as a formula, so it shows as text. */
export function neutralise(value: string): string {
  return value.length > 0 && TRIGGERS.has(value[0]!) ? `'${value}` : value;
}

/**
 * Undoes `neutralise`: removes exactly one leading `'` when a trigger follows it, so a report
 * fed back in reads `+31201234567`, not `'+31201234567`.
 */
export function restore(value: string): string {
  return value.length > 1 && value.charCodeAt(0) === 39 /* ' */ && TRIGGERS.has(value[1]!) ? value.slice(1) : value;
}

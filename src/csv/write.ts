import { stringify } from 'csv-stringify/sync';
import { neutralise } from './formula.js';

/** The byte order mark every CSV we write starts with: Excel then reads it as UTF-8. */
export const UTF8_BOM = '\uFEFF';

/**
 * Records as CSV text, the one way every CSV the tool writes is made: CRLF between records,
 * every cell neutralised against formulas (formula.ts), and a cell quoted when it holds a comma,
 * a quote, or a CR or an LF, alone or as CRLF. csv-stringify by itself quotes a line break only
 * when it is the whole record delimiter, so a bare LF went out unquoted and began a new physical
 * line (where a spreadsheet would run what follows as a formula). Parsed back with csv-parse and
 * `restore`, every value comes back as it was (test/csv/write.test.ts checks every writer so).
 */
export function csvText(records: readonly (readonly string[])[]): string {
  return stringify(records.map((record) => record.map(neutralise)), { record_delimiter: '\r\n', quoted_match: /[\r\n]/ });
}

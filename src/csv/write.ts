import { stringify } from 'csv-stringify/sync';
import { neutralise } from './formula.js';
import type { Delimiter } from './sniff.js';

/** The byte order mark every CSV we write starts with: Excel then reads it as UTF-8. */
export const UTF8_BOM = '\uFEFF';

/**
 * Records as CSV text, the one way every CSV the tool writes is made: CRLF between records,
 * every cell neutralised against formulas (formula.ts), and a cell quoted when it holds the delimiter,
 * a quote, or a CR or an LF, alone or as CRLF (the delimiter is `,` unless the reports follow a
 * `;`- or tab-delimited input). csv-stringify by itself quotes a line break only
 * when it is the whole record delimiter, so a bare LF went out unquoted and began a new physical
 * line (where a spreadsheet would run what follows as a formula). Parsed back with csv-parse and
 * `restore`, every value comes back as it was (test/csv/write.test.ts checks every writer so).
 */
export function csvText(records: readonly (readonly string[])[], delimiter: Delimiter = ','): string {
  return stringify(records.map((record) => record.map(neutralise)), { record_delimiter: '\r\n', delimiter, quoted_match: /[\r\n]/ });
}

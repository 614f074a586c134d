import type { Issue } from '../domain/codes.js';
import { PACKAGES } from '../domain/packages.js';
import type { Draft, ValidatedRow } from '../domain/row.js';
import { ATTRIBUTE_KEYS, type Intent, type UserAttributes } from '../domain/user.js';
import type { IngestedRow } from '../journal/rows.js';

/**
 * How a batch of validated rows travels from a reader thread to the main thread: one JSON text,
 * an array with one entry per row, `[line, email, key, intent, issues(, draft)]`.
 *
 * The intent is compact: `0` for a removal, or for a `set` an array of the package's index in
 * PACKAGES (-1 for none) followed by the attributes in ATTRIBUTE_KEYS order (null where the row
 * gives none; trailing nulls left out). Its e-mail is the row's key, so it is not repeated. An
 * intent as an object with names was about 330 characters, most of them names; writing and
 * parsing them was the largest part of the reader's and the receiver's work (BENCHMARKS.md).
 * Issues and drafts (rows with problems: a few in a hundred) keep their object form.
 */
export type CompactIntent = 0 | [pkg: number, ...attributes: Array<string | boolean | null>];

/** One row on the wire (see above). */
export type WireRow = [line: number, email: string, key: string | null, intent: CompactIntent | null, issues: Issue[] | null, draft?: Draft];

/** Builds a batch's text a row at a time (cheaper than building arrays to encode). */
export class BatchEncoder {
  private text = '';
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(line: number, row: ValidatedRow): void {
    let entry = `${this.count === 0 ? '[' : ','}[${line},${JSON.stringify(row.email)},${row.key === undefined ? 'null' : JSON.stringify(row.key)},`;
    entry += row.intent === undefined ? 'null' : encodeIntent(row.intent);
    entry += row.issues.length > 0 ? `,${JSON.stringify(row.issues)}` : ',null';
    // Only a row with errors carries a draft: most rows are clean.
    if (row.draft) entry += `,${JSON.stringify(row.draft)}`;
    this.text += `${entry}]`;
    this.count++;
  }

  /** The batch's text; the encoder starts a new batch. */
  take(): string {
    const text = this.count === 0 ? '[]' : `${this.text}]`;
    this.text = '';
    this.count = 0;
    return text;
  }
}

/** An intent in its compact form, as JSON text. */
export function encodeIntent(intent: Intent): string {
  if (intent.kind === 'remove') return '0';
  const attributes = intent.attributes;
  let text = `[${intent.package === undefined ? -1 : PACKAGES.indexOf(intent.package)}`;
  let nulls = '';
  for (const key of ATTRIBUTE_KEYS) {
    const value = attributes[key];
    if (value === undefined) nulls += ',null';
    else {
      text += `${nulls},${typeof value === 'string' ? JSON.stringify(value) : value ? 'true' : 'false'}`;
      nulls = '';
    }
  }
  return `${text}]`;
}

/** The intent of a compact one; `email` is the row's key. */
export function decodeIntent(email: string, compact: CompactIntent): Intent {
  if (compact === 0) return { kind: 'remove', email };
  const attributes: UserAttributes = {};
  for (let i = 1; i < compact.length; i++) {
    const value = compact[i] as string | boolean | null;
    if (value !== null) (attributes as Record<string, string | boolean>)[ATTRIBUTE_KEYS[i - 1]!] = value;
  }
  const pkg = compact[0];
  return pkg < 0 ? { kind: 'set', email, attributes } : { kind: 'set', email, package: PACKAGES[pkg]!, attributes };
}

/** A batch's rows as the main thread plans and journals them. */
export function decodeBatch(text: string): IngestedRow[] {
  const wire = JSON.parse(text) as WireRow[];
  const rows: IngestedRow[] = new Array(wire.length);
  for (let i = 0; i < wire.length; i++) {
    const [line, email, key, intent, issues, draft] = wire[i]!;
    // Plain assignments: conditional spreads here cost as much as the JSON parse (profiled).
    const row: IngestedRow = { line, email, issues: issues ?? [] };
    if (key !== null) {
      row.key = key;
      if (intent !== null) row.intent = decodeIntent(key, intent);
    }
    if (draft) row.draft = draft;
    rows[i] = row;
  }
  return rows;
}

import { rowError, type RowCode } from '../domain/codes.js';
import { quote } from '../domain/fields.js';
import type { CrossKeys, RunRows } from './rows.js';

const KINDS = ['key', 'phone', 'extKey'] as const;
type Kind = (typeof KINDS)[number];

/** Bits in the filter: 8 MB whatever the file's size (a few thousand false candidates at a million lines). */
const FILTER_BITS = 2 ** 26;

/**
 * Finds the values that may be given on more than one line (e-mail keys, phone numbers,
 * extensions in a location) while the lines stream past, in a fixed 8 MB: a Bloom filter (two
 * bits a value) remembers what was seen, and a value whose bits are all set already is a
 * candidate. Candidates are rare (the real duplicates and a few false ones); markDuplicates
 * reads the journal's keys once and groups the lines of candidate values by their real value,
 * so a false candidate never becomes a wrong error.
 */
export class DuplicateFinder {
  private readonly seen = new Uint32Array(FILTER_BITS / 32);
  readonly candidates: Record<Kind, Set<string>> = { key: new Set(), phone: new Set(), extKey: new Set() };

  /** Notes the cross-row values of ingested lines. */
  add(lines: readonly CrossKeys[]): void {
    for (const keys of lines) {
      for (let kind = 0; kind < KINDS.length; kind++) {
        const value = keys[KINDS[kind]!];
        if (value !== null && this.note(fingerprint(kind, value))) this.candidates[KINDS[kind]!].add(value);
      }
    }
  }

  get hasCandidates(): boolean {
    return KINDS.some((kind) => this.candidates[kind].size > 0);
  }

  /** Sets the fingerprint's two bits; true when both were set already. */
  private note(print: number): boolean {
    const first = print & (FILTER_BITS - 1);
    const second = mix(print) & (FILTER_BITS - 1);
    const seen = this.seen;
    const had = (seen[first >>> 5]! & (1 << (first & 31))) !== 0 && (seen[second >>> 5]! & (1 << (second & 31))) !== 0;
    seen[first >>> 5]! |= 1 << (first & 31);
    seen[second >>> 5]! |= 1 << (second & 31);
    return had;
  }
}

/** FNV-1a over the kind and the value's UTF-16 units (exported for the tests, which need two values that share one). */
export function fingerprint(kind: number, value: string): number {
  let hash = (0x811c9dc5 ^ kind) >>> 0;
  for (let i = 0; i < value.length; i++) hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** The fingerprint's bits mixed again, for the filter's second bit. */
function mix(print: number): number {
  let h = Math.imul(print ^ (print >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Checks across rows. A duplicated e-mail is an error on every one of its rows, never "last one
 * wins": the file's intent is ambiguous and order-dependence would make resume unsafe. Phone
 * numbers and extensions given twice in one file would fail on the second apply anyway; finding
 * them here lets the dry run tell the truth.
 */
export function markDuplicates(rows: RunRows, finder: DuplicateFinder): number {
  if (!finder.hasCandidates) return 0;
  const groups: Record<Kind, Map<string, number[]>> = { key: new Map(), phone: new Map(), extKey: new Map() };
  const emails = new Map<number, string>();
  for (const [line, email, key, phone, extKey] of rows.lineKeys()) {
    const values: Record<Kind, string | null> = { key, phone, extKey };
    for (const kind of KINDS) {
      const value = values[kind];
      if (value === null || !finder.candidates[kind].has(value)) continue;
      const group = groups[kind].get(value);
      if (group) group.push(line);
      else groups[kind].set(value, [line]);
      if (kind === 'key') emails.set(line, email);
    }
  }
  let marked = 0;
  for (const [kind, code] of [['key', 'DUPLICATE_EMAIL'], ['phone', 'DUPLICATE_PHONE_NUMBER'], ['extKey', 'DUPLICATE_EXTENSION']] as const) {
    for (const [value, lines] of groups[kind]) {
      if (lines.length < 2) continue; // a false candidate
      rows.refuseLines(lines, rowError(code, describe(kind, kind === 'key' ? emails.get(lines[0]!)! : value, lines)));
      marked += lines.length;
    }
  }
  return marked;
}

function describe(kind: Kind, shown: string, lines: number[]): string {
  if (kind === 'key') {
    return `${quote(shown)} appears on lines ${listLines(lines)}; a user may appear only once in a file, so none of these rows is applied. Keep one row per user.`;
  }
  if (kind === 'phone') return `Phone Number ${shown} is given to the users on lines ${listLines(lines)}; a phone number belongs to one user of the customer.`;
  const [location, extension] = shown.split('|');
  return `Extension ${extension} is given to the users on lines ${listLines(lines)}, all in location ${quote(location ?? '')}; an extension belongs to one user of a location.`;
}

function listLines(lines: number[]): string {
  if (lines.length > 10) return `${lines.slice(0, 10).join(', ')} and ${lines.length - 10} more`;
  return `${lines.slice(0, -1).join(', ')} and ${lines[lines.length - 1]}`;
}

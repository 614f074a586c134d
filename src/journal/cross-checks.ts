import { rowError, type RowCode } from '../domain/codes.js';
import { quote } from '../domain/fields.js';
import { crossKeys, type IngestedRow, type RunRows } from './rows.js';

const KINDS = ['key', 'phone', 'extKey'] as const;
type Kind = (typeof KINDS)[number];

/**
 * Finds the values given on more than one line (e-mail keys, phone numbers, extensions in a
 * location) while the lines stream past, in about 11 bytes a value whatever the file's size: a
 * table of 32-bit fingerprints and the first line that had each. A line whose fingerprint is
 * already there is a candidate, with the line it met; the candidates' real values are compared
 * afterwards (markDuplicates), so a fingerprint shared by two different values costs a lookup,
 * never a wrong error.
 */
export class DuplicateFinder {
  /** Pairs of [fingerprint, first line]; line 0 marks a free slot (data lines start at 2). */
  private slots = new Uint32Array(2 * 4096);
  private used = 0;
  private readonly candidates = new Set<number>();

  /** Notes the cross-row values of ingested lines. */
  add(rows: readonly IngestedRow[]): void {
    for (const row of rows) {
      const keys = crossKeys(row);
      for (let kind = 0; kind < KINDS.length; kind++) {
        const value = keys[KINDS[kind]!];
        if (value !== null) this.note(fingerprint(kind, value), row.line);
      }
    }
  }

  /** Lines that may share a value with another line. */
  candidateLines(): number[] {
    return [...this.candidates].sort((a, b) => a - b);
  }

  private note(print: number, line: number): void {
    const slots = this.slots;
    const capacity = slots.length / 2;
    for (let at = slotOf(print, capacity); ; at = at + 1 === capacity ? 0 : at + 1) {
      const holder = slots[2 * at + 1]!;
      if (holder === 0) {
        slots[2 * at] = print;
        slots[2 * at + 1] = line;
        if (++this.used * 4 > capacity * 3) this.grow();
        return;
      }
      if (slots[2 * at] === print) {
        this.candidates.add(holder);
        this.candidates.add(line);
        return;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    const capacity = Math.ceil((old.length / 2) * 1.5);
    this.slots = new Uint32Array(2 * capacity);
    for (let i = 0; i < old.length; i += 2) {
      if (old[i + 1] === 0) continue;
      for (let at = slotOf(old[i]!, capacity); ; at = at + 1 === capacity ? 0 : at + 1) {
        if (this.slots[2 * at + 1] === 0) {
          this.slots[2 * at] = old[i]!;
          this.slots[2 * at + 1] = old[i + 1]!;
          break;
        }
      }
    }
  }
}

/** FNV-1a over the kind and the value's UTF-16 units (exported for the tests, which need two values that share one). */
export function fingerprint(kind: number, value: string): number {
  let hash = (0x811c9dc5 ^ kind) >>> 0;
  for (let i = 0; i < value.length; i++) hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** The fingerprint's slot: its bits mixed again (so close fingerprints spread), scaled to the table. */
function slotOf(print: number, capacity: number): number {
  let h = Math.imul(print ^ (print >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return Math.floor((((h ^ (h >>> 16)) >>> 0) / 4294967296) * capacity);
}

/**
 * Checks across rows. A duplicated e-mail is an error on every one of its rows, never "last one
 * wins": the file's intent is ambiguous and order-dependence would make resume unsafe. Phone
 * numbers and extensions given twice in one file would fail on the second apply anyway; finding
 * them here lets the dry run tell the truth.
 */
export function markDuplicates(rows: RunRows, finder: DuplicateFinder): number {
  const entries = rows.crossKeysOf(finder.candidateLines());
  let marked = 0;
  for (const [kind, code] of [['key', 'DUPLICATE_EMAIL'], ['phone', 'DUPLICATE_PHONE_NUMBER'], ['extKey', 'DUPLICATE_EXTENSION']] as const) {
    const groups = new Map<string, number[]>();
    for (const [line, [, , key, phone, extKey]] of entries) {
      const value = { key, phone, extKey }[kind as Kind];
      if (value === null) continue;
      const group = groups.get(value);
      if (group) group.push(line);
      else groups.set(value, [line]);
    }
    for (const [value, lines] of groups) {
      if (lines.length < 2) continue;
      rows.refuseLines(lines, rowError(code, describe(kind, kind === 'key' ? entries.get(lines[0]!)![1] : value, lines)));
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

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { RunRefused } from '../domain/codes.js';
import {
  COLUMN_ALIASES,
  COLUMN_KEYS,
  COLUMNS,
  KNOWN_READ_ONLY_COLUMNS,
  REPORT_COLUMNS,
  headerKey,
  type ColumnKey,
} from '../domain/columns.js';

export interface HeaderMap {
  /** Header cells as written. */
  names: string[];
  /** Canonical key per position; null for unknown or ignored columns. */
  keys: (ColumnKey | null)[];
  /** Position of each known column. */
  index: Partial<Record<ColumnKey, number>>;
  /** Header cells matching nothing (the import warns UNKNOWN_COLUMN). */
  unknown: string[];
}

/** Header texts everyone's files use: canonical names first, then the aliases. */
const BUILT_IN = new Map<string, ColumnKey>();
for (const key of COLUMN_KEYS) BUILT_IN.set(headerKey(COLUMNS[key]), key);
for (const key of COLUMN_KEYS) {
  for (const alias of COLUMN_ALIASES[key]) if (!BUILT_IN.has(headerKey(alias))) BUILT_IN.set(headerKey(alias), key);
}

/** Columns that are known but never read: our own report columns and read-only export columns. */
const IGNORED = new Set<string>([...REPORT_COLUMNS, ...KNOWN_READ_ONLY_COLUMNS].map(headerKey));

/** The column a header-map target names: a key (`phoneNumber`) or a canonical name ("Phone Number"). */
function resolveTarget(target: string): ColumnKey | undefined {
  if ((COLUMN_KEYS as string[]).includes(target)) return target as ColumnKey;
  return COLUMN_KEYS.find((key) => headerKey(COLUMNS[key]) === headerKey(target));
}

/** Maps the header cells to canonical columns; refuses a header without an e-mail column or with one column twice. */
export function mapHeader(names: string[], extraAliases: Record<string, string> = {}): HeaderMap {
  const lookup = new Map(BUILT_IN);
  for (const [text, target] of Object.entries(extraAliases)) {
    const key = resolveTarget(target);
    if (key === undefined) throw badTarget(text, target);
    const existing = lookup.get(headerKey(text));
    if (existing !== undefined && existing !== key) {
      throw new RunRefused(
        'BAD_HEADER_MAP',
        `The header map sends "${text}" to "${COLUMNS[key]}", but that header already means "${COLUMNS[existing]}". Remove that entry.`,
      );
    }
    lookup.set(headerKey(text), key);
  }

  const map: HeaderMap = { names: [...names], keys: [], index: {}, unknown: [] };
  // Empty cells at the end come from a trailing delimiter: nothing to warn about.
  let last = names.length - 1;
  while (last >= 0 && headerKey(names[last]!) === '') last--;
  names.forEach((name, position) => {
    const normalised = headerKey(name);
    const key = lookup.get(normalised);
    map.keys.push(key ?? null);
    if (key === undefined) {
      if (!IGNORED.has(normalised) && position <= last) map.unknown.push(name);
      return;
    }
    const earlier = map.index[key];
    if (earlier !== undefined) {
      throw new RunRefused(
        'DUPLICATE_COLUMN',
        `The header names the column "${COLUMNS[key]}" twice: "${names[earlier]}" (column ${earlier + 1}) and "${name}" (column ${position + 1}). ` +
          'Keep one of them and remove or rename the other.',
        { column: COLUMNS[key] },
      );
    }
    map.index[key] = position;
  });

  if (map.index.email === undefined) throw missingEmail(names);
  return map;
}

/**
 * `mapHeader` for a header found on `line` of the file (or sheet row): a refusal that does not
 * know where the header is gets that line.
 */
export function mapHeaderOnLine(names: string[], line: number, extraAliases?: Record<string, string>): HeaderMap {
  try {
    return mapHeader(names, extraAliases);
  } catch (error) {
    if (error instanceof RunRefused && error.line === undefined) {
      throw new RunRefused(error.code, error.message, error.column === undefined ? { line } : { line, column: error.column });
    }
    throw error;
  }
}

function missingEmail(names: string[]): RunRefused {
  const wanted = `"${COLUMNS.email}"`;
  const found = names.length > 0 ? names.map((n) => `"${n}"`).join(', ') : '(none)';
  const data = names.find((n) => n.includes('@'));
  if (data !== undefined) {
    return new RunRefused(
      'MISSING_EMAIL_COLUMN',
      `The first line looks like data, not a header ("${data}" holds an @): the file seems to have no header row. ` +
        `Add a header line with ${wanted} and the other column names above the first user.`,
      { column: COLUMNS.email },
    );
  }
  const hint = closestEmailHeader(names);
  return new RunRefused(
    'MISSING_EMAIL_COLUMN',
    `The header has no ${wanted} column. Found: ${found}.` +
      (hint === undefined ? '' : ` Did you mean "${hint}" to be ${wanted}? Rename it.`) +
      ' A --header-map file can name other headers for this column.',
    { column: COLUMNS.email },
  );
}

/** The header cell most like a spelling of the e-mail column, when one is close enough to be a typo. */
function closestEmailHeader(names: string[]): string | undefined {
  const targets = [COLUMNS.email, ...COLUMN_ALIASES.email].map(headerKey);
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const key = headerKey(name);
    if (key === '') continue;
    for (const target of targets) {
      const distance = editDistance(key, target);
      const allowed = Math.max(2, Math.floor(target.length / 4));
      if (distance <= allowed && (best === undefined || distance < best.distance)) best = { name, distance };
    }
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost));
    }
    previous = current;
  }
  return previous[b.length]!;
}

function badTarget(text: string, target: string): RunRefused {
  return new RunRefused(
    'BAD_HEADER_MAP',
    `The header map sends "${text}" to "${target}", which is not a column. ` +
      `Use one of: ${COLUMN_KEYS.map((key) => `"${COLUMNS[key]}"`).join(', ')} (or its key, such as "phoneNumber").`,
  );
}

/** One entry of a header map file: header text → column; both strings. */
const Entry = z.tuple([z.string(), z.string()]);

/**
 * At most this many entries and bytes: a header has at most 200 columns, and the map travels to
 * the reader thread, whose memory is bounded (read-rows.ts).
 */
export const HEADER_MAP_LIMITS = { entries: 10_000, bytes: 1024 * 1024 };

/**
 * Reads a `--header-map` file: a JSON object from a partner's header text to a column name or
 * key, e.g. `{ "Mobiel": "Phone Number" }`. Returns the entries with their targets as keys, in
 * an object without a prototype, so a header text such as `__proto__` is an entry like any other.
 */
export async function loadHeaderMapFile(path: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new RunRefused('BAD_HEADER_MAP', `The header map file ${path} cannot be read (${reason}).`);
  }
  if (Buffer.byteLength(text) > HEADER_MAP_LIMITS.bytes) {
    throw new RunRefused('BAD_HEADER_MAP', `The header map file ${path} is larger than ${HEADER_MAP_LIMITS.bytes / 1024} KiB; a header map names a few header texts, not a whole file.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new RunRefused('BAD_HEADER_MAP', `The header map file ${path} is not valid JSON: ${(error as Error).message}.`);
  }
  const shape = `must be one JSON object of "header text": "column" pairs, all strings`;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new RunRefused('BAD_HEADER_MAP', `The header map file ${path} ${shape}.`);
  // Own entries, checked one by one: a schema for records skips a "__proto__" key (and so its value).
  const entries = Object.entries(json);
  if (entries.length > HEADER_MAP_LIMITS.entries) {
    throw new RunRefused('BAD_HEADER_MAP', `The header map file ${path} has ${entries.length} entries; at most ${HEADER_MAP_LIMITS.entries} are read.`);
  }
  const out = Object.create(null) as Record<string, string>;
  for (const entry of entries) {
    const parsed = Entry.safeParse(entry);
    if (!parsed.success) {
      throw new RunRefused('BAD_HEADER_MAP', `The header map file ${path} ${shape}: "${entry[0]}" maps to ${JSON.stringify(entry[1])}, which is not a string.`);
    }
    const [text, target] = parsed.data;
    if (headerKey(text) === '') throw new RunRefused('BAD_HEADER_MAP', `The header map file ${path} has an entry whose header text is empty.`);
    const key = resolveTarget(target);
    if (key === undefined) throw badTarget(text, target);
    out[text] = key;
  }
  return out;
}

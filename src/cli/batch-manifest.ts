import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { RunRefused } from '../domain/codes.js';
import { whyUnreadable } from '../domain/faults.js';

/**
 * The manifest of `bulkhub batch`: many customers in one job. JSON, checked whole with zod
 * before anything runs (a typo in entry 40 must not surface after 39 imports):
 *
 *   {
 *     "parallel": 2,
 *     "defaults": { "mode": "add-only", "keepRuns": 30 },
 *     "entries": [
 *       { "customer": "acme", "file": "acme.csv" },
 *       { "customer": "globex", "file": "in/globex.csv", "mode": "add-remove", "out": "reports/globex" }
 *     ]
 *   }
 *
 * Paths are relative to the manifest. An entry's own value wins over `defaults`, which wins over
 * the command's options (command line, environment, config file).
 */

const count = z.number().int().min(1);

/** What an entry may set for its import; the names are those of `users import`'s options. */
const EntryOptions = z.strictObject({
  mode: z.enum(['add-remove', 'add-only']),
  dryRun: z.boolean(),
  allowRemovals: z.boolean(),
  out: z.string().min(1),
  delimiter: z.enum(['comma', 'semicolon', 'tab']),
  headerMap: z.string().min(1),
  sheet: z.string().min(1),
  keepRuns: count,
  keepDays: count,
}).partial();

const Entry = EntryOptions.extend({
  customer: z.string().trim().min(1),
  file: z.string().min(1),
});

export const Manifest = z.strictObject({
  parallel: count.max(16).optional(),
  defaults: EntryOptions.optional(),
  entries: z.array(Entry).min(1),
});

export type EntryOptions = z.infer<typeof EntryOptions>;
export type ManifestEntry = z.infer<typeof Entry>;
export type BatchManifest = z.infer<typeof Manifest>;

/**
 * Reads, checks and resolves a manifest: every entry has its defaults applied and its paths made
 * absolute. Refuses (BAD_ARGUMENTS, naming the file and each problem's place) a manifest that is
 * not valid, or that lists a customer twice (two imports of one customer would only wait for
 * each other's lock).
 */
export function loadManifest(path: string): { parallel?: number; entries: ManifestEntry[] } {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RunRefused('BAD_ARGUMENTS', `The manifest ${file} cannot be read: ${whyUnreadable(error)}.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new RunRefused('BAD_ARGUMENTS', `The manifest ${file} is not valid JSON: ${(error as Error).message}.`);
  }
  const parsed = Manifest.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const at = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
      const what = issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
      return at ? `${at}: ${what}` : what;
    });
    throw new RunRefused('BAD_ARGUMENTS', `The manifest ${file} is not valid: ${problems.join('; ')}.`);
  }
  const { parallel, defaults = {}, entries } = parsed.data;
  const seen = new Map<string, number>();
  entries.forEach((entry, i) => {
    const key = entry.customer.toLowerCase();
    if (seen.has(key)) {
      throw new RunRefused('BAD_ARGUMENTS', `The manifest ${file} lists customer ${entry.customer} twice (entries[${seen.get(key)}] and entries[${i}]); one import per customer at a time.`);
    }
    seen.set(key, i);
  });
  const base = dirname(file);
  const at = (p: string | undefined) => (p === undefined ? undefined : resolve(base, p));
  return {
    ...(parallel !== undefined && { parallel }),
    entries: entries.map((entry) => {
      const merged = { ...defaults, ...entry };
      return { ...merged, file: at(merged.file)!, out: at(merged.out), headerMap: at(merged.headerMap) };
    }),
  };
}

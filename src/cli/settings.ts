import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Argv, MiddlewareFunction } from 'yargs';
import { z } from 'zod';
import { whyUnreadable } from '../domain/faults.js';

/**
 * Where an option's value comes from, first match wins (yargs' own order):
 *
 *   1. the command line            --concurrency 4
 *   2. the environment             BULKHUB_CONCURRENCY=4 (every option: BULKHUB_ + its name in capitals, `-` as `_`)
 *   3. the config file             {"concurrency": 4} in --config FILE, else ./bulkhub.config.json if it exists
 *   4. the option's default
 *
 * The config file holds settings a nightly job keeps from run to run (which database, which
 * target, how hard to push it, how much history to keep), not the inputs of one run (a customer,
 * a file, a run to resume): those go on the command line, or in a `bulkhub batch` manifest.
 */

/** The file found without `--config`: in the folder bulkhub runs in. */
export const CONVENTIONAL_CONFIG = 'bulkhub.config.json';

/** The environment prefix of every option. */
export const ENV_PREFIX = 'BULKHUB';

const count = z.number().int().min(1);

/** What a config file may hold. Unknown keys are refused (a typo must not pass silently). */
export const ConfigFile = z.strictObject({
  db: z.string().min(1).describe('the SQLite file (--db)'),
  backend: z.enum(['sqlite', 'webex']).describe('the target (--backend)'),
  concurrency: count.max(64).describe('changes in flight at once (--concurrency)'),
  mode: z.enum(['add-remove', 'add-only']).describe('--mode of users import'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).describe('--log-level'),
  quiet: z.boolean().describe('--quiet'),
  json: z.boolean().describe('--json'),
  delimiter: z.enum(['comma', 'semicolon', 'tab']).describe('--delimiter'),
  headerMap: z.string().min(1).describe('--header-map FILE (relative to the config file)'),
  keepRuns: count.describe('after a completed import, keep this many runs of the customer and target (--keep-runs)'),
  keepDays: count.describe('after a completed import, keep the runs of the last DAYS days (--keep-days)'),
  readerThreads: z.union([z.literal(1), z.literal(2)]).describe('threads that read a large CSV (--reader-threads)'),
}).partial();

export type ConfigSettings = z.infer<typeof ConfigFile>;

/** `log-level` → `logLevel`: config keys may be written either way, like options. */
function camel(key: string): string {
  return key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Reads and validates a config file. Throws an Error whose message names the file and every
 * problem (yargs prints it as a BAD_ARGUMENTS refusal). Paths in it are relative to the file.
 */
export function loadConfig(path: string): ConfigSettings {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Config file ${file} cannot be read: ${whyUnreadable(error)}.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`Config file ${file} is not valid JSON: ${(error as Error).message}.`);
  }
  const input = raw !== null && typeof raw === 'object' && !Array.isArray(raw)
    ? Object.fromEntries(Object.entries(raw).map(([k, v]) => [camel(k), v]))
    : raw;
  const parsed = ConfigFile.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') return `unknown setting ${issue.keys.map((k) => `"${k}"`).join(', ')} (known: ${Object.keys(ConfigFile.shape).join(', ')})`;
      const at = issue.path.length > 0 ? `"${issue.path.join('.')}": ` : '';
      return `${at}${issue.message}`;
    });
    throw new Error(`Config file ${file} is not valid: ${problems.join('; ')}.`);
  }
  const settings = parsed.data;
  for (const key of ['db', 'headerMap'] as const) {
    if (settings[key] !== undefined) settings[key] = resolve(file, '..', settings[key]);
  }
  return settings;
}

/**
 * Adds `--config`, the environment and the conventional config file to a yargs parser.
 *
 * Settings from the environment and the config file apply to every command, but each command
 * takes only its own options: a `BULKHUB_CUSTOMER` meant for imports, or `concurrency` in the
 * config file, must not make `runs list` fail with "Unknown argument". So what the command does
 * not take is dropped unless it was typed on the command line (a typed unknown option is still
 * refused by `.strict()`).
 */
export function withSettings<T>(y: Argv<T>, typed: readonly string[], cwd = process.cwd()): Argv<T> {
  const conventional = resolve(cwd, CONVENTIONAL_CONFIG);
  const withConfig = y
    .env(ENV_PREFIX)
    .config('config', `Settings file (JSON); without it ./${CONVENTIONAL_CONFIG} is read when it exists`, loadConfig);
  // yargs reads the config option's default like a given path: set only when the file is there.
  return (existsSync(conventional) ? withConfig.default('config', conventional, `./${CONVENTIONAL_CONFIG}`) : withConfig)
    .middleware(((argv: Record<string, unknown>, parser: { getOptions(): { key: Record<string, unknown>; alias: Record<string, string[]> } }) => {
      const known = new Set<string>(['_', '$0']);
      const add = (name: string) => {
        known.add(name);
        known.add(camel(name));
      };
      const options = parser.getOptions();
      for (const key of Object.keys(options.key)) add(key);
      for (const [key, aliases] of Object.entries(options.alias)) [key, ...aliases].forEach(add);
      const names = typedNames(typed);
      for (const key of Object.keys(argv)) {
        if (!known.has(key) && !names.has(key) && !names.has(camel(key))) delete argv[key];
      }
    }) as unknown as MiddlewareFunction, true) as Argv<T>;
}

/** The option names written on the command line (`--a-b`, `--no-a-b`, `--a-b=x`, `-abc`), without their values. */
function typedNames(args: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const arg of args) {
    if (arg === '--') break;
    const long = /^--(?:no-)?([^=]+)/.exec(arg);
    if (long) {
      names.add(long[1]!);
      names.add(camel(long[1]!));
    } else if (/^-[^-]/.test(arg)) for (const c of arg.slice(1)) names.add(c);
  }
  return names;
}

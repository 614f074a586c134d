import type { Argv } from 'yargs';
import { RunRefused } from '../domain/codes.js';
import { openDb, resolveDbPath, type Db, type OpenOptions } from '../db/open.js';
import { EXIT } from './exit-codes.js';

/** Options every command understands. */
export interface GlobalArgs {
  db?: string;
  json?: boolean;
  quiet?: boolean;
  logLevel?: string;
}

export function withGlobalOptions<T>(y: Argv<T>): Argv<T & GlobalArgs> {
  return y
    .option('db', {
      type: 'string',
      describe: 'SQLite file of the embedded directory and the run journal (env BULKHUB_DB)',
      defaultDescription: '.bulkhub/bulkhub.db',
    })
    .option('json', { type: 'boolean', describe: 'Print machine-readable JSON on stdout' })
    .option('quiet', { type: 'boolean', describe: 'Print only errors' })
    .option('log-level', {
      type: 'string',
      choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      describe: 'How much to log on stderr',
      defaultDescription: 'info',
    }) as Argv<T & GlobalArgs>;
}

/** Opens the SQLite file named by `--db`, `BULKHUB_DB` or the default. */
export function openDbFromArgs(args: GlobalArgs, options?: OpenOptions): Db {
  return openDb(resolveDbPath(args.db), options);
}

/**
 * Runs a command body and turns its outcome into an exit code: a `RunRefused` prints its
 * message on stderr and exits 2; anything unexpected is re-thrown so it is never swallowed.
 */
export async function runCommand(body: () => Promise<number | void>): Promise<void> {
  try {
    const code = await body();
    process.exitCode = code ?? EXIT.OK;
  } catch (error) {
    if (error instanceof RunRefused) {
      process.stderr.write(`bulkhub: ${error.code}: ${error.describe()}\n`);
      process.exitCode = EXIT.NOT_APPLIED;
      return;
    }
    throw error;
  }
}

/** Prints a result: JSON when `--json`, otherwise the human text. */
export function print(args: GlobalArgs, json: unknown, text: string): void {
  process.stdout.write(args.json ? `${JSON.stringify(json, null, 2)}\n` : `${text}\n`);
}

import type { Argv } from 'yargs';
import { openDb, resolveDbPath, type Db, type OpenOptions } from '../db/open.js';
import { EXIT } from './exit-codes.js';
import { reportFailure, type FailureContext } from './problem.js';

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
 * Runs a command body and turns its outcome into an exit code. Whatever it throws is printed
 * by the one handler (problem.ts): one line, a stable code, the exit code the README gives.
 */
export async function runCommand(body: () => Promise<number | void>, context: FailureContext = {}): Promise<void> {
  try {
    const code = await body();
    process.exitCode = code ?? EXIT.OK;
  } catch (error) {
    process.exitCode = reportFailure(error, context);
  }
}

/** Prints a result: JSON when `--json`, otherwise the human text. */
export function print(args: GlobalArgs, json: unknown, text: string): void {
  process.stdout.write(args.json ? `${JSON.stringify(json, null, 2)}\n` : `${text}\n`);
}

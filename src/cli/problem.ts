import { constants } from 'node:os';
import { RunRefused, RunStopped, whereNotSaid } from '../domain/codes.js';
import { describeFault, errorCode } from '../domain/faults.js';
import { EXIT } from './exit-codes.js';

/** A command that could not do what it was asked, as printed: a stable code and plain words. */
export interface Problem {
  code: string;
  message: string;
  /** Where in the input file, when the problem is there. */
  line?: number;
  column?: string;
  /** The run it concerns, when one was begun. */
  runId?: string;
  /** The exact command that resumes a stopped run. */
  resume?: string;
  /** A next step for a person (usage, where to look). */
  hint?: string;
  /** Only at --log-level debug: where in the code it happened. */
  stack?: string;
}

/**
 * Whether stderr carries JSON lines: whenever it is not a terminal (a nightly job, a pipe, a
 * log file). The logger (log.ts) and `printProblem` ask the same question here.
 */
export function jsonOnStderr(): boolean {
  return !process.stderr.isTTY;
}

/**
 * Prints one refusal or fault on stderr. Without a terminal: one JSON line
 * `{"level":50,"time":…,"code":…,"message":…}` (pino's error level, so it sorts with the log
 * lines), plus `line`, `column`, `runId`, `resume`, `hint`, `stack` when known. On a terminal:
 * `bulkhub: CODE: message (line N, column "X")`, then the resume command, the hint and the stack.
 */
export function printProblem(problem: Problem): void {
  if (jsonOnStderr()) {
    process.stderr.write(`${JSON.stringify({ level: 50, time: Date.now(), ...problem })}\n`);
    return;
  }
  // What the message already says ("Line 2, column ...") is not said again.
  const where = problem.line !== undefined ? whereNotSaid(problem.message, problem.line, problem.column) : '';
  const lines = [`bulkhub: ${problem.code}: ${problem.message}${where}`];
  if (problem.resume) lines.push(`To resume: ${problem.resume}`);
  if (problem.hint) lines.push(problem.hint);
  if (problem.stack) lines.push(problem.stack);
  process.stderr.write(`${lines.join('\n')}\n`);
}

let showStacks = false;

/** At --log-level debug or trace a fault's stack is printed too; otherwise one clear line. */
export function setShowStacks(level: string | undefined): void {
  showStacks = level === 'debug' || level === 'trace';
}

let databaseInUse: string | undefined;

/** The database file the command works on (--db, BULKHUB_DB, the config file or the default), resolved: main.ts sets it once the options are read. */
export function setDatabaseInUse(path: string): void {
  databaseInUse = path;
}

/**
 * SQLite's errors name no file ("attempt to write a readonly database"): a fault of SQLite is said
 * with the database it concerns, since the file that is read-only or damaged may not be the one
 * the person expects (another folder, BULKHUB_DB, the config file's "db").
 */
function inTheDatabase(error: unknown, message: string): string {
  if (!databaseInUse || !/^SQLITE_/.test(errorCode(error) ?? '') || message.includes(databaseInUse)) return message;
  return `The database ${databaseInUse} cannot be used: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
}

export interface FailureContext {
  /** The --db the command was given, for the command that resumes a stopped run. */
  db?: string | undefined;
}

/**
 * The exact command that resumes a stopped run: its file, customer and target, the database the
 * command used, and the run's id (which brings back every other option the run was started with).
 */
export function resumeCommand(stopped: RunStopped, db?: string): string {
  const { run } = stopped;
  const words = ['bulkhub', 'users', 'import', run.inputFile, '--customer', run.customerId];
  if (run.backend !== 'sqlite') words.push('--backend', run.backend);
  if (db) words.push('--db', db);
  words.push('--resume', run.id);
  return words.map(shellWord).join(' ');
}

/** A word as a POSIX shell reads it back: bare when safe, else in single quotes. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The one place where an error becomes words on stderr and an exit code:
 * - `RunRefused`: nothing was applied, exit 2;
 * - `RunStopped`: a run stopped part-way, resumable: exit 3, or 128 + the signal's number;
 * - a fault of the environment (disk full, read-only, not a database…): exit 2, since it
 *   stopped the command before it changed anything (a run in progress is a `RunStopped`);
 * - anything else is a defect: INTERNAL_ERROR, exit 3.
 * Returns the exit code; the stack is printed only at --log-level debug.
 */
export function reportFailure(error: unknown, context: FailureContext = {}): number {
  const stack = showStacks && error instanceof Error ? { stack: fullStack(error) } : {};
  if (error instanceof RunRefused) {
    printProblem({ code: error.code, message: error.message, ...(error.line !== undefined && { line: error.line }), ...(error.column && { column: error.column }), ...stack });
  } else if (error instanceof RunStopped) {
    printProblem({ code: error.code, message: error.message, runId: error.runId, resume: resumeCommand(error, context.db), ...stack });
  } else {
    const fault = describeFault(error);
    printProblem({ code: fault.code, message: inTheDatabase(error, fault.message), ...(fault.known ? {} : { hint: 'Run again with --log-level debug to see where it happened.' }), ...stack });
  }
  return exitCodeFor(error);
}

/** The exit code of an error, as `reportFailure` explains it (also for `batch`, which prints none). */
export function exitCodeFor(error: unknown): number {
  if (error instanceof RunRefused) return EXIT.NOT_APPLIED;
  if (error instanceof RunStopped) return error.signal ? EXIT.SIGNAL_BASE + (constants.signals[error.signal] ?? 0) : EXIT.STOPPED;
  return describeFault(error).known ? EXIT.NOT_APPLIED : EXIT.STOPPED;
}

function fullStack(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  return `${error.stack ?? error.message}${cause instanceof Error ? `\nCaused by: ${fullStack(cause)}` : ''}`;
}

import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { jsonOnStderr } from './problem.js';

export interface LogOptions {
  level?: string;
  quiet?: boolean;
}

/**
 * Logs go to stderr (stdout is for results): JSON lines when stderr is not a terminal, so a
 * nightly job can ship them; readable lines when a person watches. Anything that could carry
 * a credential is redacted by path.
 */
export function createLogger(options: LogOptions = {}): Logger {
  const level = options.quiet ? 'error' : (options.level ?? process.env.BULKHUB_LOG_LEVEL ?? 'info');
  const base = {
    level,
    base: undefined,
    redact: { paths: ['token', '*.token', 'authorization', '*.authorization', '*.headers.authorization', 'headers.authorization'], censor: '[redacted]' },
  };
  if (!jsonOnStderr()) {
    return pino(base, pretty({ destination: 2, sync: true, colorize: !process.env.NO_COLOR, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' }));
  }
  return pino(base, pino.destination({ fd: 2, sync: true }));
}

/** pino's numbers for the levels of a notice, so every line on stderr has one shape. */
const LEVELS = { info: 30, warn: 40, error: 50 } as const;

/**
 * One message for whoever reads stderr: the text as it is on a terminal; otherwise a JSON line
 * in pino's shape (`level`, `time`, the fields, `msg`), so that without a terminal stderr
 * carries JSON lines only and a scheduler can parse every one of them.
 */
export function notice(level: keyof typeof LEVELS, text: string, fields: Record<string, unknown> = {}): void {
  if (process.stderr.isTTY) process.stderr.write(`${text}\n`);
  else process.stderr.write(`${JSON.stringify({ level: LEVELS[level], time: Date.now(), ...fields, msg: text })}\n`);
}

/**
 * The last line on stderr of a command that runs imports: its outcome, exit code and counts, for
 * a scheduler to act on without reading stdout. Without a terminal it is always there (a JSON
 * line), except with `--quiet` when all went well or with `--log-level silent`; on a terminal,
 * where stdout already tells, it is printed only for a refusal (`bulkhub: CODE: message`).
 */
export function outcomeLine(args: { quiet?: boolean; logLevel?: string }, exitCode: number, text: string,
  fields: { outcome: string; refusal?: { code: string; message: string } } & Record<string, unknown>): void {
  if (args.logLevel === 'silent' || (args.quiet && exitCode === 0)) return;
  const { refusal, ...rest } = fields;
  if (process.stderr.isTTY) {
    if (refusal) process.stderr.write(`bulkhub: ${refusal.code}: ${refusal.message}\n`);
    return;
  }
  notice(exitCode === 0 ? 'info' : exitCode === 1 ? 'warn' : 'error', text, { ...rest, exitCode, ...(refusal && { code: refusal.code, message: refusal.message }) });
}

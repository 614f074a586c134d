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

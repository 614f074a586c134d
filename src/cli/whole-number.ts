import { RunRefused, shownNumber } from '../domain/codes.js';
import { ENV_PREFIX } from './settings.js';

/**
 * Refuses a count option that is not a whole number of at least `min` (`--concurrency abc`, `0`,
 * `1.5`) as BAD_ARGUMENTS, before a run is begun: a bad value must never reach the pipeline, where
 * it would stop a run as an internal error and leave it unfinished. The message names where the
 * value came from when it was not typed (`BULKHUB_CONCURRENCY=abc`), since a person reading
 * "--concurrency" who typed no such option would look in the wrong place.
 */
export function requireWholeNumber(option: string, value: unknown, min = 1, argv: readonly string[] = process.argv.slice(2)): void {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min) return;
  throw new RunRefused('BAD_ARGUMENTS', `${optionSource(option, argv)} must be a whole number of at least ${min}, not ${shownNumber(value)}.`);
}

/** `--name`, or `BULKHUB_NAME=value` when the environment gave it and the command line did not. */
export function optionSource(option: string, argv: readonly string[] = process.argv.slice(2)): string {
  const typed = argv.some((word) => word === `--${option}` || word.startsWith(`--${option}=`));
  const variable = `${ENV_PREFIX}_${option.toUpperCase().replace(/-/g, '_')}`;
  const fromEnv = process.env[variable];
  return !typed && fromEnv !== undefined ? `${variable}=${JSON.stringify(fromEnv)} (the environment's --${option})` : `--${option}`;
}

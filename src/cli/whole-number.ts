import { RunRefused, shownNumber } from '../domain/codes.js';
import { ENV_PREFIX } from './settings.js';

/**
 * Refuses a count option that is not a whole number of at least `min` (`--concurrency abc`, `0`,
 * `1.5`) as BAD_ARGUMENTS, before a run is begun: a bad value must never reach the pipeline, where
 * it would stop a run as an internal error and leave it unfinished.
 */
export function requireWholeNumber(option: string, value: unknown, min = 1, argv: readonly string[] = process.argv.slice(2)): void {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min) return;
  const source = optionSource(option, argv);
  const shown = source.variable ? JSON.stringify(process.env[source.variable]) : shownNumber(value);
  throw new RunRefused('BAD_ARGUMENTS', `${source.name} must be a whole number of at least ${min}, not ${shown}.`);
}

/**
 * How to name an option in a refusal: `--mode` when it was typed, else `BULKHUB_MODE (the
 * environment's --mode)` when the environment gave it. A person who typed no `--mode` and reads
 * "--mode must be..." would look in the wrong place.
 */
export function optionSource(option: string, argv: readonly string[] = process.argv.slice(2)): { name: string; variable?: string } {
  const typed = argv.some((word) => word === `--${option}` || word.startsWith(`--${option}=`));
  const variable = `${ENV_PREFIX}_${option.toUpperCase().replace(/-/g, '_')}`;
  if (typed || process.env[variable] === undefined) return { name: `--${option}` };
  return { name: `${variable} (the environment's --${option})`, variable };
}

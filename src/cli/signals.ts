import { constants } from 'node:os';
import { EXIT } from './exit-codes.js';

/** The signals a person or a scheduler sends to stop bulkhub: Ctrl-C, `kill`, a closed terminal. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const satisfies readonly NodeJS.Signals[];

/** Asks a run whether it should stop at its next safe point, and why. */
export type StopCheck = () => NodeJS.Signals | undefined;

let requested: NodeJS.Signals | undefined;
let stoppable: { onRequest: (signal: NodeJS.Signals) => void } | undefined;

/**
 * Installs the handlers once, at start. While a run is stoppable (`whileStoppable`), the first
 * signal asks it to stop at the next safe point (between windows, between batches of lines), where
 * nothing is half-done; a second one ends the process at once (the journal's transactions keep
 * even that exact). Outside a run there is nothing to stop carefully: the process ends at once.
 * Either way the exit code is 128 + the signal's number.
 */
export function handleStopSignals(): void {
  for (const signal of STOP_SIGNALS) {
    process.on(signal, () => {
      if (!stoppable || requested) process.exit(EXIT.SIGNAL_BASE + constants.signals[signal]);
      requested = signal;
      stoppable.onRequest(signal);
    });
  }
}

/**
 * Runs `work` as stoppable: it receives the check to call at its safe points. `onRequest` is told
 * when the first signal arrives (to log that the run is stopping).
 */
export async function whileStoppable<T>(onRequest: (signal: NodeJS.Signals) => void, work: (stop: StopCheck) => Promise<T>): Promise<T> {
  stoppable = { onRequest };
  try {
    return await work(() => requested);
  } finally {
    stoppable = undefined;
  }
}

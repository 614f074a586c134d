import type { Issue } from './codes.js';
import type { RowStatus } from './user.js';

export interface RowOutcome {
  status: RowStatus;
  code: string;
  message: string;
}

/**
 * Folds a row's issues into the one status, code and message a report line has room for:
 * any error makes the row an error; the code is the first error's (else the first warning's);
 * the message lists every error and warning, so a person fixes them all in one go. A row that
 * was applied (ok or warning) also says its note (what changed, how a fault was settled) and
 * its notes (what was ignored).
 */
export function outcomeOf(issues: readonly Issue[], note = ''): RowOutcome {
  if (issues.length === 0) return { status: 'ok', code: '', message: note };
  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = issues.filter((i) => i.severity === 'warning');
  if (errors.length > 0) return { status: 'error', code: errors[0]!.code, message: [...errors, ...warnings].map((i) => i.message).join(' | ') };
  const notes = issues.filter((i) => i.severity === 'info').map((i) => i.message);
  const message = [...warnings.map((i) => i.message), ...(note ? [note] : []), ...notes].join(' | ');
  return warnings.length > 0 ? { status: 'warning', code: warnings[0]!.code, message } : { status: 'ok', code: '', message };
}

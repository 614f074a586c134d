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
 * the message lists every issue, so a person fixes them all in one go.
 */
export function outcomeOf(issues: readonly Issue[], note = ''): RowOutcome {
  const errors = issues.filter((i) => i.severity === 'error');
  const shown = errors.length > 0 ? errors : issues;
  if (shown.length === 0) return { status: 'ok', code: '', message: note };
  return {
    status: errors.length > 0 ? 'error' : 'warning',
    code: shown[0]!.code,
    // A warning row was applied: its note (what changed, how a fault was settled) still matters.
    message: [...(errors.length > 0 ? [...errors, ...issues.filter((i) => i.severity === 'warning')] : shown).map((i) => i.message), ...(errors.length === 0 && note ? [note] : [])]
      .join(' | '),
  };
}

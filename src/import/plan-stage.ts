import type { Backend } from '../backends/port.js';
import { LOOKUP_BATCH_SIZE } from '../backends/port.js';
import { planRow, type PlanContext } from '../domain/plan.js';
import type { FinalRow, RunRows } from '../journal/rows.js';
import type { Progress } from './progress.js';

/**
 * Pass two: plans every valid line against the target's current state, looked up in batches
 * of e-mails. Lines with something to apply become `pending` with their planned action; the
 * rest (unchanged, errors such as an unknown location) are final here.
 */
export async function planAll(rows: RunRows, backend: Backend, ctx: PlanContext, progress: Progress, total: number): Promise<void> {
  progress.start('planning', total, 'rows');
  let after = 0;
  let done = 0;
  for (;;) {
    const window = rows.nextWindow(['valid', 'valid'], after, LOOKUP_BATCH_SIZE);
    if (window.length === 0) break;
    after = window[window.length - 1]!.line;
    const current = await backend.findUsers(ctx.customerId, window.map((r) => r.key));
    const pending: FinalRow[] = [];
    const final: FinalRow[] = [];
    for (const row of window) {
      const plan = planRow(row.intent, current.get(row.key), ctx);
      const issues = [...row.issues, ...plan.issues];
      if (plan.op) pending.push({ line: row.line, action: plan.action, issues, ...(plan.note ? { note: plan.note } : {}) });
      else final.push({ line: row.line, action: plan.action, issues, ...(plan.note ? { note: plan.note } : {}) });
    }
    rows.markPlanned(pending);
    rows.markDone(final);
    done += window.length;
    progress.update(done);
  }
  progress.finish();
}

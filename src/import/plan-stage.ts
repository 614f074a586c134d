import pLimit from 'p-limit';
import type { Backend } from '../backends/port.js';
import { LOOKUP_BATCH_SIZE } from '../backends/port.js';
import { rowError } from '../domain/codes.js';
import { planRow, type Plan, type PlanContext } from '../domain/plan.js';
import type { FinalRow, RunRows } from '../journal/rows.js';
import type { Progress } from './progress.js';

/**
 * Pass two: plans every valid line against the target's current state, looked up in batches
 * of e-mails. Lines with something to apply become `pending` with their planned action; the
 * rest (unchanged, errors such as an unknown location) are final here.
 */
export async function planAll(rows: RunRows, backend: Backend, ctx: PlanContext, progress: Progress, total: number,
  options: { precheck?: boolean; concurrency?: number } = {}): Promise<void> {
  progress.start('planning', total, 'rows');
  const limit = pLimit(options.concurrency ?? 8);
  let after = 0;
  let done = 0;
  for (;;) {
    const window = rows.nextWindow(['valid', 'valid'], after, LOOKUP_BATCH_SIZE);
    if (window.length === 0) break;
    after = window[window.length - 1]!.line;
    const current = await backend.findUsers(ctx.customerId, window.map((r) => r.key));
    const pending: FinalRow[] = [];
    const final: FinalRow[] = [];
    const plans = window.map((row) => planRow(row.intent, current.get(row.key), ctx));
    const refusals = options.precheck && backend.precheck ? await precheckAdds(backend, plans, limit) : [];
    window.forEach((row, i) => {
      const plan = plans[i]!;
      const refusal = refusals[i];
      const issues = [...row.issues, ...plan.issues, ...(refusal ? [refusal] : [])];
      if (refusal) final.push({ line: row.line, action: plan.action, issues });
      else if (plan.op) pending.push({ line: row.line, action: plan.action, issues, ...(plan.note ? { note: plan.note } : {}) });
      else final.push({ line: row.line, action: plan.action, issues, ...(plan.note ? { note: plan.note } : {}) });
    });
    rows.markPlanned(pending);
    rows.markDone(final);
    done += window.length;
    progress.update(done);
  }
  progress.finish();
}

/**
 * `--dry-run --precheck`: asks the target about every planned add (Webex: POST
 * /wholesale/subscribers/validate), so the dry run catches what the real run would hit. A
 * refused add becomes an error of its row; the others stay planned.
 */
async function precheckAdds(backend: Backend, plans: readonly Plan[], limit: ReturnType<typeof pLimit>): Promise<Array<ReturnType<typeof rowError> | undefined>> {
  return Promise.all(
    plans.map((plan) =>
      plan.op?.kind === 'add'
        ? limit(async () => {
            const result = await backend.precheck!(plan.op!);
            return result.status === 'error' ? rowError(result.code, result.message) : undefined;
          })
        : undefined,
    ),
  );
}

import pLimit from 'p-limit';
import type { Backend } from '../backends/port.js';
import { rowError, type Issue } from '../domain/codes.js';
import type { Plan, PlanContext } from '../domain/plan.js';
import type { IngestedRow } from '../journal/rows.js';
import { lookUp } from './lookup.js';
import { planForTarget } from './target-plan.js';

export interface PlanOptions {
  /** Dry run only: ask the target about every planned add (Backend.precheck). */
  precheck?: boolean;
  /** Prechecks in flight at once. */
  concurrency?: number;
}

/**
 * Plans a batch of freshly validated lines against the target's current state, looked up in
 * batches of e-mails. Runs while the file is read, so each line is written to the journal once,
 * already planned: `pending` when it has a change to apply, final otherwise (unchanged, or an
 * error such as an unknown location, or an add the target's precheck refused).
 */
export function batchPlanner(backend: Backend, ctx: PlanContext, options: PlanOptions = {}): (batch: IngestedRow[]) => Promise<void> {
  const limit = pLimit(options.concurrency ?? 8);
  const precheck = options.precheck && backend.precheck ? backend.precheck.bind(backend) : undefined;
  return async (batch) => {
    const valid = batch.filter((row) => row.intent !== undefined);
    const current = await lookUp(backend, ctx.customerId, valid.map((row) => row.key!));
    const plans = valid.map((row) => planForTarget(backend, row.intent!, current.get(row.key!), ctx));
    const refusals = precheck ? await precheckAdds(precheck, plans, limit) : [];
    valid.forEach((row, i) => {
      const plan = plans[i]!;
      const refusal = refusals[i];
      const issues = row.issues.length === 0 && plan.issues.length === 0 && !refusal ? row.issues : [...row.issues, ...plan.issues, ...(refusal ? [refusal] : [])];
      row.plan = { action: plan.action, pending: plan.op !== undefined && !refusal, issues };
      if (plan.note) row.plan.note = plan.note;
    });
  };
}

/**
 * `--dry-run --precheck`: asks the target about every planned add (Webex: POST
 * /wholesale/subscribers/validate), so the dry run catches what the real run would hit. A
 * refused add becomes an error of its row; the others stay planned.
 */
async function precheckAdds(precheck: NonNullable<Backend['precheck']>, plans: readonly Plan[],
  limit: ReturnType<typeof pLimit>): Promise<Array<Issue | undefined>> {
  return Promise.all(
    plans.map((plan) =>
      plan.op?.kind === 'add'
        ? limit(async () => {
            const result = await precheck(plan.op!);
            return result.status === 'error' ? rowError(result.code, result.message) : undefined;
          })
        : undefined,
    ),
  );
}

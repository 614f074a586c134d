import type { Backend } from '../backends/port.js';
import { planRow, type PlanContext } from '../domain/plan.js';
import type { IngestedRow } from '../journal/rows.js';
import { lookUp } from './lookup.js';

/**
 * Plans a batch of freshly validated lines against the target's current state, looked up in
 * batches of e-mails. Runs while the file is read, so each line is written to the journal once,
 * already planned: `pending` when it has a change to apply, final otherwise (unchanged, or an
 * error such as an unknown location).
 */
export async function planBatch(batch: IngestedRow[], backend: Backend, ctx: PlanContext): Promise<void> {
  const valid = batch.filter((row) => row.intent !== undefined);
  const current = await lookUp(backend, ctx.customerId, valid.map((row) => row.key!));
  for (const row of valid) {
    const plan = planRow(row.intent!, current.get(row.key!), ctx);
    row.plan = {
      action: plan.action,
      pending: plan.op !== undefined,
      issues: plan.issues.length === 0 ? row.issues : [...row.issues, ...plan.issues],
      ...(plan.note ? { note: plan.note } : {}),
    };
  }
}

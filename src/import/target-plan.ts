import type { Backend } from '../backends/port.js';
import { planRow, type Plan, type PlanContext } from '../domain/plan.js';
import type { DirectoryUser, Intent } from '../domain/user.js';

/**
 * Plans a row (domain/plan.ts), then asks the target's own rules (Backend.rules) about the
 * change: an error there stops the row at planning, in a dry run as in the real run. The plan
 * stage and the apply stage's re-planning both go through here.
 */
export function planForTarget(backend: Backend, intent: Intent, current: DirectoryUser | undefined, ctx: PlanContext): Plan {
  const plan = planRow(intent, current, ctx);
  if (!plan.op || !backend.rules) return plan;
  const issues = backend.rules(plan.op, current);
  if (issues.length === 0) return plan;
  if (!issues.some((i) => i.severity === 'error')) return { ...plan, issues: [...plan.issues, ...issues] };
  return { action: 'none', issues: [...plan.issues, ...issues] };
}

import pLimit from 'p-limit';
import type { Backend, OperationResult } from '../backends/port.js';
import { rowError, rowWarning } from '../domain/codes.js';
import type { PlanContext } from '../domain/plan.js';
import type { Operation } from '../domain/user.js';
import type { FinalRow, RunRows, WorkRow } from '../journal/rows.js';
import { lookUp } from './lookup.js';
import { planForTarget } from './target-plan.js';
import type { Progress } from './progress.js';

export interface ApplyOptions {
  /** Changes in flight at once when the target applies them one by one. */
  concurrency: number;
  /** Lines taken per round: marked in flight together, looked up together, finished together. */
  windowSize: number;
  progress: Progress;
  /** Called between windows, where nothing is half-done: may throw to stop the run there (a signal). */
  checkpoint?: () => void;
  /** True once the run should stop: changes of the window not yet sent are left for the resume. */
  stopping?: () => boolean;
}

/**
 * Pass three: applies the pending lines, window by window. For each window the journal first
 * records the lines as in flight, then the current state is read again and each line re-planned
 * against it, then the changes are applied and their outcomes recorded.
 *
 * Re-planning is what makes a resumed run exact: a line left in flight by a killed process
 * whose change did land now plans as "unchanged" and is recorded as applied, without being sent
 * again; one whose change did not land is simply applied now.
 *
 * When the target is the embedded directory in the journal's own database, a window needs no
 * in-flight mark: its changes and their done-marks commit in one transaction, so a killed run
 * leaves each line either applied and recorded or neither.
 */
export async function applyAll(rows: RunRows, backend: Backend, ctx: PlanContext, options: ApplyOptions): Promise<void> {
  const total = rows.countUnfinished();
  options.progress.start('applying', total, 'rows');
  const limit = pLimit(options.concurrency);
  const together = rows.usesConnection(backend.database);
  let done = 0;
  let windows = 0;
  // Windows go forward in line order; a line never returns to pending, so a keyset is exact.
  let after = 0;
  for (;;) {
    options.checkpoint?.();
    const window = rows.nextWindow(['pending', 'in_flight'], after, options.windowSize);
    if (window.length === 0) break;
    const before = done;
    let applied = 0;
    // A slow target takes long over a window: progress moves with every change, not once a window.
    const onApplied = () => options.progress.update(before + ++applied);
    const apply = async (): Promise<void> => {
      const { final, failure } = await applyWindow(window, backend, ctx, limit, options.stopping ?? (() => false), onApplied);
      faultHook(++windows);
      rows.markDone(final);
      // The target refused us (a token gone bad): what landed is recorded, the rest stays in flight.
      if (failure !== undefined) throw failure;
    };
    if (together) await rows.atomically(apply);
    else {
      rows.markInFlight(after, window[window.length - 1]!.line);
      await apply();
    }
    after = window[window.length - 1]!.line;
    done += window.length;
    options.progress.update(done);
  }
  options.progress.finish();
}

/**
 * Looks a window's users up again, re-plans each line against that state and applies what is left
 * to do. A line that was in flight when an earlier process of the run stopped keeps the action it
 * was planned with: an add whose subscriber landed but whose licences did not is finished by a
 * change, and is still reported as the add it is. Returns the lines whose outcome is known; a line
 * whose change was not sent (the run is stopping) or whose target failed as a whole is left in
 * flight, and `failure` says why the target failed.
 */
async function applyWindow(window: readonly WorkRow[], backend: Backend, ctx: PlanContext, limit: ReturnType<typeof pLimit>,
  stopping: () => boolean, onApplied: () => void): Promise<{ final: FinalRow[]; failure?: unknown }> {
  const current = await lookUp(backend, ctx.customerId, window.map((r) => r.key));
  const final: FinalRow[] = [];
  const toApply: Array<{ row: WorkRow; op: Operation; action: FinalRow['action']; note?: string }> = [];
  for (const row of window) {
    const plan = planForTarget(backend, row.intent, current.get(row.key), ctx);
    const errors = plan.issues.filter((i) => i.severity === 'error');
    const resumed = row.state === 'in_flight' && row.plannedAction !== null && row.plannedAction !== 'unchanged';
    if (plan.op) {
      const note = resumed && plan.action !== row.plannedAction ? [plan.note, RESUMED_NOTE].filter(Boolean).join(' ') : plan.note;
      toApply.push({ row, op: plan.op, action: resumed ? row.plannedAction! : plan.action, ...(note ? { note } : {}) });
    } else if (resumed && plan.action === 'unchanged') {
      // An earlier process of this run applied it and was stopped before recording so.
      final.push({ line: row.line, action: row.plannedAction!, issues: row.issues, note: 'Applied; confirmed against the target when the run was resumed.' });
    } else final.push({ line: row.line, action: plan.action, issues: [...row.issues, ...errors], ...(plan.note ? { note: plan.note } : {}) });
  }
  const { results, failure } = await applyOps(backend, toApply.map((t) => t.op), limit, stopping, onApplied);
  toApply.forEach(({ row, action, note }, i) => {
    const result = results[i];
    if (result) final.push(finalFor(row, action, result, note));
  });
  return { final, ...(failure !== undefined && { failure }) };
}

const RESUMED_NOTE = 'An earlier process of this run had started it; it was finished when the run was resumed.';

/**
 * One unit of work when the target offers it, else one change at a time with bounded concurrency.
 * Once the run is stopping or the target failed as a whole, changes not yet sent are not sent:
 * their result is undefined and their lines stay in flight for the resume.
 */
async function applyOps(backend: Backend, ops: Operation[], limit: ReturnType<typeof pLimit>,
  stopping: () => boolean, onApplied: () => void): Promise<{ results: Array<OperationResult | undefined>; failure?: unknown }> {
  if (ops.length === 0) return { results: [] };
  if (backend.applyMany) return { results: await backend.applyMany(ops) };
  let failure: unknown;
  const results = await Promise.all(ops.map((op) => limit(async () => {
    if (failure !== undefined || stopping()) return undefined;
    try {
      const result = await backend.apply(op);
      onApplied();
      return result;
    } catch (error) {
      failure ??= error;
      return undefined;
    }
  })));
  return { results, ...(failure !== undefined && { failure }) };
}

function finalFor(row: WorkRow, action: FinalRow['action'], result: OperationResult, planNote?: string): FinalRow {
  const note = [planNote, result.status === 'ok' ? result.note : undefined].filter(Boolean).join(' ');
  if (result.status === 'ok') {
    // The target's warning goes first: it is what the row's code should say (e.g. the user must accept the move).
    const issues = result.warning ? [rowWarning(result.warning.code, result.warning.message), ...row.issues] : row.issues;
    return { line: row.line, action, issues, ...(note ? { note } : {}) };
  }
  return { line: row.line, action, issues: [...row.issues, rowError(result.code, result.message)] };
}

/**
 * Test hook for the crash-and-resume tests: `BULKHUB_FAULT_KILL_AFTER_WINDOW=N` kills the
 * process with SIGKILL right after window N was applied and before the journal records it,
 * the worst moment for a crash. Never set in normal use.
 */
function faultHook(window: number): void {
  const at = Number(process.env.BULKHUB_FAULT_KILL_AFTER_WINDOW);
  if (at > 0 && window === at) process.kill(process.pid, 'SIGKILL');
}

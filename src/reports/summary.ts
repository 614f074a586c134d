import type { Db } from '../db/open.js';
import type { RunRecord } from '../journal/runs.js';
import type { RunSummary } from '../journal/types.js';

export type Counts = Pick<RunSummary, 'rows' | 'added' | 'modified' | 'removed' | 'unchanged' | 'warnings' | 'errors'>;

/**
 * The counts, straight from the journal (never from memory, so a resumed run counts the lines
 * an earlier process applied too). Lines not yet final (a dry run, a refused run) count by
 * their planned action and the status their issues give.
 */
export function countRows(db: Db, runId: string): Counts {
  const rows = db
    .prepare(
      `SELECT COALESCE(action, planned_action, 'none') AS action,
              COALESCE(status, CASE WHEN issues LIKE '%"severity":"error"%' THEN 'error'
                                    WHEN issues LIKE '%"severity":"warning"%' THEN 'warning' ELSE 'ok' END) AS status,
              COUNT(*) AS n
       FROM journal_rows WHERE run_id = ? GROUP BY 1, 2`,
    )
    .all(runId) as Array<{ action: string; status: string; n: number }>;
  const counts: Counts = { rows: 0, added: 0, modified: 0, removed: 0, unchanged: 0, warnings: 0, errors: 0 };
  for (const { action, status, n } of rows) {
    counts.rows += n;
    if (status === 'error') {
      counts.errors += n;
      continue;
    }
    if (status === 'warning') counts.warnings += n;
    if (action === 'add') counts.added += n;
    else if (action === 'modify') counts.modified += n;
    else if (action === 'remove') counts.removed += n;
    else if (action === 'unchanged') counts.unchanged += n;
  }
  return counts;
}

export function buildSummary(run: RunRecord, counts: Counts, outcome: RunSummary['outcome'], refusal?: RunSummary['refusal']): RunSummary {
  const finishedAt = new Date();
  return {
    runId: run.id,
    customerId: run.customerId,
    backend: run.backend,
    inputFile: run.inputFile,
    inputHash: run.inputHash,
    mode: run.mode,
    dryRun: run.dryRun,
    outcome,
    ...counts,
    startedAt: run.startedAt,
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - Date.parse(run.startedAt),
    ...(refusal ? { refusal } : {}),
  };
}

import type { RunRows } from '../journal/rows.js';
import type { RunRecord } from '../journal/runs.js';
import type { Counts, RunSummary } from '../journal/types.js';

export type { Counts };

/**
 * The counts, straight from the journal (never from memory, so a resumed run counts the lines
 * an earlier process applied too). Lines not yet final (a dry run, a refused run) count by
 * their planned action and the status their issues give.
 */
export function countRows(rows: RunRows): Counts {
  return countsOf(rows.tally());
}

/** The counts of a tally, without its journal-only fields. */
export function countsOf({ rows, added, modified, removed, unchanged, warnings, errors, notApplied }: Counts): Counts {
  return { rows, added, modified, removed, unchanged, warnings, errors, notApplied };
}

/** `database` is the SQLite file holding the run's journal (`Db.name`). */
export function buildSummary(run: RunRecord, database: string, counts: Counts, outcome: RunSummary['outcome'], refusal?: RunSummary['refusal']): RunSummary {
  const finishedAt = new Date();
  return {
    runId: run.id,
    database,
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

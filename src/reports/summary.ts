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

/** What the file itself warns about, read again from its header: the columns ignored and the decorated ones. */
export interface FileFacts {
  ignoredColumns: string[];
  fileWarnings: Array<{ code: string; message: string }>;
}

/**
 * The file warnings of a run whose header was accepted, from what ingest noted in the journal
 * (RunNotes), so a resumed run tells them as the first process did.
 */
export function fileFacts(run: RunRecord): FileFacts {
  const ignoredColumns = run.notes?.ignoredColumns ?? [];
  const fileWarnings: FileFacts['fileWarnings'] = [];
  if (ignoredColumns.length > 0) {
    fileWarnings.push({
      code: 'UNKNOWN_COLUMN',
      message: `Ignored columns (bulkhub does not read them): ${ignoredColumns.map((name) => JSON.stringify(name)).join(', ')}. ` +
        'A column bulkhub should read under another name can be named in a --header-map file.',
    });
  }
  for (const { name, column } of run.notes?.decoratedColumns ?? []) {
    fileWarnings.push({
      code: 'DECORATED_COLUMN',
      message: `The header ${JSON.stringify(name)} is read as the column "${column}"` +
        (/\(\s*suspended\s*\)/i.test(name) ? '; Control Hub marks a suspended service so, and does not accept TRUE in it' : '') + '.',
    });
  }
  return { ignoredColumns, fileWarnings };
}

/** `database` is the SQLite file holding the run's journal (`Db.name`). */
export function buildSummary(run: RunRecord, database: string, counts: Counts, outcome: RunSummary['outcome'], refusal?: RunSummary['refusal'], file?: FileFacts): RunSummary {
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
    warnings: counts.warnings + (file?.fileWarnings.length ?? 0),
    ...(file ? { ignoredColumns: file.ignoredColumns, fileWarnings: file.fileWarnings } : {}),
    startedAt: run.startedAt,
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - Date.parse(run.startedAt),
    ...(refusal ? { refusal } : {}),
  };
}

import { resolve } from 'node:path';
import type { Delimiter } from '../csv/sniff.js';
import type { Logger } from 'pino';
import type { Backend, CustomerFacts } from '../backends/port.js';
import type { Db } from '../db/open.js';
import { RunRefused } from '../domain/codes.js';
import { COLUMNS } from '../domain/columns.js';
import { planContext } from '../domain/plan.js';
import type { ImportMode } from '../domain/row.js';
import { markDuplicates } from '../journal/cross-checks.js';
import { takeRunLock, type RunLock } from '../journal/lock.js';
import { pruneRuns, type RetentionPolicy } from '../journal/retention.js';
import { RunRows } from '../journal/rows.js';
import { addRunNotes, claimRun, createRun, findUnfinishedRun, getRun, requireRun, setRunState, type RunRecord } from '../journal/runs.js';
import type { RunSummary } from '../journal/types.js';
import { buildSummary, countRows } from '../reports/summary.js';
import { hasLegacyLines, migrateJournal } from '../journal/schema.js';
import { writeReviewPage } from '../reports/review-html.js';
import { reportPaths, writeRowReports, writeSummary, type ReportFormat, type ReportPaths } from '../reports/write.js';
import { applyAll } from './apply-stage.js';
import { hashFile } from './hash.js';
import { ingest } from './ingest.js';
import { batchPlanner } from './plan-stage.js';
import { silentProgress, type Progress } from './progress.js';
import { removalGuard } from './removal-guard.js';

export interface ImportOptions {
  file: string;
  customerId: string;
  db: Db;
  backend: Backend;
  mode?: ImportMode;
  dryRun?: boolean;
  allowRemovals?: boolean;
  /** Report folder; by default a new folder per run under `reportsRoot`. */
  outDir?: string;
  reportsRoot?: string;
  /** Resume this run; without it an unfinished run of the same file is resumed anyway. */
  resumeRunId?: string;
  delimiter?: ',' | ';' | '\t';
  /** The reports' delimiter; by default the input's own, so a `;` file gets `;` reports. */
  reportDelimiter?: Delimiter;
  extraAliases?: Record<string, string>;
  /** The workbook's sheet to read (default: its first visible sheet). */
  sheet?: string;
  /** `xlsx` writes results.xlsx and errors.xlsx beside the CSVs. */
  reportFormat?: ReportFormat;
  concurrency?: number;
  windowSize?: number;
  /** Dry run only: ask the target about every planned add (Backend.precheck). */
  precheck?: boolean;
  logger: Logger;
  progress?: Progress;
  /** After a completed run that applied (not a dry run), delete this customer's and target's runs outside the policy. */
  retention?: RetentionPolicy;
}

export interface ImportResult {
  run: RunRecord;
  summary: RunSummary;
  reports: ReportPaths;
  resumed: boolean;
  /** What retention deleted after the run, when a policy was given. */
  pruned?: { runs: number; bytesBefore: number; bytesAfter: number };
}

/**
 * The one place that wires the import: file → validate → plan → journal → cross-row checks →
 * removal guard → apply → reports. Every stage reads and writes the journal, so a run killed at any
 * point carries on from where it was. A refused file or a tripped guard rejects with
 * `RunRefused` after writing summary.json; the caller maps that to exit code 2.
 */
export async function runImport(options: ImportOptions): Promise<ImportResult> {
  const { db, backend, logger } = options;
  migrateJournal(db);
  const file = resolve(options.file);
  const inputHash = await hashFile(file);
  const customer = await backend.getCustomer(options.customerId);

  // A dry run changes nothing: only runs that apply take the customer's lock.
  const lock = options.dryRun ? undefined : takeRunLock(db, { customerId: customer.customerId, backend: backend.name }, { logger });
  try {
    return await importLocked(options, file, inputHash, customer, lock);
  } finally {
    lock?.release();
  }
}

async function importLocked(options: ImportOptions, file: string, inputHash: string, customer: CustomerFacts, lock: RunLock | undefined): Promise<ImportResult> {
  const { db, backend, logger } = options;
  const progress = options.progress ?? silentProgress;
  const { run, resumed } = openRun(options, file, inputHash);
  lock?.holdFor(run.id);
  backend.tagRun?.(run.id);
  const rows = new RunRows(db, run.id);
  const paths = reportPaths(run.outDir);
  const ctx = planContext(customer.customerId, run.mode, customer.locations, customer.sites, backend.unmanaged);
  if (backend.unmanaged?.length) {
    logger.warn({ backend: backend.name, columns: backend.unmanaged }, `${backend.name} has no API for ${backend.unmanaged.map((k) => COLUMNS[k]).join(' and ')}: those columns are validated but not applied`);
  }
  logger.info({ runId: run.id, customerId: run.customerId, file, database: db.name, resumed, dryRun: run.dryRun }, resumed ? 'resuming run' : 'run started');

  if (run.state === 'ingesting') {
    rows.clear(); // an ingest cut short restarts from the top: nothing was applied yet
    try {
      const plan = batchPlanner(backend, ctx, { precheck: (options.precheck ?? false) && run.dryRun, concurrency: options.concurrency ?? 8 });
      const read = await ingest(rows, { file, mode: run.mode, keepIntent: !run.dryRun, plan, progress, ...pick(options, 'delimiter', 'extraAliases', 'sheet') });
      if (read.sheet !== undefined) logger.info({ sheet: read.sheet }, `reading sheet "${read.sheet}" of the workbook`);
      if (read.unknownColumns.length > 0) logger.warn({ code: 'UNKNOWN_COLUMN', columns: read.unknownColumns }, `ignored unknown columns: ${read.unknownColumns.join(', ')}`);
      if (read.blankLines > 0) logger.warn({ code: 'BLANK_LINES', count: read.blankLines }, `skipped ${read.blankLines} blank lines`);
      if (read.rows === 0) logger.warn({ code: 'NO_DATA_ROWS' }, 'the file has a header and no data rows');
      markDuplicates(rows, read.duplicates);
      addRunNotes(db, run.id, { columns: read.columns, ignoredColumns: read.unknownColumns, blankLines: read.blankLines });
      setRunState(db, run.id, 'planned', { header: read.header, delimiter: read.delimiter });
    } catch (error) {
      if (error instanceof RunRefused) await refuse(db, run, paths, 'file-refused', error, options);
      throw error;
    }
  }

  const removals = rows.countPlannedRemovals();
  const guard = removalGuard(removals, customer.userCount, run.allowRemovals);
  const verdict = guard ? (run.dryRun ? 'would-stop' : 'stopped') : removalGuard(removals, customer.userCount, false) ? 'allowed' : 'passed';
  addRunNotes(db, run.id, { guard: { removals, userCount: customer.userCount, verdict } });
  if (guard && !run.dryRun) await refuse(db, run, paths, 'refused', guard, options);

  if (!run.dryRun) {
    setRunState(db, run.id, 'applying');
    await applyAll(rows, backend, ctx, { concurrency: options.concurrency ?? 8, windowSize: options.windowSize ?? 500, progress });
  }
  // A dry run goes on past the guard, to show every planned line, but says the real run would stop.
  const refusal = guard ? { code: guard.code, message: `The real run would be refused: ${guard.message}` } : undefined;
  const result = await finish(db, requireRun(db, run.id), rows, paths, resumed, options, refusal);
  return run.dryRun || !options.retention ? result : { ...result, pruned: applyRetention(options, options.retention) };
}

/** The retention a nightly job relies on: after each completed run, the customer's old runs go. */
function applyRetention(options: ImportOptions, policy: RetentionPolicy): ImportResult['pruned'] {
  const { db, backend, logger } = options;
  const result = pruneRuns(db, { ...policy, customerId: options.customerId, backend: backend.name });
  const mb = (bytes: number) => Math.round(bytes / 104_857.6) / 10;
  if (result.deleted.length > 0) {
    logger.info({ pruned: result.deleted.map((r) => r.id), bytesBefore: result.bytesBefore, bytesAfter: result.bytesAfter },
      `retention: deleted ${result.deleted.length} older run${result.deleted.length === 1 ? '' : 's'} of customer ${options.customerId}; the database went from ${mb(result.bytesBefore)} MB to ${mb(result.bytesAfter)} MB`);
  }
  return { runs: result.deleted.length, bytesBefore: result.bytesBefore, bytesAfter: result.bytesAfter };
}

function openRun(options: ImportOptions, file: string, inputHash: string): { run: RunRecord; resumed: boolean } {
  const { db, backend } = options;
  if (options.resumeRunId) {
    const run = requireRun(db, options.resumeRunId);
    if (run.inputHash !== inputHash) {
      throw new RunRefused('INPUT_CHANGED', `${file} is not the file run ${run.id} started with (its content changed); start a new run instead of resuming.`);
    }
    if (run.customerId !== options.customerId) {
      throw new RunRefused('BAD_ARGUMENTS', `Run ${run.id} is for customer ${run.customerId}, not ${options.customerId}.`);
    }
    if (!['ingesting', 'planned', 'applying'].includes(run.state)) {
      throw new RunRefused('BAD_ARGUMENTS', `Run ${run.id} is ${run.state}; only an unfinished run can be resumed.`);
    }
    if (hasLegacyLines(db, run.id)) {
      throw new RunRefused('BAD_ARGUMENTS', `Run ${run.id} was started by an older version of bulkhub, whose journal this version does not read; start a new run (lines it applied plan as unchanged).`);
    }
    claimRun(db, run);
    return { run, resumed: true };
  }
  const unfinished = options.dryRun ? undefined : findUnfinishedRun(db, options.customerId, backend.name, inputHash);
  if (unfinished && hasLegacyLines(db, unfinished.id)) {
    options.logger.warn({ runId: unfinished.id }, `this file has an unfinished run (${unfinished.id}) started by an older version, which cannot be resumed; starting a new run`);
  } else if (unfinished) {
    claimRun(db, unfinished);
    options.logger.warn({ runId: unfinished.id }, `this file has an unfinished run (${unfinished.id}); resuming it`);
    return { run: unfinished, resumed: true };
  }
  const run = createRun(db, {
    customerId: options.customerId,
    backend: backend.name,
    inputFile: file,
    inputHash,
    mode: options.mode ?? 'add-remove',
    dryRun: options.dryRun ?? false,
    allowRemovals: options.allowRemovals ?? false,
    outDir: resolve(options.outDir ?? `${options.reportsRoot ?? 'bulkhub-reports'}/{runId}`),
  });
  return { run, resumed: false };
}

/**
 * Ends a run that applies nothing. summary.json says why; for a tripped guard the planned rows
 * are reported too, so a person sees which users the file would have removed.
 */
async function refuse(db: Db, run: RunRecord, paths: ReportPaths, state: 'refused' | 'file-refused', error: RunRefused,
  options: Pick<ImportOptions, 'reportDelimiter' | 'reportFormat'>): Promise<never> {
  const rows = new RunRows(db, run.id);
  const refusal = { code: error.code, message: error.message + (error.line ? ` (line ${error.line})` : '') };
  if (state === 'file-refused') rows.clear();
  else {
    // Every line with a change says it was not applied (not "remove, ok" under NOTHING APPLIED).
    rows.markNotApplied(error.code, 'the removal guard stopped the run before any change, so nothing was applied.');
    const planned = requireRun(db, run.id);
    await writeRowReports(paths, planned.header ?? [], rows.reportRows(), { delimiter: reportDelimiter(planned, options), format: options.reportFormat ?? 'csv' });
  }
  const summary = buildSummary(getRun(db, run.id)!, db.name, countRows(rows), state, refusal);
  writeSummary(paths, summary);
  setRunState(db, run.id, state, { summary });
  writeReviewPage(requireRun(db, run.id), rows, paths.review);
  throw Object.assign(error, { reports: paths, summary });
}

async function finish(db: Db, run: RunRecord, rows: RunRows, paths: ReportPaths, resumed: boolean,
  options: Pick<ImportOptions, 'reportDelimiter' | 'reportFormat'>, refusal?: RunSummary['refusal']): Promise<ImportResult> {
  await writeRowReports(paths, run.header ?? [], rows.reportRows(), { delimiter: reportDelimiter(run, options), format: options.reportFormat ?? 'csv' });
  const summary = buildSummary(run, db.name, countRows(rows), 'completed', refusal);
  writeSummary(paths, summary);
  setRunState(db, run.id, run.dryRun ? 'dry-run' : 'completed', { summary });
  writeReviewPage(requireRun(db, run.id), rows, paths.review);
  return { run: requireRun(db, run.id), summary, reports: paths, resumed };
}

/** The delimiter the operator asked for, else the one the input file used. */
function reportDelimiter(run: RunRecord, options: Pick<ImportOptions, 'reportDelimiter'>): Delimiter {
  return options.reportDelimiter ?? (run.delimiter as Delimiter | null) ?? ',';
}

function pick<T extends object, K extends keyof T>(object: T, ...keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (object[key] !== undefined) out[key] = object[key];
  return out;
}

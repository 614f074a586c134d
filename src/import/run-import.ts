import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Delimiter } from '../csv/sniff.js';
import { TargetUnavailable, type Backend, type CustomerFacts } from '../backends/port.js';
import type { Db } from '../db/open.js';
import { FILE_CODES, RunRefused, RunStopped } from '../domain/codes.js';
import { describeFault } from '../domain/faults.js';
import { COLUMNS } from '../domain/columns.js';
import { planContext } from '../domain/plan.js';
import type { ImportMode } from '../domain/row.js';
import { markDuplicates } from '../journal/cross-checks.js';
import { takeRunLock, type RunLock } from '../journal/lock.js';
import { pruneRuns, type RetentionPolicy } from '../journal/retention.js';
import { RunRows } from '../journal/rows.js';
import { addRunNotes, getRun, requireRun, setRunState, type RunRecord } from '../journal/runs.js';
import type { RunSummary } from '../journal/types.js';
import { buildSummary, countRows, fileFacts } from '../reports/summary.js';
import { migrateJournal } from '../journal/schema.js';
import { writeReviewPage } from '../reports/review-html.js';
import { reportPaths, writeRowReports, writeSummary, type CsvReportOptions, type ReportFormat, type ReportPaths } from '../reports/write.js';
import { applyAll } from './apply-stage.js';
import { hashFile } from './hash.js';
import { ingest } from './ingest.js';
import { batchPlanner } from './plan-stage.js';
import { inspectInput, openRun, resumesIngest, settleInputHash } from './open-run.js';
import { silentProgress, type Progress } from './progress.js';
import { removalGuard } from './removal-guard.js';

export interface ImportOptions {
  file: string;
  customerId: string;
  db: Db;
  backend: Backend;
  /**
   * The options that decide what a run does: undefined means "not given" (the default for a
   * new run; the run's own when resuming). A run is resumed only with the options it started with.
   */
  mode?: ImportMode;
  dryRun?: boolean;
  allowRemovals?: boolean;
  /** Report folder; by default a new folder per run under `reportsRoot`. */
  outDir?: string;
  reportsRoot?: string;
  /** Resume this run; without it an unfinished run of the same file with the same options is resumed anyway. */
  resumeRunId?: string;
  /** Start a new run even when the file has an unfinished run (which is then left as it is). */
  newRun?: boolean;
  /** Replace reports already in `outDir` (otherwise a folder holding another run's reports is refused). */
  replaceReports?: boolean;
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
  /** Asked at every safe point (between batches, between windows): a signal there stops the run, resumable. */
  stop?: () => NodeJS.Signals | undefined;
  /** After a completed run that applied (not a dry run), delete this customer's and target's runs outside the policy. */
  retention?: RetentionPolicy;
  /** A regular CSV of at least this many bytes is read by two reader threads (read-rows.ts SPLIT_BYTES); by default one thread reads every file. */
  readerSplitBytes?: number;
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
  const input = inspectInput(file);
  // A regular file is hashed first: that is how an unfinished run of it is found. A pipe or a
  // device can be read once only: it is hashed while it is read (ingest), never beforehand.
  const inputHash = input.regular || (options.resumeRunId && !resumesIngest(db, options.resumeRunId)) ? await hashFile(file) : undefined;
  const customer = await backend.getCustomer(options.customerId);

  // A dry run changes nothing: only runs that apply take the customer's lock (one at a time).
  const lock = options.dryRun ? undefined : takeRunLock(db, { customerId: customer.customerId, backend: backend.name }, { logger });
  try {
    return await importLocked(options, file, input, inputHash, customer, lock);
  } finally {
    lock?.release();
  }
}

async function importLocked(options: ImportOptions, file: string, input: ReturnType<typeof inspectInput>, inputHash: string | undefined,
  customer: CustomerFacts, lock: RunLock | undefined): Promise<ImportResult> {
  const { db, backend, logger } = options;
  const progress = options.progress ?? silentProgress;
  const { run, resumed } = openRun(options, file, inputHash, input);
  lock?.holdFor(run.id);
  backend.tagRun?.(run.id);
  const rows = new RunRows(db, run.id);
  const paths = reportPaths(run.outDir);
  const ctx = planContext(customer.customerId, run.mode, customer.locations, customer.sites, backend.unmanaged, customer.locationCountries);
  if (backend.unmanaged?.length) {
    logger.warn({ backend: backend.name, columns: backend.unmanaged }, `${backend.name} has no API for ${backend.unmanaged.map((k) => COLUMNS[k]).join(' and ')}: those columns are validated but not applied`);
  }
  logger.info({ runId: run.id, customerId: run.customerId, file, database: db.name, resumed, dryRun: run.dryRun }, resumed ? 'resuming run' : 'run started');
  const checkpoint = (phase: string): void => {
    const signal = options.stop?.();
    if (signal) throw new RunStopped('INTERRUPTED', `Run ${run.id} stopped on ${signal} at a safe point while ${phase}; ${standing(rows)}`, run, signal);
  };

  try {
    if (run.state === 'ingesting') {
      rows.clear(); // an ingest cut short restarts from the top: nothing was applied yet
      try {
        const plan = batchPlanner(backend, ctx, { precheck: (options.precheck ?? false) && run.dryRun, concurrency: options.concurrency ?? 8 });
        const { delimiter, headerMap, sheet } = { delimiter: options.delimiter, headerMap: options.extraAliases, sheet: options.sheet, ...run.options };
        const read = await ingest(rows, {
          file, mode: run.mode, keepIntent: !run.dryRun, plan, progress, checkpoint: () => checkpoint('reading the file'), countries: customer.locationCountries,
          ...(options.readerSplitBytes === undefined ? {} : { splitBytes: options.readerSplitBytes }),
          ...(delimiter ? { delimiter } : {}), ...(headerMap ? { extraAliases: headerMap } : {}), ...(sheet ? { sheet } : {}),
        });
        settleInputHash(db, run, read.inputHash, file);
        if (read.sheet !== undefined) logger.info({ sheet: read.sheet }, `reading sheet "${read.sheet}" of the workbook`);
        if (read.ignoredColumns.length > 0) logger.warn({ code: 'UNKNOWN_COLUMN', columns: read.ignoredColumns }, `ignored columns: ${read.ignoredColumns.join(', ')}`);
        for (const { name, column } of read.decoratedColumns) logger.warn({ code: 'DECORATED_COLUMN', header: name, column }, `the header "${name}" is read as "${column}"`);
        if (read.blankLines > 0) logger.warn({ code: 'BLANK_LINES', count: read.blankLines }, `skipped ${read.blankLines} blank lines`);
        if (read.rows === 0) logger.warn({ code: 'NO_DATA_ROWS' }, 'the file has a header and no data rows');
        markDuplicates(rows, read.duplicates);
        addRunNotes(db, run.id, { columns: read.columns, ignoredColumns: read.ignoredColumns, decoratedColumns: read.decoratedColumns, blankLines: read.blankLines });
        setRunState(db, run.id, 'planned', { header: read.header, delimiter: read.delimiter });
      } catch (error) {
        // The file's own problems, a file that changed while read, and options that do not fit the
        // file (--delimiter for a workbook) end the run: nothing was applied.
        if (error instanceof RunRefused && (error.code in FILE_CODES || error.code === 'INPUT_CHANGED' || error.code === 'BAD_ARGUMENTS')) {
          await refuse(db, run, paths, 'file-refused', error, options);
        }
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
      await applyAll(rows, backend, ctx, {
        concurrency: options.concurrency ?? 8, windowSize: options.windowSize ?? 500, progress,
        checkpoint: () => checkpoint('applying'), stopping: () => options.stop?.() !== undefined,
      });
    }
    // A dry run goes on past the guard, to show every planned line, but says the real run would stop.
    const refusal = guard ? { code: guard.code, message: `The real run would be refused: ${guard.message}` } : undefined;
    const result = await finish(db, requireRun(db, run.id), rows, paths, resumed, options, refusal);
    return run.dryRun || !options.retention ? result : { ...result, pruned: applyRetention(options, options.retention) };
  } catch (error) {
    throw stopped(db, run, rows, error);
  }
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

/**
 * What a run's failure means once the run exists. A refusal (a bad file, the removal guard)
 * ended the run with nothing applied and goes on as it is. Anything else (a fault of the disk or
 * the database, the target refusing the token, a signal) stops the run where it is, unfinished:
 * every line is recorded or will be settled against the target on resume.
 */
function stopped(db: Db, run: RunRecord, rows: RunRows, error: unknown): unknown {
  if (error instanceof RunStopped) return error;
  const state = getRunSafely(db, run.id)?.state;
  // A run that already ended (refused, or completed and then failing to write its review page) has nothing to resume.
  if (state !== undefined && !UNFINISHED_STATES.has(state)) return error;
  if (error instanceof RunRefused && state === undefined) return error;
  const { code, message } = error instanceof RunRefused || error instanceof TargetUnavailable ? { code: error.code, message: error.message } : describeFault(error);
  const where = state === 'applying' ? 'while applying' : state === 'planned' ? 'after planning' : 'while reading the file';
  return new RunStopped(code, `Run ${run.id} stopped ${where}: ${message.replace(/\.$/, '')}. ${standing(rows)}`, run, undefined, { cause: error });
}

const UNFINISHED_STATES = new Set(['ingesting', 'planned', 'applying']);

function getRunSafely(db: Db, id: string): RunRecord | undefined {
  try {
    return getRun(db, id);
  } catch {
    return undefined; // the database itself is what failed
  }
}

/** How far a stopped run got, for its message; the database may be what failed, so nothing is promised. */
function standing(rows: RunRows): string {
  try {
    const tally = rows.tally();
    const done = tally.rows - tally.pending - tally.inFlight;
    return `${done} of ${tally.rows} lines are done and recorded; nothing is half-done.`;
  } catch {
    return 'Every line is either recorded or will be settled against the target on resume.';
  }
}

/**
 * Ends a run that applies nothing. summary.json says why; for a tripped guard the planned rows
 * are reported too, so a person sees which users the file would have removed.
 */
async function refuse(db: Db, run: RunRecord, paths: ReportPaths, state: 'refused' | 'file-refused', error: RunRefused,
  options: Pick<ImportOptions, 'reportDelimiter' | 'reportFormat'>): Promise<never> {
  const rows = new RunRows(db, run.id);
  const refusal = { code: error.code, message: error.describe() };
  if (state === 'file-refused') rows.clear();
  else {
    // Every line with a change says it was not applied (not "remove, ok" under NOTHING APPLIED).
    rows.markNotApplied(error.code, 'the removal guard stopped the run before any change, so nothing was applied.');
    const planned = requireRun(db, run.id);
    await writeRowReports(paths, planned.header ?? [], rows.reportRows(), reportOptions(planned, options));
  }
  const summary = buildSummary(getRun(db, run.id)!, db.name, countRows(rows), state, refusal, state === 'file-refused' ? undefined : fileFacts(getRun(db, run.id)!));
  writeSummary(paths, summary);
  setRunState(db, run.id, state, { summary });
  writeReviewPage(requireRun(db, run.id), rows, paths.review);
  throw Object.assign(error, { reports: paths, summary });
}

async function finish(db: Db, run: RunRecord, rows: RunRows, paths: ReportPaths, resumed: boolean,
  options: Pick<ImportOptions, 'reportDelimiter' | 'reportFormat'>, refusal?: RunSummary['refusal']): Promise<ImportResult> {
  await writeRowReports(paths, run.header ?? [], rows.reportRows(), reportOptions(run, options));
  const summary = buildSummary(run, db.name, countRows(rows), 'completed', refusal, fileFacts(run));
  writeSummary(paths, summary);
  setRunState(db, run.id, run.dryRun ? 'dry-run' : 'completed', { summary });
  writeReviewPage(requireRun(db, run.id), rows, paths.review);
  return { run: requireRun(db, run.id), summary, reports: paths, resumed };
}

/**
 * The report delimiter and format the run was started with (a resume finishes it as it was), else
 * what this command asked for; the delimiter defaults to the one the input file used.
 */
function reportOptions(run: RunRecord, options: Pick<ImportOptions, 'reportDelimiter' | 'reportFormat'>): CsvReportOptions {
  const delimiter = run.options?.reportDelimiter ?? options.reportDelimiter ?? (run.delimiter as Delimiter | null) ?? ',';
  return { delimiter, format: run.options?.reportFormat ?? options.reportFormat ?? 'csv' };
}

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Db } from '../db/open.js';
import { RunRefused } from '../domain/codes.js';
import { hasLegacyLines } from '../journal/schema.js';
import {
  claimRun,
  createRun,
  findUnfinishedRun,
  getRun,
  listUnfinishedRuns,
  requireRun,
  setRunOutDir,
  type RunOptions,
  type RunRecord,
} from '../journal/runs.js';
import { checkFreeSpace, checkReportFolder, spaceNeeded } from './prechecks.js';
import { describeDifferences, optionDifferences } from './run-options.js';
import type { ImportOptions } from './run-import.js';

/** A regular file can be read twice (hashed, then read); a pipe or a device only once. */
export function inspectInput(file: string): { regular: boolean; size: number } {
  try {
    const stat = statSync(file);
    return { regular: stat.isFile(), size: stat.isFile() ? stat.size : 0 };
  } catch {
    return { regular: true, size: 0 }; // hashFile says what is wrong with it
  }
}

/** Whether resuming this run reads the file anyway (it was stopped while reading it). */
export function resumesIngest(db: Db, runId: string): boolean {
  return getRun(db, runId)?.state === 'ingesting';
}

/**
 * The file as ingest read it must be the file the run is for. A regular file was hashed before
 * (the run records that hash): a different hash now means it changed in between, and nothing is
 * applied. A pipe's run learns its hash here, from the one pass that read it.
 */
export function settleInputHash(db: Db, run: RunRecord, readHash: string, file: string): void {
  if (run.inputHash === PENDING_HASH) {
    db.prepare('UPDATE journal_runs SET input_hash = ? WHERE id = ?').run(readHash, run.id);
    run.inputHash = readHash;
  } else if (run.inputHash !== readHash) {
    throw inputChanged(file);
  }
}

/** The file's bytes differ from what the run started with, or between the two reader threads: nothing is applied. */
export function inputChanged(file: string): RunRefused {
  return new RunRefused('INPUT_CHANGED', `${file} changed while it was being read (its content is not what it was when the run started); nothing was applied. Run the import again.`);
}

/** The hash of a run whose input is read once (a pipe): filled in when ingest has read it. */
const PENDING_HASH = 'sha256:pending';

/**
 * Which run an import continues or starts: the one named by --resume (with the options typed
 * compared to its own), an unfinished run of the same file with the same options, or a new one.
 * Everything that could stop the run after its first change is checked here, before it.
 */
export function openRun(options: ImportOptions, file: string, inputHash: string | undefined, input: { regular: boolean; size: number }): { run: RunRecord; resumed: boolean } {
  const { db, backend, logger } = options;
  const asked = askedOptions(options);
  if (options.resumeRunId) {
    const run = requireRun(db, options.resumeRunId);
    // What the run is comes first (finished, another customer's), then whether this is its file:
    // "the file changed" is no help for a run that has nothing left to resume.
    if (!['ingesting', 'planned', 'applying'].includes(run.state)) {
      throw new RunRefused('BAD_ARGUMENTS', `Run ${run.id} is ${run.state}; only an unfinished run can be resumed, and this one has nothing left to do ` +
        `(its reports: ${run.outDir}; "bulkhub runs show ${run.id}" tells more). To import the file again, leave out --resume.`);
    }
    if (run.customerId !== options.customerId) {
      throw new RunRefused('BAD_ARGUMENTS', `Run ${run.id} is for customer ${run.customerId}, not ${options.customerId}.`);
    }
    if (inputHash !== undefined && run.inputHash !== inputHash) {
      throw new RunRefused('INPUT_CHANGED', resolve(file) === run.inputFile
        ? `${file} changed since run ${run.id} started with it (its content is not the same); nothing was changed. Start a new run (leave out --resume).`
        : `Run ${run.id} was started with ${run.inputFile}, not ${file}, and this file's content is not that run's; nothing was changed. ` +
          `Resume it with its own file, unchanged, or start a new run with this one (leave out --resume).`);
    }
    if (hasLegacyLines(db, run.id)) {
      throw new RunRefused('BAD_ARGUMENTS', `Run ${run.id} was started by an older version of bulkhub, whose journal this version does not read; start a new run (lines it applied plan as unchanged).`);
    }
    // --resume takes the run as it was: only what was typed is compared. Another --out is
    // welcome (it changes where the reports go, not what is applied); anything else is refused.
    const { out, ...typed } = asked.typed;
    const differences = optionDifferences(run, typed);
    if (differences.length > 0) {
      throw new RunRefused('RUN_OPTIONS_DIFFER', `Run ${run.id} was started with other options: ${describeDifferences(differences)}. ` +
        `--resume ${run.id} finishes it as it was: leave those options out. To apply them instead, start a new run (--new-run without --resume).`);
    }
    const outDir = out || run.outDir;
    precheck(options, outDir, run, input);
    claimRun(db, run);
    if (out && out !== run.outDir) {
      setRunOutDir(db, run.id, out);
      logger.info({ runId: run.id, out }, `reports of run ${run.id} now go to ${out}`);
    }
    return { run: requireRun(db, run.id), resumed: true };
  }
  const unfinished = options.dryRun || options.newRun || inputHash === undefined ? undefined : findUnfinishedRun(db, options.customerId, backend.name, inputHash);
  if (unfinished && hasLegacyLines(db, unfinished.id)) {
    logger.warn({ runId: unfinished.id }, `this file has an unfinished run (${unfinished.id}) started by an older version, which cannot be resumed; starting a new run`);
  } else if (unfinished) {
    const differences = optionDifferences(unfinished, asked.effective);
    if (differences.length > 0) {
      throw new RunRefused('RUN_OPTIONS_DIFFER', `This file has an unfinished run, ${unfinished.id} (${unfinished.state}), started with other options: ${describeDifferences(differences)}. ` +
        `Nothing was changed. Either resume it as it was (--resume ${unfinished.id}, without those options), or start a new run with these options (--new-run; ` +
        `the unfinished run is then left as it is: close it with "bulkhub runs abandon ${unfinished.id}").`);
    }
    precheck(options, unfinished.outDir, unfinished, input);
    claimRun(db, unfinished);
    logger.warn({ runId: unfinished.id }, `this file has an unfinished run (${unfinished.id}) with the same options; resuming it`);
    return { run: requireRun(db, unfinished.id), resumed: true };
  }
  const outDir = resolve(options.outDir ?? `${options.reportsRoot ?? 'bulkhub-reports'}/{runId}`);
  precheck(options, outDir, undefined, input);
  if (!options.dryRun) warnUnfinished(options);
  if (!input.regular && !options.dryRun) {
    logger.info({ file }, `${file} is not a regular file (a pipe or a device): it is read once and hashed as it is read, so a run of it is resumed only with --resume`);
  }
  const run = createRun(db, {
    customerId: options.customerId,
    backend: backend.name,
    inputFile: file,
    inputHash: inputHash ?? PENDING_HASH,
    mode: asked.effective.mode,
    dryRun: options.dryRun ?? false,
    allowRemovals: asked.effective.allowRemovals,
    outDir,
    options: asked.effective,
  });
  return { run, resumed: false };
}

/** The options as typed (undefined when not given) and in effect for a new run (defaults filled in). */
function askedOptions(options: ImportOptions): { typed: Partial<RunOptions>; effective: RunOptions } {
  const typed: Partial<RunOptions> = {};
  if (options.mode !== undefined) typed.mode = options.mode;
  if (options.allowRemovals !== undefined) typed.allowRemovals = options.allowRemovals;
  if (options.outDir !== undefined) typed.out = resolve(options.outDir);
  if (options.delimiter !== undefined) typed.delimiter = options.delimiter;
  if (options.extraAliases !== undefined) typed.headerMap = { ...options.extraAliases };
  if (options.sheet !== undefined) typed.sheet = options.sheet;
  if (options.reportDelimiter !== undefined) typed.reportDelimiter = options.reportDelimiter;
  if (options.reportFormat !== undefined) typed.reportFormat = options.reportFormat;
  const effective: RunOptions = {
    mode: 'add-remove', allowRemovals: false, out: null, delimiter: null, headerMap: null, sheet: null, reportDelimiter: null, reportFormat: 'csv', ...typed,
  };
  return { typed, effective };
}

/**
 * Everything that could stop the run after its first change is checked before it: the report
 * folder (a folder, writable, holding no other run's reports) and the free space on the disks of
 * the database and the reports. The database being writable shows when the run is recorded,
 * which is also before any change.
 */
function precheck(options: ImportOptions, outDir: string, run: RunRecord | undefined, input: { size: number }): void {
  // The default folder is made per run: check the folder it goes into.
  const folder = outDir.includes('{runId}') ? resolve(outDir, '..') : outDir;
  checkReportFolder(folder, { ...(run && { runId: run.id }), replace: options.replaceReports ?? false });
  const ingesting = run === undefined || run.state === 'ingesting';
  checkFreeSpace({ database: options.db.name, reports: folder }, spaceNeeded(input.size, { journal: ingesting, reports: true }));
}

/** Starting a new run leaves the customer's other unfinished runs as they are: say so, and how to close them. */
function warnUnfinished(options: ImportOptions): void {
  for (const other of listUnfinishedRuns(options.db, options.customerId, options.backend.name)) {
    options.logger.warn(
      { runId: other.id, state: other.state, file: other.inputFile },
      `run ${other.id} of ${other.inputFile} is unfinished (${other.state}) and stays so: resume it with --resume ${other.id}, or close it with "bulkhub runs abandon ${other.id}"`,
    );
  }
}

import { writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import pLimit from 'p-limit';
import type { Argv, CommandModule } from 'yargs';
import { AdaptiveLimiter } from '../backends/webex/limiter.js';
import { RunRefused, RunStopped } from '../domain/codes.js';
import { describeFault } from '../domain/faults.js';
import type { Counts, RunSummary } from '../journal/types.js';
import { countsOf } from '../reports/summary.js';
import { resolveDbPath } from '../db/open.js';
import { backendOption } from './backend-option.js';
import { loadManifest, type ManifestEntry } from './batch-manifest.js';
import { print, runCommand, type GlobalArgs } from './context.js';
import { EXIT } from './exit-codes.js';
import { createLogger, outcomeLine } from './log.js';
import { progressDisplay } from './progress-display.js';
import { exitCodeOf, importWith, type BackendArgs, type ImportArgs } from './users.js';
import { requireWholeNumber } from './whole-number.js';
import { exitCodeFor, resumeCommand } from './problem.js';
import { whileStoppable, type StopCheck } from './signals.js';

/**
 * `bulkhub batch MANIFEST`: many customers in one job. Each entry is an ordinary import (the
 * same pipeline, journal, lock, reports and exit code as `users import`); the batch runs
 * `--parallel` of them at once, goes on past an entry that fails, and ends with one combined
 * summary and one exit code: the highest of its entries'.
 *
 * On Webex every entry's requests go through one limiter: one token has one rate limit, and
 * separate processes would each learn it alone and fight over it. The embedded directory takes
 * one import at a time (SQLite has one writer, and a window's transaction would make the others
 * wait), so there the entries run in turn.
 */

interface BatchArgs extends BackendArgs {
  manifest: string;
  parallel?: number;
  concurrency: number;
  dryRun?: boolean;
  mode?: 'add-remove' | 'add-only';
  keepRuns?: number;
  keepDays?: number;
  summary?: string;
}

export interface EntryOutcome {
  customer: string;
  file: string;
  exitCode: number;
  /**
   * The run's outcome; `failed` when it was refused before it had one, `stopped` when a fault or
   * a signal stopped it part-way (resumable: `resume`), `not-started` when the batch was stopped first.
   */
  outcome: RunSummary['outcome'] | 'failed' | 'stopped' | 'not-started';
  runId?: string;
  /** The command that resumes a stopped entry. */
  resume?: string;
  counts?: Counts;
  reports?: string;
  refusal?: { code: string; message: string };
}

export interface BatchSummary {
  manifest: string;
  database: string;
  backend: string;
  dryRun: boolean;
  exitCode: number;
  /** Entries by outcome (`failed`: refused before a run, stopped part-way, or not started), and the counts of every row of every entry. */
  totals: { entries: number; completed: number; refused: number; failed: number } & Counts;
  entries: EntryOutcome[];
}

export const batchCommand: CommandModule<GlobalArgs, BatchArgs> = {
  command: 'batch <manifest>',
  describe: 'Import many customers in one job from a JSON manifest (customer, file and options per entry)',
  builder: (y) =>
    backendOption(y)
      .positional('manifest', { type: 'string', demandOption: true, describe: 'JSON manifest: {"entries": [{"customer": "acme", "file": "acme.csv"}, ...]}' })
      .option('parallel', { type: 'number', describe: 'Entries imported at once (Webex; the embedded directory takes one at a time)', defaultDescription: 'the manifest\'s "parallel", else 2' })
      .option('concurrency', { type: 'number', default: 8, describe: 'Webex requests in flight at once across all entries (one shared limiter)' })
      .option('dry-run', { type: 'boolean', describe: 'Every entry is a dry run, whatever the manifest says' })
      .option('mode', { choices: ['add-remove', 'add-only'] as const, describe: 'Mode of the entries that do not set one' })
      .option('keep-runs', { type: 'number', describe: 'Retention after each completed entry (entries may set their own)' })
      .option('keep-days', { type: 'number', describe: 'Retention after each completed entry (entries may set their own)' })
      .option('summary', { type: 'string', describe: 'Also write the combined summary (JSON) to this file' })
      .example('$0 batch nightly.json --backend webex --parallel 4', '')
      .example('$0 batch nightly.json --dry-run', 'plan every entry, change nothing')
      .epilogue(
        'Manifest: {"parallel": 2, "defaults": {"mode": "add-only"}, "entries": [{"customer": "acme", "file": "acme.csv", "out": "reports/acme"}]}.\n' +
          'Entry keys: customer, file (required); mode, dryRun, allowRemovals, out, delimiter, headerMap, sheet, keepRuns, keepDays. Paths are relative to the manifest.\n' +
          'Exit code: the highest of the entries\' (0 all ok, 1 some rows have errors, 2 an entry applied nothing).',
      ) as unknown as Argv<BatchArgs>,
  handler: (argv) => runCommand(() => runBatch(argv)),
};

async function runBatch(argv: BatchArgs): Promise<number> {
  const manifest = loadManifest(argv.manifest);
  const logger = createLogger({ level: argv.logLevel, quiet: argv.quiet });
  const parallel = argv.backend === 'sqlite' ? 1 : (argv.parallel ?? manifest.parallel ?? 2);
  requireWholeNumber('parallel', parallel);
  requireWholeNumber('concurrency', argv.concurrency);
  const limiter = argv.backend === 'webex' ? new AdaptiveLimiter({ maxConcurrency: argv.concurrency }) : undefined;
  logger.info({ manifest: argv.manifest, entries: manifest.entries.length, parallel, backend: argv.backend }, `batch of ${manifest.entries.length} customers, ${parallel} at a time`);

  const limit = pLimit(parallel);
  // One stop for the whole batch: a signal stops the running entries at their next safe point, and starts no other.
  const onSignal = (signal: NodeJS.Signals): void =>
    logger.warn({ signal }, `${signal}: stopping the running entries at their next safe point and starting no other (send it again to stop at once)`);
  const entries = await whileStoppable(onSignal, (stop) =>
    Promise.all(manifest.entries.map((entry, i) => limit(() => runEntry(argv, entry, i, logger, limiter, parallel, stop)))));
  const summary = combine(argv, entries);
  if (argv.summary) writeFileSync(argv.summary, `${JSON.stringify(summary, null, 2)}\n`);
  if (!argv.quiet || argv.json) print(argv, summary, describe(summary));
  const t = summary.totals;
  const failed = summary.entries.filter((e) => e.exitCode >= EXIT.NOT_APPLIED).map((e) => e.customer);
  outcomeLine(argv, summary.exitCode,
    `batch ${summary.manifest}: ${t.entries} customers, ${t.completed} completed, ${t.refused} refused, ${t.failed} failed; ${t.rows} rows, ${t.errors} errors (exit ${summary.exitCode})`,
    {
      outcome: t.failed + t.refused === 0 ? 'completed' : 'completed-with-failures',
      manifest: summary.manifest,
      totals: t,
      entries: summary.entries.map((e) => ({ customer: e.customer, outcome: e.outcome, exitCode: e.exitCode, ...(e.runId && { runId: e.runId }) })),
      database: summary.database,
      ...(failed.length > 0 && { notApplied: failed }),
    });
  return summary.exitCode;
}

async function runEntry(argv: BatchArgs, entry: ManifestEntry, index: number, parent: ReturnType<typeof createLogger>, limiter: AdaptiveLimiter | undefined,
  parallel: number, stop: StopCheck): Promise<EntryOutcome> {
  const logger = parent.child({ entry: index + 1, customer: entry.customer });
  const base = { customer: entry.customer, file: entry.file };
  const signal = stop();
  if (signal) {
    return { ...base, exitCode: EXIT.SIGNAL_BASE + (constants.signals[signal] ?? 0), outcome: 'not-started', refusal: { code: 'INTERRUPTED', message: `not started: the batch was stopped by ${signal}` } };
  }
  const args: ImportArgs = {
    ...argv,
    file: entry.file,
    customer: entry.customer,
    mode: entry.mode ?? argv.mode ?? 'add-remove',
    dryRun: (argv.dryRun ?? false) || (entry.dryRun ?? false),
    allowRemovals: entry.allowRemovals ?? false,
    out: entry.out,
    delimiter: entry.delimiter,
    headerMap: entry.headerMap,
    sheet: entry.sheet,
    keepRuns: entry.keepRuns ?? argv.keepRuns,
    keepDays: entry.keepDays ?? argv.keepDays,
    resume: undefined,
    precheck: false,
  };
  try {
    // Entries side by side share stderr: progress comes as log lines naming the entry, never as a redrawn bar.
    const result = await importWith(args, { logger, progress: progressDisplay(logger, { quiet: argv.quiet, lines: parallel > 1 }), stop, ...(limiter && { limiter }) });
    return outcomeOf(base, result.summary, result.reports.dir);
  } catch (error) {
    const refused = error as RunRefused & { summary?: RunSummary; reports?: { dir: string } };
    if (refused instanceof RunRefused && refused.summary) return outcomeOf(base, refused.summary, refused.reports?.dir);
    // The same words and exit code as the command alone would give (problem.ts), without ending the batch.
    const refusal = error instanceof RunRefused || error instanceof RunStopped ? { code: error.code, message: error.message } : describeFault(error);
    const resume = error instanceof RunStopped ? resumeCommand(error, argv.db) : undefined;
    logger.error({ code: refusal.code, ...(error instanceof RunStopped && { runId: error.runId, resume }), ...(error instanceof RunRefused || error instanceof RunStopped ? {} : { err: error }) },
      `entry ${index + 1} (${entry.customer}) stopped: ${refusal.code}: ${refusal.message}`);
    return {
      ...base,
      exitCode: exitCodeFor(error),
      outcome: error instanceof RunStopped ? 'stopped' : 'failed',
      refusal: { code: refusal.code, message: refusal.message },
      ...(error instanceof RunStopped && { runId: error.runId, resume }),
    };
  }
}

function outcomeOf(base: { customer: string; file: string }, summary: RunSummary, reports?: string): EntryOutcome {
  return {
    ...base,
    exitCode: exitCodeOf(summary),
    outcome: summary.outcome,
    runId: summary.runId,
    counts: countsOf(summary),
    ...(reports && { reports }),
    ...(summary.refusal && { refusal: summary.refusal }),
  };
}

function combine(argv: BatchArgs, entries: EntryOutcome[]): BatchSummary {
  const totals = { entries: entries.length, completed: 0, refused: 0, failed: 0, rows: 0, added: 0, modified: 0, removed: 0, unchanged: 0, warnings: 0, errors: 0, notApplied: 0 };
  for (const entry of entries) {
    if (entry.outcome === 'completed') totals.completed++;
    else if (entry.outcome === 'refused' || entry.outcome === 'file-refused') totals.refused++;
    else totals.failed++;
    for (const key of ['rows', 'added', 'modified', 'removed', 'unchanged', 'warnings', 'errors', 'notApplied'] as const) totals[key] += entry.counts?.[key] ?? 0;
  }
  return {
    manifest: argv.manifest,
    database: resolveDbPath(argv.db),
    backend: argv.backend,
    dryRun: argv.dryRun ?? false,
    exitCode: Math.max(EXIT.OK, ...entries.map((e) => e.exitCode)),
    totals,
    entries,
  };
}

function describe(summary: BatchSummary): string {
  const t = summary.totals;
  const lines = [
    `Batch ${summary.manifest}: ${t.entries} ${t.entries === 1 ? 'customer' : 'customers'}, ${t.completed} completed, ${t.refused} refused, ${t.failed} failed (exit ${summary.exitCode})`,
    `  ${t.rows} rows: ${t.added} added, ${t.modified} modified, ${t.removed} removed, ${t.unchanged} unchanged, ${t.warnings} warnings, ${t.errors} errors`,
    ...summary.entries.map((e) => {
      const what = e.counts ? `${e.counts.rows} rows, ${e.counts.errors} errors` : '';
      const why = e.refusal ? ` ${e.refusal.code}: ${e.refusal.message}` : '';
      // "exit N" spelled out: a bare number read like the entry's position in the manifest.
      return `  ${e.customer.padEnd(16)} ${e.outcome.padEnd(12)} exit ${String(e.exitCode).padEnd(3)} ${what}${why}${e.reports ? `  reports: ${e.reports}` : ''}`;
    }),
    `Database: ${summary.database}`,
  ];
  return lines.join('\n');
}

import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import type { Logger } from 'pino';
import type { Backend } from '../backends/port.js';
import { createSqliteBackend } from '../backends/sqlite/backend.js';
import { createWebexBackend } from '../backends/webex/backend.js';
import type { Db } from '../db/open.js';
import { migrateDirectory } from '../backends/sqlite/schema.js';
import { loadHeaderMapFile } from '../csv/header-map.js';
import { RunRefused } from '../domain/codes.js';
import { runImport, type ImportResult } from '../import/run-import.js';
import { checkPolicy } from '../journal/retention.js';
import { countsOf } from '../reports/summary.js';
import type { ReportPaths } from '../reports/write.js';
import type { RunSummary } from '../journal/types.js';
import { exportUsers } from '../reports/export.js';
import { openDbFromArgs, print, runCommand, type GlobalArgs } from './context.js';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';
import { createLogger, notice, outcomeLine } from './log.js';
import { backendOption, webexConnection, webexPollMs, type BackendName } from './backend-option.js';
import { MOVE_DEFAULTS } from '../backends/webex/moves.js';
import { progressDisplay } from './progress-display.js';
import type { Progress } from '../import/progress.js';
import type { AdaptiveLimiter } from '../backends/webex/limiter.js';
import { whileStoppable, type StopCheck } from './signals.js';
import { errorTable, listErrors, moreErrors } from './error-table.js';
import { RunRows } from '../journal/rows.js';
import { requireWholeNumber } from './whole-number.js';
import { SPLIT_BYTES } from '../import/read-rows.js';

export interface BackendArgs extends GlobalArgs {
  backend: BackendName;
  concurrency?: number;
  subPartner?: string;
}

export interface ImportArgs extends BackendArgs {
  file: string;
  customer: string;
  dryRun?: boolean;
  out?: string;
  mode?: 'add-remove' | 'add-only';
  allowRemovals?: boolean;
  resume?: string;
  newRun?: boolean;
  replaceReports?: boolean;
  delimiter?: string;
  reportDelimiter?: string;
  headerMap?: string;
  sheet?: string;
  reportFormat?: 'csv' | 'xlsx';
  concurrency: number;
  readerThreads?: 1 | 2;
  precheck?: boolean;
  keepRuns?: number;
  keepDays?: number;
}

const DELIMITERS: Record<string, ',' | ';' | '\t'> = { ',': ',', comma: ',', ';': ';', semicolon: ';', '\\t': '\t', '\t': '\t', tab: '\t' };

function importOptions<T>(y: Argv<T>) {
  return backendOption(y)
    .positional('file', { type: 'string', demandOption: true, describe: 'The users file: a CSV (UTF-8; comma, semicolon or tab) or an Excel workbook (.xlsx), told apart by content' })
    .option('customer', { type: 'string', demandOption: true, requiresArg: true, describe: 'Customer id the users belong to' })
    .option('out', { type: 'string', requiresArg: true, describe: 'Folder for results.csv, errors.csv and summary.json', defaultDescription: './bulkhub-reports/<run id>/' })
    .option('mode', {
      choices: ['add-remove', 'add-only'] as const,
      defaultDescription: 'add-remove',
      describe: 'add-remove honours FALSE (removes basic licences; all packages FALSE removes the user); add-only ignores every FALSE',
    })
    .option('allow-removals', { type: 'boolean', describe: 'Apply even when the file removes more than 10 users and more than 10% of the customer' })
    .option('resume', {
      type: 'string',
      requiresArg: true,
      describe: 'Finish an unfinished run as it was started (re-running the same file with the same options does this too); --out may name a new report folder',
    })
    .option('new-run', {
      type: 'boolean',
      describe: 'Start a new run even though this file has an unfinished run (left as it is; close it with "runs abandon RUN_ID")',
      conflicts: 'resume',
    })
    .option('replace-reports', { type: 'boolean', describe: 'Replace the reports of another run in --out (never done otherwise)' })
    .option('delimiter', { type: 'string', requiresArg: true, describe: 'Field delimiter: comma, semicolon or tab', defaultDescription: 'sniffed from the header line' })
    .option('report-delimiter', { type: 'string', requiresArg: true, describe: 'Delimiter of results.csv and errors.csv: comma, semicolon or tab', defaultDescription: "the input file's" })
    .option('sheet', { type: 'string', requiresArg: true, describe: "A workbook's sheet to read, by name", defaultDescription: 'the first visible sheet' })
    .option('report-format', {
      choices: ['csv', 'xlsx'] as const,
      defaultDescription: 'csv (a resumed run keeps its own)',
      describe: 'xlsx also writes results.xlsx and errors.xlsx (text cells; errors.xlsx imports back like errors.csv)',
    })
    .option('header-map', { type: 'string', requiresArg: true, describe: 'JSON file of your own header names: {"Your header": "Phone Number"}' })
    .option('concurrency', { type: 'number', default: 8, describe: 'Changes in flight at once (remote targets)' })
    .option('reader-threads', {
      choices: [1, 2] as const,
      default: 1,
      describe: 'Threads that read and check a CSV of 4 MiB or more. 2 helps only with spare cores (the planning thread is the slower side on 2 cores) and takes about 50 MB more memory',
    })
    .option('keep-runs', { type: 'number', requiresArg: true, describe: "Retention: after a completed run, keep only the newest N runs of this customer and target in the journal" })
    .option('keep-days', { type: 'number', requiresArg: true, describe: 'Retention: after a completed run, delete the runs of this customer and target older than DAYS days' })
    .group(['keep-runs', 'keep-days'], 'Retention (also "keepRuns"/"keepDays" in the config file):');
}

const importCommand: CommandModule<GlobalArgs, ImportArgs> = {
  command: 'import <file>',
  describe: 'Validate, plan and apply a CSV of users for one customer',
  builder: (y) =>
    importOptions(y)
      .option('dry-run', { type: 'boolean', describe: 'Plan and write the reports, change nothing' })
      .option('precheck', { type: 'boolean', describe: 'With --dry-run and --backend webex: ask Webex to validate every planned add' })
      .example('$0 users import users.csv --customer acme', 'add the users of a file')
      .example('$0 users import nightly.csv --customer acme --dry-run', 'see what would change')
      .example('$0 users import errors.csv --customer acme', 'feed a fixed error report back in')
      .example('$0 users import samples/clean-add.csv --customer demo-bakkerij', 'a sample, into the demo customer of "npm run demo"')
      .epilogue(EXIT_CODES_HELP) as Argv<ImportArgs>,
  handler: (argv) => runCommand(() => importUsers(argv), { db: argv.db }),
};

const validateCommand: CommandModule<GlobalArgs, ImportArgs> = {
  command: 'validate <file>',
  describe: 'Same as "import --dry-run": every check and the full plan, nothing changed (with --backend webex also the rules Webex enforces beyond the CSV rules)',
  builder: (y) =>
    importOptions(y)
      .option('precheck', { type: 'boolean', describe: 'With --backend webex: ask Webex to validate every planned add' })
      .epilogue(EXIT_CODES_HELP) as Argv<ImportArgs>,
  handler: (argv) => runCommand(() => importUsers({ ...argv, dryRun: true }), { db: argv.db }),
};

interface ExportArgs extends BackendArgs {
  customer: string;
  out?: string;
}

const exportCommand: CommandModule<GlobalArgs, ExportArgs> = {
  command: 'export',
  describe: "Write the customer's users as an import CSV (importing it again changes nothing)",
  builder: (y) =>
    backendOption(y)
      .option('customer', { type: 'string', demandOption: true, requiresArg: true, describe: 'Customer id' })
      .option('out', { type: 'string', requiresArg: true, describe: 'File to write', defaultDescription: 'stdout' }) as Argv<ExportArgs>,
  handler: (argv) =>
    runCommand(async () => {
      const logger = createLogger({ level: argv.logLevel, quiet: argv.quiet });
      if (argv.out !== undefined) checkExportFile(argv.out);
      const db = argv.backend === 'webex' ? undefined : openDbFromArgs(argv);
      const backend = openBackend(argv, db, logger);
      try {
        await backend.getCustomer(argv.customer);
        const count = await exportUsers(backend, argv.customer, argv.out);
        if (argv.out && !argv.quiet) notice('info', `Wrote ${count} users to ${argv.out}`, { customerId: argv.customer, users: count, out: argv.out });
      } finally {
        await backend.close();
        db?.close();
      }
    }),
};

export const usersCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'users <command>',
  describe: 'Import, validate and export users',
  builder: (y) => y.command(importCommand).command(validateCommand).command(exportCommand).demandCommand(1) as Argv<GlobalArgs>,
  handler: () => {},
};

async function importUsers(argv: ImportArgs): Promise<number> {
  const logger = createLogger({ level: argv.logLevel, quiet: argv.quiet });
  const progress = progressDisplay(logger, { quiet: argv.quiet });
  let summary: RunSummary;
  let reports: ReportPaths;
  const shown = (db: Db, s: RunSummary, r: ReportPaths, result?: ImportResult) => {
    report(argv, s, r, result);
    printFirstErrors(argv, db, s, r);
  };
  const onSignal = (signal: NodeJS.Signals): void =>
    logger.warn({ signal }, `${signal}: stopping at the next safe point, with nothing half-done (send it again to stop at once)`);
  try {
    ({ summary, reports } = await whileStoppable(onSignal, (stop) => importWith(argv, { logger, progress, onSummary: shown, stop })));
  } catch (error) {
    const refused = error as RunRefused & { reports?: ReportPaths; summary?: RunSummary };
    if (!(refused instanceof RunRefused && refused.summary && refused.reports)) throw error;
    // The run got as far as its summary (shown already): the outcome line below says why nothing was applied.
    ({ summary, reports } = refused);
  } finally {
    progress.finish();
  }
  const exitCode = exitCodeOf(summary);
  outcomeLine(argv, exitCode, runOutcomeText(summary, exitCode), runOutcomeFields(summary, reports.dir));
  return exitCode;
}

/** The words of a run's outcome line. */
export function runOutcomeText(s: RunSummary, exitCode: number): string {
  return `${s.dryRun ? 'dry run' : 'run'} ${s.runId} ${s.outcome}: ${s.rows} rows, ${s.added} added, ${s.modified} modified, ${s.removed} removed, ` +
    `${s.unchanged} unchanged, ${s.warnings} warnings, ${s.errors} errors (exit ${exitCode})`;
}

/** The fields of a run's outcome line: what a scheduler needs to act on. */
export function runOutcomeFields(s: RunSummary, reports: string) {
  return {
    outcome: s.outcome,
    runId: s.runId,
    customerId: s.customerId,
    backend: s.backend,
    dryRun: s.dryRun,
    counts: countsOf(s),
    reports,
    database: s.database,
    ...(s.refusal && { refusal: s.refusal }),
  };
}

/** What one import needs besides its options. In a batch, imports on Webex share one limiter (one token, one rate limit). */
export interface ImportDeps {
  logger: Logger;
  progress: Progress;
  limiter?: AdaptiveLimiter;
  /** Called once the run has its summary (also when it was refused), while its journal is still open. */
  onSummary?: (db: Db, summary: RunSummary, reports: ReportPaths, result?: ImportResult) => void;
  /** Asked at the run's safe points: a signal stops it there, resumable (signals.ts). */
  stop?: StopCheck;
}

/**
 * One import from its options, start to finish: checks the options, opens the database and the
 * target, runs the pipeline (`runImport`, the one place that wires it) and closes both again.
 * Resolves with the run's result; rejects like `runImport` (a `RunRefused` carries the summary
 * and reports when it got that far). Used by `users import|validate` and by `batch`.
 */
export async function importWith(argv: ImportArgs, deps: ImportDeps): Promise<ImportResult> {
  const delimiter = argv.delimiter === undefined ? undefined : DELIMITERS[argv.delimiter];
  if (argv.delimiter !== undefined && delimiter === undefined) {
    throw new RunRefused('BAD_ARGUMENTS', `--delimiter must be comma, semicolon or tab, not "${argv.delimiter}".`);
  }
  const reportDelimiter = argv.reportDelimiter === undefined ? undefined : DELIMITERS[argv.reportDelimiter];
  if (argv.reportDelimiter !== undefined && reportDelimiter === undefined) {
    throw new RunRefused('BAD_ARGUMENTS', `--report-delimiter must be comma, semicolon or tab, not "${argv.reportDelimiter}".`);
  }
  requireWholeNumber('concurrency', argv.concurrency ?? 8);
  if (argv.precheck && !argv.dryRun) throw new RunRefused('BAD_ARGUMENTS', '--precheck only goes with --dry-run (or users validate).');
  if (argv.precheck && argv.backend !== 'webex') throw new RunRefused('BAD_ARGUMENTS', '--precheck asks Webex: it needs --backend webex.');
  const retention = argv.keepRuns === undefined && argv.keepDays === undefined ? undefined : { keep: argv.keepRuns, olderThanDays: argv.keepDays };
  if (retention) checkPolicy(retention, { keep: '--keep-runs', olderThanDays: '--keep-days' });
  const { logger } = deps;
  // The journal records remote changes for Webex: they cannot roll back with the file, so FULL.
  const db = openDbFromArgs(argv, { durability: argv.backend === 'webex' ? 'full' : 'normal' });
  let backend: Backend;
  try {
    backend = openBackend(argv, db, logger, deps.limiter);
  } catch (error) {
    db.close();
    throw error;
  }
  try {
    const extraAliases = argv.headerMap ? await loadHeaderMapFile(argv.headerMap) : undefined;
    const result = await runImport({
      file: argv.file,
      customerId: argv.customer,
      db,
      backend,
      mode: argv.mode,
      dryRun: argv.dryRun ?? false,
      allowRemovals: argv.allowRemovals,
      resumeRunId: argv.resume,
      newRun: argv.newRun ?? false,
      replaceReports: argv.replaceReports ?? false,
      outDir: argv.out,
      delimiter,
      reportDelimiter,
      extraAliases,
      sheet: argv.sheet,
      reportFormat: argv.reportFormat,
      concurrency: argv.concurrency,
      ...(argv.readerThreads === 2 ? { readerSplitBytes: SPLIT_BYTES } : {}),
      precheck: argv.precheck ?? false,
      retention,
      logger,
      progress: deps.progress,
      ...(deps.stop && { stop: deps.stop }),
    });
    deps.onSummary?.(db, result.summary, result.reports, result);
    return result;
  } catch (error) {
    const refused = error as RunRefused & { reports?: ReportPaths; summary?: RunSummary };
    if (refused instanceof RunRefused && refused.summary && refused.reports) deps.onSummary?.(db, refused.summary, refused.reports);
    throw error;
  } finally {
    deps.progress.finish();
    await backend.close();
    db.close();
  }
}

/**
 * `users export --out FILE` is refused before anything is read when FILE cannot be written as a
 * file: a folder (the export is one file, not a report folder) or a path whose folder is missing.
 */
function checkExportFile(out: string): void {
  const path = resolve(out);
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new RunRefused('BAD_ARGUMENTS', `--out ${path} is a folder; users export writes one CSV file: name the file, for example ${join(path, 'users.csv')}.`);
  }
  const folder = dirname(path);
  if (!existsSync(folder)) throw new RunRefused('BAD_ARGUMENTS', `--out ${path}: the folder ${folder} does not exist; create it first, or name a file in an existing folder.`);
  if (!statSync(folder).isDirectory()) throw new RunRefused('BAD_ARGUMENTS', `--out ${path}: ${folder} is a file, not a folder.`);
}

/** The exit code of a finished run, as the README's table says. */
export function exitCodeOf(summary: RunSummary): number {
  if (summary.refusal) return EXIT.NOT_APPLIED;
  return summary.errors > 0 ? EXIT.ROW_ERRORS : EXIT.OK;
}

/**
 * The target of a command. For Webex the token comes from the environment only (never argv,
 * which `ps` and shell history show) and goes nowhere but the Authorization header.
 */
function openBackend(argv: BackendArgs, db: Db | undefined, logger: Logger, limiter?: AdaptiveLimiter): Backend {
  if (argv.backend === 'webex') {
    const { baseUrl, token, subPartnerOrgId } = webexConnection(argv);
    return createWebexBackend({
      baseUrl, token, maxConcurrency: argv.concurrency ?? 8, logger, moves: { ...MOVE_DEFAULTS, pollMs: webexPollMs(MOVE_DEFAULTS.pollMs) },
      ...(subPartnerOrgId && { subPartnerOrgId }),
      ...(limiter && { limiter }),
    });
  }
  migrateDirectory(db!);
  return createSqliteBackend(db!);
}

/** How many error rows the end of an import shows; the rest are in errors.csv and "runs show --errors". */
const FIRST_ERRORS = 5;

/** After the summary, the first error rows: a person sees what went wrong without opening a file. */
function printFirstErrors(argv: ImportArgs, db: Db, summary: RunSummary, reports: ReportPaths): void {
  if (argv.quiet || argv.json || summary.errors === 0) return;
  const listing = listErrors(new RunRows(db, summary.runId), { limit: FIRST_ERRORS });
  const more = moreErrors(listing, reports.errors, summary.runId);
  process.stdout.write(['', `First errors (${listing.rows.length} of ${listing.total}):`, errorTable(listing.rows), ...(more ? [more] : [])].join('\n') + '\n');
}

function report(argv: ImportArgs, summary: RunSummary, reports: ReportPaths, result?: ImportResult): void {
  const s = summary;
  const what = s.dryRun ? 'Dry run' : 'Run';
  const verb = s.dryRun ? 'would be ' : '';
  // Name only the files that were written (a refused file gets summary.json and the review page alone; workbooks only when asked for).
  const written = Object.fromEntries(Object.entries(reports).filter(([key, path]) => key === 'dir' || existsSync(path))) as Partial<ReportPaths>;
  const lines = [
    `${what} ${s.runId}${result?.resumed ? ' (resumed)' : ''}: ${s.outcome === 'completed' ? 'completed' : 'NOTHING APPLIED'}`,
    `  ${s.rows} rows: ${s.added} ${verb}added, ${s.modified} ${verb}modified, ${s.removed} ${verb}removed, ${s.unchanged} unchanged, ${s.warnings} warnings, ${s.errors} errors` +
      (s.notApplied > 0 ? `, ${s.notApplied} not applied (the changes the file asked for; nothing was changed)` : ''),
    ...(s.refusal ? [`  ${s.refusal.code}: ${s.refusal.message}`] : []),
    ...(s.fileWarnings ?? []).map((w) => `  ${w.code}: ${w.message}`),
    `Database: ${s.database}`,
    `Reports: ${reports.dir}`,
    ...(s.outcome === 'file-refused' ? [] : [`  results.csv  every row and what happened to it`, `  errors.csv   the rows to fix; fix the cells and import this file again`]),
    ...(written.resultsXlsx === undefined ? [] : [`  results.xlsx and errors.xlsx  the same, as Excel workbooks (errors.xlsx imports back too)`]),
    `  summary.json the counts`,
    `  report.html  the review page: open it in a browser`,
  ];
  if (argv.json) print(argv, { ...summary, reports: written }, '');
  else if (!argv.quiet) print(argv, {}, lines.join('\n'));
  // Quiet still says, in one line, that a run did not go well; a refused run's line is the refusal on stderr.
  else if (result && (s.errors > 0 || s.refusal)) print(argv, {}, `${what} ${s.runId}: ${s.refusal ? `NOTHING APPLIED (${s.refusal.code})` : `${s.errors} of ${s.rows} rows have errors`}; see ${s.refusal ? written.summary : reports.errors}`);
}

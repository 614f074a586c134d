import type { Argv, CommandModule } from 'yargs';
import { migrateJournal } from '../journal/schema.js';
import { abandonRun, listRuns, requireRun, type RunRecord } from '../journal/runs.js';
import { countsOf } from '../reports/summary.js';
import { RunRows } from '../journal/rows.js';
import { inDatabase } from '../db/open.js';
import { pruneCommand } from './runs-prune.js';
import { ROW_CODES, RunRefused } from '../domain/codes.js';
import { reportPaths } from '../reports/write.js';
import { writeReviewPage } from '../reports/review-html.js';
import { resolve } from 'node:path';
import { openDbFromArgs, print, runCommand, type GlobalArgs } from './context.js';
import { errorJson, errorTable, listErrors, moreErrors } from './error-table.js';

interface ListArgs extends GlobalArgs {
  limit: number;
}
interface ShowArgs extends GlobalArgs {
  runId: string;
  errors?: boolean;
  code?: string;
  limit?: number;
}

const listCommand: CommandModule<GlobalArgs, ListArgs> = {
  command: 'list',
  describe: 'The import runs in this database, newest first',
  builder: (y) => y.option('limit', { type: 'number', default: 20, describe: 'How many runs to show' }) as Argv<ListArgs>,
  handler: (argv) =>
    runCommand(async () => {
      const db = openDbFromArgs(argv);
      migrateJournal(db);
      const runs = listRuns(db, argv.limit);
      const text = runs.length === 0 ? `No runs yet${inDatabase(db)}.` : [
        'RUN ID                  STATE        CUSTOMER        ROWS  ERRORS  FILE',
        ...runs.map((r) => `${r.id.padEnd(23)} ${label(r).padEnd(12)} ${r.customerId.padEnd(14)} ${String(r.summary?.rows ?? '-').padStart(5)} ${String(r.summary?.errors ?? '-').padStart(7)}  ${r.inputFile}`),
      ].join('\n');
      print(argv, runs.map(publicRun), text);
      db.close();
    }),
};

const showCommand: CommandModule<GlobalArgs, ShowArgs> = {
  command: 'show <run-id>',
  describe: 'One run: its input, state, counts and where its reports are',
  builder: (y) =>
    y
      .positional('run-id', { type: 'string', demandOption: true, describe: 'Id from "runs list"' })
      .option('errors', { type: 'boolean', describe: 'List the error rows: line, e-mail, code and message (with --json, a JSON object per line)' })
      .option('code', { type: 'string', describe: 'With --errors: only rows with an error of this code, e.g. INVALID_PHONE_NUMBER' })
      .option('limit', { type: 'number', describe: 'With --errors: at most this many rows (0: all)', defaultDescription: '20; all with --json' })
      .example('$0 runs show RUN_ID --errors', 'the first 20 error rows of a run')
      .example('$0 runs show RUN_ID --errors --code INVALID_PHONE_NUMBER --limit 0', 'every row with a bad phone number')
      .example('$0 runs show RUN_ID --errors --json | jq -r .email', 'the e-mails of every error row') as unknown as Argv<ShowArgs>,
  handler: (argv) =>
    runCommand(async () => {
      if (!argv.errors && (argv.code !== undefined || argv.limit !== undefined)) {
        throw new RunRefused('BAD_ARGUMENTS', '--code and --limit go with --errors: "bulkhub runs show RUN_ID --errors --code CODE --limit N".');
      }
      if (argv.code !== undefined && !(argv.code in ROW_CODES)) {
        throw new RunRefused('BAD_ARGUMENTS', `--code ${argv.code} is not a row error code; one of: ${Object.keys(ROW_CODES).join(', ')}.`);
      }
      if (argv.limit !== undefined && !(Number.isInteger(argv.limit) && argv.limit >= 0)) {
        throw new RunRefused('BAD_ARGUMENTS', `--limit must be a whole number, 0 or more (0: all), not ${argv.limit}.`);
      }
      const db = openDbFromArgs(argv);
      migrateJournal(db);
      const run = requireRun(db, argv.runId);
      const journal = new RunRows(db, run.id);
      if (argv.errors) {
        showErrors(argv, run, journal);
        db.close();
        return;
      }
      const tally = journal.tally();
      const counts = countsOf(tally);
      const states = [
        { state: 'done', n: tally.rows - tally.pending - tally.inFlight },
        { state: 'in_flight', n: tally.inFlight },
        { state: 'pending', n: tally.pending },
      ].filter((s) => s.n > 0);
      const lines = [
        `Run ${run.id}: ${label(run)}`,
        `  customer   ${run.customerId} (${run.backend})`,
        `  file       ${run.inputFile}`,
        `  hash       ${run.inputHash}`,
        `  mode       ${run.mode}${run.allowRemovals ? ', removals allowed' : ''}`,
        `  started    ${run.startedAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}`,
        `  rows       ${counts.rows}: ${counts.added} added, ${counts.modified} modified, ${counts.removed} removed, ${counts.unchanged} unchanged, ${counts.warnings} warnings, ${counts.errors} errors` +
          (counts.notApplied > 0 ? `, ${counts.notApplied} not applied` : ''),
        `  lines by state: ${states.map((s) => `${s.state} ${s.n}`).join(', ') || 'none'}`,
        ...(run.summary?.refusal ? [`  refused    ${run.summary.refusal.code}: ${run.summary.refusal.message}`] : []),
        `  reports    ${run.outDir}`,
        `  database   ${db.name}`,
        ...(['ingesting', 'planned', 'applying'].includes(run.state)
          ? [
              `  unfinished: finish it with "bulkhub users import ${run.inputFile} --customer ${run.customerId}${run.backend === 'sqlite' ? '' : ` --backend ${run.backend}`} --resume ${run.id}"`,
              `              or close it with "bulkhub runs abandon ${run.id}"`,
            ]
          : []),
      ];
      print(argv, { ...publicRun(run), database: db.name, counts, lineStates: Object.fromEntries(states.map((s) => [s.state, s.n])) }, lines.join('\n'));
      db.close();
    }),
};

const abandonCommand: CommandModule<GlobalArgs, ShowArgs> = {
  command: 'abandon <run-id>',
  describe: 'Close an unfinished run that will not be resumed (it then no longer shows as unfinished)',
  builder: (y) =>
    y
      .positional('run-id', { type: 'string', demandOption: true, describe: 'Id from "runs list"' })
      .epilogue(
        'The lines the run applied stay applied. Lines it had sent and not yet recorded may or may not have reached the target: ' +
          'importing the file again plans them against what the target now holds. A run another process is applying right now is refused.',
      ) as unknown as Argv<ShowArgs>,
  handler: (argv) =>
    runCommand(async () => {
      const db = openDbFromArgs(argv);
      try {
        migrateJournal(db);
        const before = requireRun(db, argv.runId);
        const run = abandonRun(db, argv.runId);
        const tally = new RunRows(db, run.id).tally();
        const done = tally.rows - tally.pending - tally.inFlight;
        print(argv, publicRun(run), `Run ${run.id} (${before.state}) abandoned: ${done} of ${tally.rows} lines had been done; the rest will not be applied by it.`);
      } finally {
        db.close();
      }
    }),
};

interface ReportArgs extends GlobalArgs {
  runId: string;
  out?: string;
}

const reportCommand: CommandModule<GlobalArgs, ReportArgs> = {
  command: 'report <run-id>',
  describe: 'Write the review page of a run again (report.html, one file that opens in any browser)',
  builder: (y) =>
    y
      .positional('run-id', { type: 'string', demandOption: true, describe: 'Id from "runs list"' })
      .option('out', { type: 'string', describe: 'The HTML file to write', defaultDescription: "report.html in the run's report folder" })
      .example('$0 runs report RUN_ID', "rewrite report.html beside the run's CSV reports")
      .example('$0 runs report RUN_ID --out review.html', 'write it elsewhere (its links point to the CSV reports)') as unknown as Argv<ReportArgs>,
  handler: (argv) =>
    runCommand(async () => {
      const db = openDbFromArgs(argv);
      migrateJournal(db);
      const run = requireRun(db, argv.runId);
      const path = resolve(argv.out ?? reportPaths(run.outDir).review);
      const review = writeReviewPage(run, new RunRows(db, run.id), path);
      db.close();
      const groups = review.groups.length;
      print(argv, { runId: run.id, path, groups, counts: review.counts }, `Wrote ${path} (${groups} ${groups === 1 ? 'group' : 'groups'} of problems).`);
    }),
};

export const runsCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'runs <command>',
  describe: 'The history of import runs (the run journal)',
  builder: (y) => y.command(listCommand).command(showCommand).command(reportCommand).command(abandonCommand).command(pruneCommand).demandCommand(1) as Argv<GlobalArgs>,
  handler: () => {},
};

/** `runs show --errors`: a table (or a JSON object per line) of the run's error rows. */
function showErrors(argv: ShowArgs, run: RunRecord, journal: RunRows): void {
  const listing = listErrors(journal, { code: argv.code, limit: argv.limit ?? (argv.json ? 0 : 20) });
  if (argv.json) {
    for (const row of listing.rows) process.stdout.write(`${JSON.stringify(errorJson(row))}\n`);
    return;
  }
  const what = argv.code === undefined ? 'error rows' : `rows with ${argv.code}`;
  if (listing.total === 0) {
    process.stdout.write(`Run ${run.id} has no ${what}.\n`);
    return;
  }
  const shown = listing.rows.length < listing.total ? `, the first ${listing.rows.length}` : '';
  const more = moreErrors(listing, reportPaths(run.outDir).errors, run.id);
  process.stdout.write([`Run ${run.id}: ${listing.total} ${what}${shown}`, errorTable(listing.rows, argv.code), ...(more ? [more] : [])].join('\n') + '\n');
}

function label(run: RunRecord): string {
  return run.state === 'completed' && run.dryRun ? 'dry-run' : run.state;
}

function publicRun(run: RunRecord) {
  const { pid: _pid, host: _host, header: _header, ...rest } = run;
  return rest;
}

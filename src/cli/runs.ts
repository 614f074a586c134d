import type { Argv, CommandModule } from 'yargs';
import { migrateJournal } from '../journal/schema.js';
import { listRuns, requireRun, type RunRecord } from '../journal/runs.js';
import { countsOf } from '../reports/summary.js';
import { RunRows } from '../journal/rows.js';
import { inDatabase } from '../db/open.js';
import { pruneCommand } from './runs-prune.js';
import { openDbFromArgs, print, runCommand, type GlobalArgs } from './context.js';

interface ListArgs extends GlobalArgs {
  limit: number;
}
interface ShowArgs extends GlobalArgs {
  runId: string;
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
  builder: (y) => y.positional('run-id', { type: 'string', demandOption: true, describe: 'Id from "runs list"' }) as unknown as Argv<ShowArgs>,
  handler: (argv) =>
    runCommand(async () => {
      const db = openDbFromArgs(argv);
      migrateJournal(db);
      const run = requireRun(db, argv.runId);
      const journal = new RunRows(db, run.id);
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
        `  rows       ${counts.rows}: ${counts.added} added, ${counts.modified} modified, ${counts.removed} removed, ${counts.unchanged} unchanged, ${counts.warnings} warnings, ${counts.errors} errors`,
        `  lines by state: ${states.map((s) => `${s.state} ${s.n}`).join(', ') || 'none'}`,
        ...(run.summary?.refusal ? [`  refused    ${run.summary.refusal.code}: ${run.summary.refusal.message}`] : []),
        `  reports    ${run.outDir}`,
        `  database   ${db.name}`,
        ...(['ingesting', 'planned', 'applying'].includes(run.state) ? [`  unfinished: finish it with "bulkhub users import ${run.inputFile} --customer ${run.customerId} --resume ${run.id}"`] : []),
      ];
      print(argv, { ...publicRun(run), database: db.name, counts, lineStates: Object.fromEntries(states.map((s) => [s.state, s.n])) }, lines.join('\n'));
      db.close();
    }),
};

export const runsCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'runs <command>',
  describe: 'The history of import runs (the run journal)',
  builder: (y) => y.command(listCommand).command(showCommand).command(pruneCommand).demandCommand(1) as Argv<GlobalArgs>,
  handler: () => {},
};

function label(run: RunRecord): string {
  return run.state === 'completed' && run.dryRun ? 'dry-run' : run.state;
}

function publicRun(run: RunRecord) {
  const { pid: _pid, host: _host, header: _header, ...rest } = run;
  return rest;
}

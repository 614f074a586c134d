import type { Argv, CommandModule } from 'yargs';
import { migrateJournal } from '../journal/schema.js';
import { pruneRuns, type PruneResult } from '../journal/retention.js';
import { openDbFromArgs, print, runCommand, type GlobalArgs } from './context.js';

/** `bulkhub runs prune`: deletes old runs from the journal and gives the space back. */

interface PruneArgs extends GlobalArgs {
  keep?: number;
  olderThan?: number;
  customer?: string;
  backend?: string;
  includeUnfinished?: boolean;
  dryRun?: boolean;
}

export const pruneCommand: CommandModule<GlobalArgs, PruneArgs> = {
  command: 'prune',
  describe: 'Delete old runs from the journal (newest N kept per customer and target, or the last DAYS days) and give the space back',
  builder: (y) =>
    y
      .option('keep', { type: 'number', describe: 'Keep the newest N runs of each customer and target' })
      .option('older-than', { type: 'number', describe: 'Delete the runs that started more than DAYS days ago' })
      .option('customer', { type: 'string', describe: "Only this customer's runs" })
      .option('backend', { choices: ['sqlite', 'webex'] as const, describe: "Only this target's runs" })
      .option('include-unfinished', { type: 'boolean', describe: 'Delete unfinished (resumable) runs too; a run being applied right now is never deleted' })
      .option('dry-run', { type: 'boolean', describe: 'List what would be deleted, delete nothing' })
      .example('$0 runs prune --keep 30', 'the newest 30 runs of each customer and target stay')
      .example('$0 runs prune --older-than 90 --customer acme', "acme's runs of the last 90 days stay")
      .epilogue('Either is enough to delete a run: beyond the newest --keep, or older than --older-than. Report folders on disk are not touched.') as Argv<PruneArgs>,
  handler: (argv) =>
    runCommand(async () => {
      const db = openDbFromArgs(argv);
      try {
        migrateJournal(db);
        const result = pruneRuns(db, {
          keep: argv.keep,
          olderThanDays: argv.olderThan,
          customerId: argv.customer,
          backend: argv.backend,
          includeUnfinished: argv.includeUnfinished ?? false,
          dryRun: argv.dryRun ?? false,
        });
        if (!argv.quiet || argv.json) print(argv, { database: db.name, dryRun: argv.dryRun ?? false, ...result }, describe(result, db.name, argv.dryRun ?? false));
      } finally {
        db.close();
      }
    }),
};

function describe(result: PruneResult, database: string, dryRun: boolean): string {
  const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
  const lines = [
    `${dryRun ? 'Would delete' : 'Deleted'} ${result.deleted.length} run${result.deleted.length === 1 ? '' : 's'} from ${database}` +
      (dryRun || result.deleted.length === 0 ? '.' : `: ${mb(result.bytesBefore)} before, ${mb(result.bytesAfter)} after.`),
    ...result.deleted.map((r) => `  ${r.id}  ${r.state.padEnd(12)} ${r.customerId} (${r.backend})`),
    ...result.kept.map((r) =>
      `  kept ${r.id}: ${r.reason === 'in-progress' ? 'being applied right now' : `unfinished, can be resumed (--include-unfinished deletes it)`}`),
  ];
  return lines.join('\n');
}

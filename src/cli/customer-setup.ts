import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { createSqliteBackend } from '../backends/sqlite/backend.js';
import { RunRefused } from '../domain/codes.js';
import { setUpCustomer, type CustomerSetupResult } from '../provisioning/customer-setup.js';
import { migrateProvisioning } from '../provisioning/schema.js';
import { openDbFromArgs, print, runCommand, type GlobalArgs } from './context.js';
import { EXIT } from './exit-codes.js';
import { createLogger, outcomeLine } from './log.js';
import { exitCodeOf, runOutcomeFields, runOutcomeText } from './users.js';
import { requireWholeNumber } from './whole-number.js';
import { progressDisplay } from './progress-display.js';

/** `bulkhub customers setup CUSTOMER ...`: branches, phone numbers, then the users (seed 003). */

interface SetupArgs extends GlobalArgs {
  customer: string;
  locations?: string;
  users?: string;
  numberPool?: string;
  out?: string;
  concurrency: number;
}

export const setupCommand: CommandModule<GlobalArgs, SetupArgs> = {
  command: 'setup <customer>',
  describe: 'Set up a customer: add branch locations, give calling users a number from a pool, import the users',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('customer', { type: 'string', demandOption: true, describe: 'Customer id' })
      .option('locations', {
        type: 'string',
        describe: 'CSV of branch locations: Location Name,Country,Address Line 1,Address Line 2,City,State or Province,Zip or Postal Code',
      })
      .option('users', { type: 'string', describe: 'Users CSV, the same format as bulkhub users import' })
      .option('number-pool', {
        type: 'string',
        describe: 'Phone numbers for users with a calling package and no Extension or Phone Number, e.g. +31201234500-+31201234599',
      })
      .option('out', { type: 'string', describe: 'Folder for the reports and the users file with the assigned numbers', defaultDescription: './bulkhub-reports/setup-<customer>-<time>/' })
      .option('concurrency', { type: 'number', default: 8, describe: 'Changes in flight at once (remote targets)' })
      .example('$0 customers setup cust-k3v9q2xa --locations branches.csv --users users.csv --number-pool +46313000100-+46313000199', ''),
  handler: (argv: ArgumentsCamelCase<SetupArgs>) => runCommand(() => setUp(argv), { db: argv.db }),
};

async function setUp(argv: SetupArgs): Promise<number> {
  if (argv.locations === undefined && argv.users === undefined) {
    throw new RunRefused('BAD_ARGUMENTS', 'Give what to set up: --locations FILE.csv, --users FILE.csv, or both.');
  }
  if (argv.numberPool !== undefined && argv.users === undefined) throw new RunRefused('BAD_ARGUMENTS', '--number-pool numbers the users of --users FILE.csv; add it.');
  const logger = createLogger({ level: argv.logLevel, quiet: argv.quiet });
  requireWholeNumber('concurrency', argv.concurrency);
  const db = openDbFromArgs(argv, { durability: 'normal' });
  migrateProvisioning(db);
  const backend = createSqliteBackend(db);
  try {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const result = await setUpCustomer({
      db,
      backend,
      customerId: argv.customer,
      locationsFile: argv.locations,
      usersFile: argv.users,
      numberPool: argv.numberPool,
      outDir: argv.out ?? `bulkhub-reports/setup-${argv.customer}-${stamp}`,
      logger,
      progress: progressDisplay(logger, { quiet: argv.quiet }),
      concurrency: argv.concurrency,
    });
    if (!argv.quiet || argv.json) print(argv, result, describeSetup(result));
    if (!result.import) return EXIT.OK;
    const exitCode = exitCodeOf(result.import.summary);
    outcomeLine(argv, exitCode, runOutcomeText(result.import.summary, exitCode), runOutcomeFields(result.import.summary, result.import.reports.dir));
    return exitCode;
  } finally {
    await backend.close();
    db.close();
  }
}

function describeSetup(r: CustomerSetupResult): string {
  const lines = [`Customer ${r.customerId} set up.`];
  const { added, existing } = r.locations;
  if (added.length + existing.length > 0) {
    lines.push(`  Locations: ${added.length} added${added.length ? ` (${added.map((l) => l.name).join(', ')})` : ''}` +
      `${existing.length ? `; already there: ${existing.join(', ')}` : ''}`);
  }
  if (r.numbers.length > 0) {
    lines.push(`  Phone numbers from the pool (${r.numbers.length}), written into ${r.importedFile}:`);
    lines.push(...r.numbers.map((n) => `    ${n.email}  ${n.phoneNumber}`));
  }
  const s = r.import?.summary;
  if (s && r.import) {
    lines.push(
      `  Users: run ${s.runId}: ${s.rows} rows: ${s.added} added, ${s.modified} modified, ${s.removed} removed, ${s.unchanged} unchanged, ${s.warnings} warnings, ${s.errors} errors`,
      ...(s.refusal ? [`  ${s.refusal.code}: ${s.refusal.message}`] : []),
      `Reports: ${r.import.reports.dir}`,
    );
  }
  return lines.join('\n');
}

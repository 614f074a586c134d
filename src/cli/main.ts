#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { withGlobalOptions } from './context.js';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';
import { withoutPublicApi } from './backend-option.js';
import { customersCommand } from './customers.js';
import { locationsCommand } from './locations.js';
import { sitesCommand } from './sites.js';
import { usersCommand } from './users.js';
import { runsCommand } from './runs.js';
import { orgsCommand } from './orgs.js';
import { subscriptionsCommand } from './subscriptions.js';
import { servicesCommand } from './services.js';
import { templatesCommand } from './templates.js';
import { outboxCommand } from './outbox.js';
import { wordArgumentError } from './argument-errors.js';
import { batchCommand } from './batch.js';
import { withSettings } from './settings.js';
import { printProblem, reportFailure, setDatabaseInUse, setShowStacks } from './problem.js';
import { resolveDbPath } from '../db/open.js';
import { handleStopSignals } from './signals.js';

const COMMANDS = [usersCommand, runsCommand, customersCommand, locationsCommand, sitesCommand, orgsCommand, subscriptionsCommand, servicesCommand,
  templatesCommand, outboxCommand, batchCommand];
/** The top-level command names (`users`, `runs`...), to name a command in a refusal of the command line. */
const NOUNS = COMMANDS.map((c) => String(c.command).split(' ')[0]!);

/** The one place that knows every command. Each noun lives in its own module. */
export async function main(argv: string[]): Promise<void> {
  await withSettings(withGlobalOptions(yargs(argv)), argv)
    .scriptName('bulkhub')
    // English whatever LANG says: wordArgumentError rewords yargs' English texts in bulkhub's words.
    .locale('en')
    .usage('$0 <command> [options]\n\nBulk provisioning of Webex Wholesale users from CSV, and the organisations, orders and services around them.')
    .command(usersCommand)
    .command(runsCommand)
    .command(batchCommand)
    .command(customersCommand)
    .command(locationsCommand)
    .command(sitesCommand)
    .command(withoutPublicApi(orgsCommand, 'the organisation finder and organisations'))
    .command(withoutPublicApi(subscriptionsCommand, 'mapping subscriptions (orders) to organisations'))
    .command(withoutPublicApi(servicesCommand, 'setting up Meetings and Calling for an order'))
    .command(withoutPublicApi(templatesCommand, 'onboarding templates'))
    .command(outboxCommand)
    .middleware((argv) => setShowStacks((argv.logLevel as string | undefined) ?? process.env.BULKHUB_LOG_LEVEL))
    .middleware((argv) => setDatabaseInUse(resolveDbPath(argv.db as string | undefined)))
    .demandCommand(1, 'Name a command; see bulkhub --help.')
    .strict()
    .recommendCommands()
    .epilogue(EXIT_CODES_HELP)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, error) => {
      // yargs' own refusals of the command line (YError, e.g. an option without its value) are bad arguments too.
      if (error && error.name !== 'YError') throw error;
      printProblem({ code: 'BAD_ARGUMENTS', message: wordArgumentError(message ?? error.message, argv, NOUNS) });
      process.exit(EXIT.NOT_APPLIED);
    })
    .completion('completion', 'Print a bash or zsh completion script: bulkhub completion >> ~/.bashrc')
    .help()
    .alias('help', 'h')
    .version()
    .parseAsync();
}

/**
 * The top-level handler: whatever escapes a command (or a stray promise) is printed as one line
 * with its code, never as a bare stack, and ends with the README's exit code. A reader that
 * closes stdout early (`bulkhub runs list | head -1`) ends the output quietly.
 */
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.OK);
  process.exit(reportFailure(error));
});
const fatal = (error: unknown): never => process.exit(reportFailure(error));
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);
handleStopSignals();
try {
  await main(hideBin(process.argv));
} catch (error) {
  process.exitCode = reportFailure(error);
}

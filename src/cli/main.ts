#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { withGlobalOptions } from './context.js';
import { EXIT } from './exit-codes.js';
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
import { batchCommand } from './batch.js';
import { withSettings } from './settings.js';

/** The one place that knows every command. Each noun lives in its own module. */
export async function main(argv: string[]): Promise<void> {
  await withSettings(withGlobalOptions(yargs(argv)), argv)
    .scriptName('bulkhub')
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
    .demandCommand(1, 'Name a command; see bulkhub --help.')
    .strict()
    .recommendCommands()
    .epilogue(
      'Exit codes: 0 every row ok (warnings allowed); 1 the run finished and some rows have status error; ' +
        '2 nothing could be applied (file-level problem, removal guard, bad arguments, unreachable target).',
    )
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, error) => {
      // yargs' own errors (a config file it could not read) are bad arguments too; others are ours.
      if (error && error.name !== 'YError') throw error;
      process.stderr.write(`bulkhub: BAD_ARGUMENTS: ${message ?? error?.message}\nRun with --help for usage.\n`);
      process.exit(EXIT.NOT_APPLIED);
    })
    .completion('completion', 'Print a bash or zsh completion script: bulkhub completion >> ~/.bashrc')
    .help()
    .alias('help', 'h')
    .version()
    .parseAsync();
}

await main(hideBin(process.argv));

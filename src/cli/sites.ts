import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { addSite, listSites } from '../backends/sqlite/directory.js';
import { removeSite, renameSite } from '../backends/sqlite/upkeep.js';
import { print, runCommand, type GlobalArgs } from './context.js';
import { withDirectory } from './customers.js';
import { backendOption, withoutPublicApi, type BackendName } from './backend-option.js';
import { listSitesOnWebex } from './webex-lookups.js';

/**
 * `bulkhub sites ...`: the Webex Meetings sites of a customer in the embedded directory. With
 * `--backend webex`, `list` reads them from the customer's Meetings licences; adding a site has
 * no public API (NO_PUBLIC_API).
 */

interface CustomerArgs extends GlobalArgs {
  customer: string;
  backend?: BackendName;
  subPartner?: string;
}

interface AddArgs extends CustomerArgs {
  url: string;
}

const customerOption = { type: 'string', demandOption: true, describe: 'Customer id (see bulkhub customers list)' } as const;

const add: CommandModule<GlobalArgs, AddArgs> = {
  command: 'add',
  describe: 'Add a Webex Meetings site to a customer (users can then name it as Preferred Webex Site)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option('customer', customerOption)
      .option('url', { type: 'string', demandOption: true, describe: 'Site URL or host, e.g. acme.webex.com or https://acme.webex.com/' })
      .example('$0 sites add --customer acme --url acme.webex.com', ''),
  handler: (argv: ArgumentsCamelCase<AddArgs>) =>
    runCommand(() =>
      withDirectory(argv, (db) => {
        const site = addSite(db, { customerId: argv.customer, url: argv.url });
        if (!argv.quiet || argv.json) print(argv, site, `Added site ${site.url} to customer ${site.customerId}.`);
      }),
    ),
};

const list: CommandModule<GlobalArgs, CustomerArgs> = {
  command: 'list',
  describe: 'List the Webex Meetings sites of a customer',
  builder: (y: Argv<GlobalArgs>) =>
    backendOption(y).option('customer', customerOption).example('$0 sites list --customer acme', '')
      .example('$0 sites list --backend webex --customer CUSTOMER_ID', 'the sites its Meetings licences name') as unknown as Argv<CustomerArgs>,
  handler: (argv: ArgumentsCamelCase<CustomerArgs>) =>
    argv.backend === 'webex'
      ? runCommand(() => listSitesOnWebex(argv))
      : runCommand(() =>
      withDirectory(argv, (db) => {
        const sites = listSites(db, argv.customer);
        const text =
          sites.length === 0
            ? `Customer ${argv.customer} has no sites yet. Add one with: bulkhub sites add --customer ${argv.customer} --url SITE`
            : sites.map((s) => s.url).join('\n');
        print(argv, sites, text);
      }),
    ),
};

interface RenameArgs extends CustomerArgs {
  url: string;
  to?: string;
}

const rename: CommandModule<GlobalArgs, RenameArgs> = {
  command: 'rename',
  describe: "Rename a Meetings site (a typo); refused while it is a user's preferred site",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option('customer', customerOption)
      .option('url', { type: 'string', demandOption: true, describe: 'The site as it is now, e.g. acme.webx.com' })
      .option('to', { type: 'string', demandOption: true, describe: 'The right site, e.g. acme.webex.com' })
      .example('$0 sites rename --customer acme --url acme.webx.com --to acme.webex.com', '') as Argv<RenameArgs>,
  handler: (argv: ArgumentsCamelCase<RenameArgs>) =>
    runCommand(() =>
      withDirectory(argv, (db) => {
        const site = renameSite(db, { customerId: argv.customer, url: argv.url, to: argv.to! });
        if (!argv.quiet || argv.json) print(argv, site, `Renamed site ${argv.url} of customer ${site.customerId} to ${site.url}.`);
      }),
    ),
};

const remove: CommandModule<GlobalArgs, RenameArgs> = {
  command: 'remove',
  describe: "Remove a Meetings site; refused while it is a user's preferred site",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option('customer', customerOption)
      .option('url', { type: 'string', demandOption: true, describe: 'The site to remove' })
      .example('$0 sites remove --customer acme --url old.webex.com', '') as Argv<RenameArgs>,
  handler: (argv: ArgumentsCamelCase<RenameArgs>) =>
    runCommand(() =>
      withDirectory(argv, (db) => {
        const removed = removeSite(db, { customerId: argv.customer, url: argv.url });
        if (!argv.quiet || argv.json) print(argv, removed, `Removed site ${removed.url} from customer ${removed.customerId}.`);
      }),
    ),
};

export const sitesCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'sites',
  describe: "Add, list, rename and remove a customer's Webex Meetings sites (list also in Webex, with --backend webex)",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .command(withoutPublicApi(add, 'Meetings site setup'))
      .command(list)
      .command(withoutPublicApi(rename, 'Meetings site setup'))
      .command(withoutPublicApi(remove, 'Meetings site setup'))
      .demandCommand(1, 'Name a sites command: add, list, rename or remove.'),
  handler: () => {},
};

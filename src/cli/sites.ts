import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { addSite, listSites } from '../backends/sqlite/directory.js';
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

export const sitesCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'sites',
  describe: "Add and list a customer's Webex Meetings sites (list also in Webex, with --backend webex)",
  builder: (y: Argv<GlobalArgs>) => y.command(withoutPublicApi(add, 'Meetings site setup')).command(list).demandCommand(1, 'Name a sites command: add or list.'),
  handler: () => {},
};

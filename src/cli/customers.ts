import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { createCustomer, getCustomerRecord, listCustomers, type CustomerRecord } from '../backends/sqlite/directory.js';
import { inDatabase, type Db } from '../db/open.js';
import { RunRefused } from '../domain/codes.js';
import { PACKAGE_COLUMN, PACKAGES } from '../domain/packages.js';
import { organisationOfCustomer } from '../provisioning/customer-link.js';
import { migrateProvisioning } from '../provisioning/schema.js';
import { deleteCustomer } from '../provisioning/customer-removal.js';
import { createWholesaleCustomer } from '../provisioning/wholesale-customers.js';
import { openDbFromArgs, print, runCommand, type GlobalArgs } from './context.js';
import { setupCommand } from './customer-setup.js';
import { addressFrom, addressOptions, type AddressArgs } from './provisioning-shared.js';
import { backendOption, type BackendName } from './backend-option.js';
import { createOnWebex, DEFAULT_TIMEOUT_SECONDS, WEBEX_ONLY } from './customers-webex.js';
import { listCustomersOnWebex, showCustomerOnWebex } from './webex-lookups.js';

/** `bulkhub customers ...`: the customer organisations of the embedded directory. */

const PACKAGE_HELP = PACKAGES.map((p) => `"${PACKAGE_COLUMN[p]}" or ${p}`).join(', ');

/**
 * Opens the directory, runs `body`, and always closes the file again. The provisioning tables
 * come along: a customer may belong to an organisation.
 */
export async function withDirectory<T>(argv: GlobalArgs, body: (db: Db) => T): Promise<T> {
  const db = openDbFromArgs(argv);
  try {
    migrateProvisioning(db);
    return body(db);
  } finally {
    db.close();
  }
}

interface CreateArgs extends GlobalArgs, Record<`hq-${keyof AddressArgs}`, string | undefined> {
  name: string;
  'admin-email': string;
  package: string;
  id?: string;
  template?: string;
  hqName?: string;
  hqCountry?: string;
  supportedLocation?: boolean;
  org?: string;
  backend: BackendName;
  timezone?: string;
  language?: string;
  externalId?: string;
  timeoutSeconds?: number;
}

/** The options of Partner Hub's "Create customer" (seed 003); they come as a group with --template. */
const TEMPLATE_GROUP = 'With an onboarding template (Partner Hub\'s "Create customer"):';
const HQ_ADDRESS = ['hq-address-line1', 'hq-address-line2', 'hq-city', 'hq-state-or-province', 'hq-zip-or-postal-code'];
const TEMPLATE_ONLY = ['hq-name', 'hq-country', 'supported-location', 'org', ...HQ_ADDRESS];
const WEBEX_GROUP = 'With --backend webex (POST /wholesale/customers; also --template, --hq-* and --supported-location):';

const create: CommandModule<GlobalArgs, CreateArgs> = {
  command: 'create',
  describe: 'Create a customer and its full admin; prints the new customer id',
  builder: (y: Argv<GlobalArgs>) =>
    addressOptions(backendOption(y), 'hq-')
      .alias({ 'hq-address-line1': 'address-line1', 'hq-address-line2': 'address-line2', 'hq-city': 'city', 'hq-state-or-province': 'state-or-province', 'hq-zip-or-postal-code': 'zip-or-postal-code' })
      .option('name', { type: 'string', demandOption: true, describe: 'Company name of the customer' })
      .option('admin-email', {
        type: 'string',
        demandOption: true,
        describe: "E-mail of the customer's full admin (gets the customer's package and cannot be removed)",
      })
      .option('package', { type: 'string', demandOption: true, describe: `The customer's package: ${PACKAGE_HELP}` })
      .option('id', { type: 'string', describe: 'Customer id to use instead of a generated one (cust-xxxxxxxx)' })
      .option('template', { type: 'string', describe: 'Provisioning ID of the onboarding template (bulkhub templates list)' })
      .option('hq-name', { type: 'string', describe: 'Headquarters location name (becomes the first location)' })
      .option('hq-country', { type: 'string', describe: 'Headquarters country, 2-letter ISO code' })
      .option('supported-location', { type: 'boolean', describe: 'Attest that the customer is in a Webex-supported location (required)' })
      .option('org', { type: 'string', describe: 'Create the customer in this existing customer organisation', defaultDescription: 'a new one' })
      .option('timezone', { type: 'string', describe: 'IANA time zone of the Calling location and Meetings (required for every package)' })
      .option('language', { type: 'string', describe: "The customer's language (e-mails, Calling location)", defaultDescription: 'en_US' })
      .option('external-id', { type: 'string', describe: 'Your own reference for the customer in Webex', defaultDescription: 'bulkhub-<uuid>, printed' })
      .option('timeout-seconds', { type: 'number', describe: 'How long to wait for Webex to finish provisioning', defaultDescription: String(DEFAULT_TIMEOUT_SECONDS) })
      .group(['template', 'hq-name', 'hq-country', ...HQ_ADDRESS, 'supported-location', 'org'], TEMPLATE_GROUP)
      .group(['backend', ...WEBEX_ONLY], WEBEX_GROUP)
      .example('$0 customers create --name "Acme BV" --admin-email admin@acme.com --package "Webex Suite"', '')
      .example('id=$($0 customers create --name Acme --admin-email a@acme.com --package webex_calling)', '')
      .example(
        '$0 customers create --name "Delta AB" --admin-email it@delta.se --package "Webex Suite" --template prov-xxxxxxxxxxxx ' +
          '--hq-name "Göteborg HQ" --hq-country SE --hq-city Göteborg --supported-location',
        '',
      )
      .example(
        'WEBEX_ACCESS_TOKEN=... $0 customers create --backend webex --name "Delta AB" --admin-email it@delta.se --package "Webex Suite" ' +
          '--template PROVISIONING_ID --hq-name "Göteborg HQ" --hq-country SE --hq-address-line1 "Kungsgatan 1" --hq-city Göteborg ' +
          '--timezone Europe/Stockholm --language sv_SE --supported-location',
        'provision in Webex and wait',
      )
      .epilogue('Prints only the new id (or, with --json, the new customer), so a script can capture it.') as unknown as Argv<CreateArgs>,
  handler: (argv: ArgumentsCamelCase<CreateArgs>) =>
    argv.backend === 'webex'
      ? runCommand(() => createOnWebex(argv))
      : runCommand(() =>
      withDirectory(argv, (db) => {
        const webexOnly = WEBEX_ONLY.filter((o) => argv[o] !== undefined);
        if (webexOnly.length > 0) throw new RunRefused('BAD_ARGUMENTS', `${webexOnly.map((o) => `--${o}`).join(', ')} belong to creating the customer in Webex: add --backend webex.`);
        const basics = { id: argv.id, name: argv.name, adminEmail: argv.adminEmail, package: argv.package };
        let extra: object = {};
        let id: string;
        if (argv.template === undefined) {
          const stray = TEMPLATE_ONLY.filter((o) => argv[o] !== undefined);
          if (stray.length > 0) throw new RunRefused('BAD_ARGUMENTS', `${stray.map((o) => `--${o}`).join(', ')} belong to creating a customer from an onboarding template: add --template PROVISIONING_ID.`);
          id = createCustomer(db, basics);
        } else {
          if (argv.hqName === undefined || argv.hqCountry === undefined) {
            throw new RunRefused('BAD_ARGUMENTS', 'A customer created from a template needs its headquarters location: --hq-name NAME --hq-country CC (and the address).');
          }
          const hq = { name: argv.hqName, country: argv.hqCountry, ...addressFrom(argv, 'hq-') };
          const created = createWholesaleCustomer(db, { ...basics, provisioningId: argv.template, hq, supportedLocation: argv.supportedLocation ?? false, org: argv.org });
          ({ customerId: id, ...extra } = created);
        }
        const { name, package: pkg, adminEmail } = getCustomerRecord(db, id);
        // The id alone on stdout, so `$(bulkhub customers create ...)` captures exactly it.
        print(argv, { id, name, package: pkg, adminEmail, ...extra }, id);
      }),
    ),
};

interface LookupArgs extends GlobalArgs {
  backend: BackendName;
  subPartner?: string;
}

const list: CommandModule<GlobalArgs, LookupArgs> = {
  command: 'list',
  describe: 'List the customers of the directory, or with --backend webex the Wholesale customers in Webex',
  builder: (y: Argv<GlobalArgs>) =>
    backendOption(y).example('$0 customers list --json', '').example('$0 customers list --backend webex', 'id, status, packages and organisation of each') as unknown as Argv<LookupArgs>,
  handler: (argv: ArgumentsCamelCase<LookupArgs>) =>
    argv.backend === 'webex'
      ? runCommand(() => listCustomersOnWebex(argv))
      : runCommand(() =>
      withDirectory(argv, (db) => {
        const customers = listCustomers(db);
        const text =
          customers.length === 0
            ? `No customers yet${inDatabase(db)}. Create one with: bulkhub customers create --name NAME --admin-email EMAIL --package PACKAGE`
            : table([
                ['ID', 'NAME', 'PACKAGE', 'USERS', 'ADMIN'],
                ...customers.map((c) => [c.id, c.name, PACKAGE_COLUMN[c.package], String(c.userCount), c.adminEmail]),
              ]);
        print(argv, customers, text);
      }),
    ),
};

interface ShowArgs extends LookupArgs {
  id: string;
}

const show: CommandModule<GlobalArgs, ShowArgs> = {
  command: 'show <id>',
  describe: 'Show a customer: its package, admin, users per package, locations and sites (with --backend webex: status, provisioning errors, locations, sites)',
  builder: (y: Argv<GlobalArgs>) =>
    backendOption(y)
      .positional('id', { type: 'string', demandOption: true, describe: 'Customer id' })
      .example('$0 customers show cust-k3v9q2xa', '')
      .example('$0 customers show CUSTOMER_ID --backend webex', 'what Webex holds: status, errors per package, locations, sites') as unknown as Argv<ShowArgs>,
  handler: (argv: ArgumentsCamelCase<ShowArgs>) =>
    argv.backend === 'webex'
      ? runCommand(() => showCustomerOnWebex(argv))
      : runCommand(() =>
      withDirectory(argv, (db) => {
        const record = getCustomerRecord(db, argv.id);
        const link = organisationOfCustomer(db, record.id);
        const organisation = link ? { orgId: link.orgId, provisioningId: link.provisioningId } : null;
        const text = describeCustomer(record) + (link ? `\n  Organisation: ${link.orgId}${link.provisioningId ? ` (template ${link.provisioningId})` : ''}` : '');
        print(argv, { ...record, organisation }, text);
      }),
    ),
};

const remove: CommandModule<GlobalArgs, ShowArgs> = {
  command: 'delete <id>',
  describe: 'Delete a customer of the embedded directory with its full admin, locations and sites (refused while it has other users)',
  builder: (y: Argv<GlobalArgs>) =>
    y.positional('id', { type: 'string', demandOption: true, describe: 'Customer id' }).example('$0 customers delete cust-k3v9q2xa', '') as Argv<ShowArgs>,
  handler: (argv: ArgumentsCamelCase<ShowArgs>) =>
    runCommand(() =>
      withDirectory(argv, (db) => {
        const deleted = deleteCustomer(db, argv.id);
        const text = `Deleted customer ${deleted.id} (${deleted.name}) with its full admin, ${deleted.locations} location${deleted.locations === 1 ? '' : 's'} ` +
          `and ${deleted.sites} site${deleted.sites === 1 ? '' : 's'}${deleted.organisation ? `; organisation ${deleted.organisation} stays` : ''}.`;
        if (!argv.quiet || argv.json) print(argv, deleted, text);
      }),
    ),
};

function describeCustomer(c: CustomerRecord): string {
  const lines = [
    `Customer ${c.id}: ${c.name}`,
    `  Package:   ${PACKAGE_COLUMN[c.package]} (${c.package})`,
    `  Admin:     ${c.adminEmail}`,
    `  Created:   ${c.createdAt}`,
    `  Users:     ${c.userCount}`,
    ...PACKAGES.filter((p) => c.usersByPackage[p] > 0).map((p) => `    ${PACKAGE_COLUMN[p].padEnd(24)}${c.usersByPackage[p]}`),
    `  Locations: ${c.locations.length}`,
    ...c.locations.map((l) => `    ${l.name} (${[l.city, l.country].filter(Boolean).join(', ')})`),
    `  Sites:     ${c.sites.length}`,
    ...c.sites.map((s) => `    ${s.url}`),
  ];
  return lines.join('\n');
}

/** Left-aligned columns, two spaces apart: readable in a terminal, greppable in a log. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}

export const customersCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'customers',
  describe: 'Create (in the embedded directory, or in Webex with --backend webex), inspect and set up customers',
  builder: (y: Argv<GlobalArgs>) =>
    y.command(create).command(list).command(show).command(setupCommand).command(remove).demandCommand(1, 'Name a customers command: create, list, show, setup or delete.'),
  handler: () => {},
};

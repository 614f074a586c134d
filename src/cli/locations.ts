import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { addLocation, listLocations, type LocationRecord } from '../backends/sqlite/directory.js';
import { removeLocation, renameLocation } from '../backends/sqlite/upkeep.js';
import { print, runCommand, type GlobalArgs } from './context.js';
import { RunRefused } from '../domain/codes.js';
import { table, withDirectory } from './customers.js';
import { backendOption, type BackendName } from './backend-option.js';
import { addressFrom } from './provisioning-shared.js';
import { parseAddress } from '../provisioning/validate.js';
import { addLocationOnWebex, listLocationsOnWebex } from './webex-lookups.js';

/** `bulkhub locations ...`: the calling locations of a customer in the embedded directory, or in Webex. */

interface CustomerArgs extends GlobalArgs {
  customer: string;
  backend: BackendName;
  subPartner?: string;
  timezone?: string;
  language?: string;
  announcementLanguage?: string;
}

interface AddArgs extends CustomerArgs {
  name: string;
  country: string;
  'address-line1'?: string;
  'address-line2'?: string;
  city?: string;
  'state-or-province'?: string;
  'zip-or-postal-code'?: string;
}

const customerOption = { type: 'string', demandOption: true, describe: 'Customer id (see bulkhub customers list)' } as const;

const add: CommandModule<GlobalArgs, AddArgs> = {
  command: 'add',
  describe: 'Add a location (headquarters or branch) to a customer',
  builder: (y: Argv<GlobalArgs>) =>
    backendOption(y)
      .option('customer', customerOption)
      .option('name', { type: 'string', demandOption: true, describe: 'Location name, 1 to 80 characters, unique in the customer (ignoring case)' })
      .option('country', { type: 'string', demandOption: true, describe: 'Country or region as a 2-letter ISO code, e.g. NL' })
      .option('address-line1', { type: 'string', describe: 'Street and number' })
      .option('address-line2', { type: 'string', describe: 'Building, floor, suite' })
      .option('city', { type: 'string', describe: 'City' })
      .option('state-or-province', { type: 'string', describe: 'State or province' })
      .option('zip-or-postal-code', { type: 'string', describe: 'Zip or postal code' })
      .option('timezone', { type: 'string', describe: 'With --backend webex (required there): IANA time zone, e.g. Europe/Amsterdam' })
      .option('language', { type: 'string', describe: 'With --backend webex: e-mail language', defaultDescription: 'en_US' })
      .option('announcement-language', { type: 'string', describe: 'With --backend webex: phone announcement language', defaultDescription: '--language' })
      .example('$0 locations add --customer acme --name "Amsterdam HQ" --country NL --city Amsterdam', '')
      .example(
        '$0 locations add --backend webex --customer CUSTOMER_ID --name "Utrecht" --country NL --address-line1 "Oudegracht 1" --city Utrecht ' +
          '--state-or-province UT --zip-or-postal-code "3511 AA" --timezone Europe/Amsterdam --language nl_NL',
        'POST /locations in the customer organisation',
      ) as unknown as Argv<AddArgs>,
  handler: (argv: ArgumentsCamelCase<AddArgs>) =>
    argv.backend === 'webex'
      ? runCommand(() => addLocationOnWebex(argv, parseAddress(addressFrom(argv))))
      : runCommand(() =>
      withDirectory(argv, (db) => {
        const webexOnly = ['timezone', 'language', 'announcementLanguage'].filter((o) => argv[o as keyof AddArgs] !== undefined);
        if (webexOnly.length > 0) throw new RunRefused('BAD_ARGUMENTS', `${webexOnly.map((o) => `--${o.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')} belong to --backend webex (the Locations API); the directory keeps name, country and address.`);
        const location = addLocation(db, {
          customerId: argv.customer,
          name: argv.name,
          country: argv.country,
          addressLine1: argv.addressLine1,
          addressLine2: argv.addressLine2,
          city: argv.city,
          stateOrProvince: argv.stateOrProvince,
          zipOrPostalCode: argv.zipOrPostalCode,
        });
        if (!argv.quiet || argv.json) {
          print(argv, location, `Added location "${location.name}" (${location.country}) to customer ${location.customerId}.`);
        }
      }),
    ),
};

const list: CommandModule<GlobalArgs, CustomerArgs> = {
  command: 'list',
  describe: 'List the locations of a customer',
  builder: (y: Argv<GlobalArgs>) =>
    backendOption(y).option('customer', customerOption).example('$0 locations list --customer acme', '')
      .example('$0 locations list --backend webex --customer CUSTOMER_ID', 'the locations of the customer organisation in Webex') as unknown as Argv<CustomerArgs>,
  handler: (argv: ArgumentsCamelCase<CustomerArgs>) =>
    argv.backend === 'webex'
      ? runCommand(() => listLocationsOnWebex(argv))
      : runCommand(() =>
      withDirectory(argv, (db) => {
        const locations = listLocations(db, argv.customer);
        const text =
          locations.length === 0
            ? `Customer ${argv.customer} has no locations yet. Add one with: bulkhub locations add --customer ${argv.customer} --name NAME --country CC`
            : table([['NAME', 'COUNTRY', 'ADDRESS'], ...locations.map((l) => [l.name, l.country, address(l)])]);
        print(argv, locations, text);
      }),
    ),
};

interface RenameArgs extends CustomerArgs {
  name: string;
  to?: string;
}

const rename: CommandModule<GlobalArgs, RenameArgs> = {
  command: 'rename',
  describe: 'Rename a location (a typo); refused while users are in it',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option('customer', customerOption)
      .option('name', { type: 'string', demandOption: true, describe: 'The location as it is named now' })
      .option('to', { type: 'string', demandOption: true, describe: 'Its new name, 1 to 80 characters' })
      .example('$0 locations rename --customer acme --name "Amsterdm HQ" --to "Amsterdam HQ"', '') as Argv<RenameArgs>,
  handler: (argv: ArgumentsCamelCase<RenameArgs>) =>
    runCommand(() =>
      withDirectory(argv, (db) => {
        const location = renameLocation(db, { customerId: argv.customer, name: argv.name, to: argv.to! });
        if (!argv.quiet || argv.json) print(argv, location, `Renamed location "${argv.name}" of customer ${location.customerId} to "${location.name}".`);
      }),
    ),
};

const remove: CommandModule<GlobalArgs, RenameArgs> = {
  command: 'remove',
  describe: 'Remove a location; refused while users are in it',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option('customer', customerOption)
      .option('name', { type: 'string', demandOption: true, describe: 'The location to remove' })
      .example('$0 locations remove --customer acme --name "Old office"', '') as Argv<RenameArgs>,
  handler: (argv: ArgumentsCamelCase<RenameArgs>) =>
    runCommand(() =>
      withDirectory(argv, (db) => {
        const removed = removeLocation(db, { customerId: argv.customer, name: argv.name });
        if (!argv.quiet || argv.json) print(argv, removed, `Removed location "${removed.name}" from customer ${removed.customerId}.`);
      }),
    ),
};

function address(l: LocationRecord): string {
  return [l.addressLine1, l.addressLine2, [l.zipOrPostalCode, l.city].filter(Boolean).join(' '), l.stateOrProvince]
    .filter(Boolean)
    .join(', ');
}

export const locationsCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'locations',
  describe: "Add and list a customer's locations (in the embedded directory, or in Webex with --backend webex); rename and remove them in the embedded directory",
  builder: (y: Argv<GlobalArgs>) => y.command(add).command(list).command(rename).command(remove).demandCommand(1, 'Name a locations command: add, list, rename or remove.'),
  handler: () => {},
};

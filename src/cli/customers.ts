import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { createCustomer, getCustomerRecord, listCustomers, type CustomerRecord } from '../backends/sqlite/directory.js';
import { migrateDirectory } from '../backends/sqlite/schema.js';
import type { Db } from '../db/open.js';
import { PACKAGE_COLUMN, PACKAGES } from '../domain/packages.js';
import { openDbFromArgs, print, runCommand, type GlobalArgs } from './context.js';

/** `bulkhub customers ...`: the customer organisations of the embedded directory. */

const PACKAGE_HELP = PACKAGES.map((p) => `"${PACKAGE_COLUMN[p]}" or ${p}`).join(', ');

/** Opens the directory, runs `body`, and always closes the file again. */
export async function withDirectory<T>(argv: GlobalArgs, body: (db: Db) => T): Promise<T> {
  const db = openDbFromArgs(argv);
  try {
    migrateDirectory(db);
    return body(db);
  } finally {
    db.close();
  }
}

interface CreateArgs extends GlobalArgs {
  name: string;
  'admin-email': string;
  package: string;
  id?: string;
}

const create: CommandModule<GlobalArgs, CreateArgs> = {
  command: 'create',
  describe: 'Create a customer and its full admin; prints the new customer id',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option('name', { type: 'string', demandOption: true, describe: 'Company name of the customer' })
      .option('admin-email', {
        type: 'string',
        demandOption: true,
        describe: "E-mail of the customer's full admin (gets the customer's package and cannot be removed)",
      })
      .option('package', { type: 'string', demandOption: true, describe: `The customer's package: ${PACKAGE_HELP}` })
      .option('id', { type: 'string', describe: 'Customer id to use instead of a generated one (cust-xxxxxxxx)' })
      .example('$0 customers create --name "Acme BV" --admin-email admin@acme.com --package "Webex Suite"', '')
      .example('id=$($0 customers create --name Acme --admin-email a@acme.com --package webex_calling)', '')
      .epilogue('Prints only the new id (or, with --json, the new customer), so a script can capture it.'),
  handler: (argv: ArgumentsCamelCase<CreateArgs>) =>
    runCommand(() =>
      withDirectory(argv, (db) => {
        const id = createCustomer(db, { id: argv.id, name: argv.name, adminEmail: argv.adminEmail, package: argv.package });
        const { name, package: pkg, adminEmail } = getCustomerRecord(db, id);
        // The id alone on stdout, so `$(bulkhub customers create ...)` captures exactly it.
        print(argv, { id, name, package: pkg, adminEmail }, id);
      }),
    ),
};

const list: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'list',
  describe: 'List the customers of the directory',
  builder: (y: Argv<GlobalArgs>) => y.example('$0 customers list --json', ''),
  handler: (argv: ArgumentsCamelCase<GlobalArgs>) =>
    runCommand(() =>
      withDirectory(argv, (db) => {
        const customers = listCustomers(db);
        const text =
          customers.length === 0
            ? 'No customers yet. Create one with: bulkhub customers create --name NAME --admin-email EMAIL --package PACKAGE'
            : table([
                ['ID', 'NAME', 'PACKAGE', 'USERS', 'ADMIN'],
                ...customers.map((c) => [c.id, c.name, PACKAGE_COLUMN[c.package], String(c.userCount), c.adminEmail]),
              ]);
        print(argv, customers, text);
      }),
    ),
};

interface ShowArgs extends GlobalArgs {
  id: string;
}

const show: CommandModule<GlobalArgs, ShowArgs> = {
  command: 'show <id>',
  describe: 'Show a customer: its package, admin, users per package, locations and sites',
  builder: (y: Argv<GlobalArgs>) =>
    y.positional('id', { type: 'string', demandOption: true, describe: 'Customer id' }).example('$0 customers show cust-k3v9q2xa', ''),
  handler: (argv: ArgumentsCamelCase<ShowArgs>) =>
    runCommand(() =>
      withDirectory(argv, (db) => {
        const record = getCustomerRecord(db, argv.id);
        print(argv, record, describeCustomer(record));
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
  describe: 'Create and inspect customers of the embedded directory',
  builder: (y: Argv<GlobalArgs>) =>
    y.command(create).command(list).command(show).demandCommand(1, 'Name a customers command: create, list or show.'),
  handler: () => {},
};

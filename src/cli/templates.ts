import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { createTemplate, listTemplates, requireTemplate, type AuthMethod, type Template } from '../provisioning/templates.js';
import { print, runCommand, type GlobalArgs } from './context.js';
import { table } from './customers.js';
import { warn, withProvisioning } from './provisioning-shared.js';
import { deleteTemplate } from '../provisioning/customer-removal.js';

/** `bulkhub templates ...`: onboarding templates for Wholesale customers (seed 003). */

interface CreateArgs extends GlobalArgs {
  name: string;
  subscription: string;
  country: string;
  language: string;
  auth: AuthMethod;
  pstnProvider?: string;
}

const create: CommandModule<GlobalArgs, CreateArgs> = {
  command: 'create',
  describe: 'Create an onboarding template; prints its provisioning ID',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option('name', { type: 'string', demandOption: true, describe: 'Template name, unique' })
      .option('subscription', { type: 'string', demandOption: true, describe: 'The Wholesale subscription the template provisions from' })
      .option('country', { type: 'string', demandOption: true, describe: 'Country or region, 2-letter ISO code' })
      .option('language', { type: 'string', demandOption: true, describe: 'Default e-mail language, e.g. en, nl_NL, sv_SE' })
      .option('auth', { choices: ['webex', 'partner'] as const, demandOption: true, describe: 'Authentication: Webex, or the partner\'s own SAML identity provider' })
      .option('pstn-provider', { type: 'string', describe: 'Cloud Connected PSTN provider (accepted, but the vendor advises against it)' })
      .example('pid=$($0 templates create --name "Voxa SE" --subscription Sub100200 --country SE --language sv_SE --auth webex)', ''),
  handler: (argv: ArgumentsCamelCase<CreateArgs>) =>
    runCommand(() =>
      withProvisioning(argv, (db) => {
        const { template, warnings } = createTemplate(db, {
          name: argv.name,
          subscriptionId: argv.subscription,
          country: argv.country,
          language: argv.language,
          auth: argv.auth,
          pstnProvider: argv.pstnProvider,
        });
        for (const message of warnings) warn('PSTN_NOT_ADVISED', message);
        // The provisioning ID alone on stdout, so `$(bulkhub templates create ...)` captures it.
        print(argv, { ...template, warnings }, template.provisioningId);
      }),
    ),
};

const list: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'list',
  describe: 'List onboarding templates',
  handler: (argv: ArgumentsCamelCase<GlobalArgs>) =>
    runCommand(() =>
      withProvisioning(argv, (db) => {
        const templates = listTemplates(db);
        const text =
          templates.length === 0
            ? 'No templates yet. Create one with: bulkhub templates create --name NAME --subscription SUB --country CC --language LANG --auth webex'
            : table([
                ['PROVISIONING ID', 'NAME', 'SUBSCRIPTION', 'COUNTRY', 'LANGUAGE', 'AUTH', 'CUSTOMERS'],
                ...templates.map((t) => [t.provisioningId, t.name, t.subscriptionId, t.country, t.language, t.auth, String(t.customers)]),
              ]);
        print(argv, templates, text);
      }),
    ),
};

const show: CommandModule<GlobalArgs, GlobalArgs & { id: string }> = {
  command: 'show <id>',
  describe: 'Show an onboarding template',
  builder: (y: Argv<GlobalArgs>) => y.positional('id', { type: 'string', demandOption: true, describe: 'Provisioning ID' }) as Argv<GlobalArgs & { id: string }>,
  handler: (argv) =>
    runCommand(() =>
      withProvisioning(argv, (db) => {
        const t = requireTemplate(db, argv.id);
        print(argv, t, describeTemplate(t));
      }),
    ),
};

const remove: CommandModule<GlobalArgs, GlobalArgs & { id: string }> = {
  command: 'delete <id>',
  describe: 'Delete an onboarding template (refused while customers created from it exist)',
  builder: (y: Argv<GlobalArgs>) => y.positional('id', { type: 'string', demandOption: true, describe: 'Provisioning ID' }) as Argv<GlobalArgs & { id: string }>,
  handler: (argv) =>
    runCommand(() =>
      withProvisioning(argv, (db) => {
        const deleted = deleteTemplate(db, argv.id);
        if (!argv.quiet || argv.json) print(argv, deleted, `Deleted template ${deleted.provisioningId} (${deleted.name}).`);
      }),
    ),
};

function describeTemplate(t: Template): string {
  return [
    `Template ${t.name}`,
    `  Provisioning ID: ${t.provisioningId}`,
    `  Subscription:    ${t.subscriptionId}`,
    `  Country:         ${t.country}`,
    `  E-mail language: ${t.language}`,
    `  Authentication:  ${t.auth === 'webex' ? 'Webex' : 'partner (SAML)'}`,
    `  PSTN provider:   ${t.pstnProvider ?? 'none'}`,
    `  Customers:       ${t.customers}`,
  ].join('\n');
}

export const templatesCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'templates',
  describe: 'Onboarding templates for Wholesale customers',
  builder: (y: Argv<GlobalArgs>) => y.command(create).command(list).command(show).command(remove).demandCommand(1, 'Name a templates command: create, list, show or delete.'),
  handler: () => {},
};

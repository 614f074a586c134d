import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { RunRefused } from '../domain/codes.js';
import { mapSubscription, type MappedOrganisation, type MappingResult } from '../provisioning/mapping.js';
import type { NewOrgDetails } from '../provisioning/org-choice.js';
import { addressText, writeOrderSummary } from '../provisioning/order-summary.js';
import { pendingSteps, subscriptionState, type MappedFor, type Subscription } from '../provisioning/subscription-state.js';
import { addSubscription, listSubscriptions, requireSubscription } from '../provisioning/subscriptions.js';
import { print, runCommand, type GlobalArgs } from './context.js';
import { table } from './customers.js';
import { withProvisioning } from './provisioning-shared.js';

/** `bulkhub subscriptions ...`: orders, their state, and mapping them to organisations. */

interface AddArgs extends GlobalArgs {
  id: string;
  contactEmail: string;
  meetingsLicences: number;
  callingLicences: number;
}

const add: CommandModule<GlobalArgs, AddArgs> = {
  command: 'add',
  describe: 'Record an incoming order, as its welcome e-mail announces it',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option('id', { type: 'string', demandOption: true, describe: 'Subscription id, e.g. Sub100200' })
      .option('contact-email', { type: 'string', demandOption: true, describe: 'The provisioning contact e-mail of the order' })
      .option('meetings-licences', { type: 'number', default: 0, describe: 'Webex Meetings licences ordered' })
      .option('calling-licences', { type: 'number', default: 0, describe: 'Webex Calling licences ordered' })
      .example('$0 subscriptions add --id Sub100200 --contact-email ops@voxa.nl --meetings-licences 50 --calling-licences 40', '') as unknown as Argv<AddArgs>,
  handler: (argv: ArgumentsCamelCase<AddArgs>) =>
    runCommand(() =>
      withProvisioning(argv, (db) => {
        const sub = addSubscription(db, { id: argv.id, contactEmail: argv.contactEmail, meetingsLicences: argv.meetingsLicences, callingLicences: argv.callingLicences });
        print(argv, view(sub), sub.id);
      }),
    ),
};

/** A subscription as printed: its record plus its derived state and what is left to do. */
function view(sub: Subscription): Subscription & { state: string; pending: string[] } {
  return { ...sub, state: subscriptionState(sub), pending: pendingSteps(sub) };
}

const list: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'list',
  describe: 'List orders with their state and what is still pending',
  handler: (argv: ArgumentsCamelCase<GlobalArgs>) =>
    runCommand(() =>
      withProvisioning(argv, (db) => {
        const subs = listSubscriptions(db).map(view);
        const pending = subs.flatMap((s) => s.pending.map((p) => `  ${s.id}: ${p}`));
        const text =
          subs.length === 0
            ? 'No orders yet. Record one with: bulkhub subscriptions add --id SUB --contact-email EMAIL --meetings-licences N --calling-licences N'
            : [
                table([
                  ['ID', 'STATE', 'FOR', 'ORGANISATION', 'MEETINGS', 'CALLING'],
                  ...subs.map((s) => [s.id, s.state, s.mappedFor ?? '-', s.orgId ?? '-', `${s.meetingsLicences} ${s.meetings.status}`, `${s.callingLicences} ${s.calling.status}`]),
                ]),
                ...(pending.length ? ['', 'Pending:', ...pending] : []),
              ].join('\n');
        print(argv, subs, text);
      }),
    ),
};

interface ShowArgs extends GlobalArgs {
  id: string;
  summary?: string;
}

const show: CommandModule<GlobalArgs, ShowArgs> = {
  command: 'show <id>',
  describe: 'Show an order: state, organisations, services, sites, location, what is pending',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('id', { type: 'string', demandOption: true, describe: 'Subscription id' })
      .option('summary', { type: 'string', describe: 'Also write the order summary as a PDF to this file' }) as Argv<ShowArgs>,
  handler: (argv) =>
    runCommand(() =>
      withProvisioning(argv, async (db) => {
        const sub = view(requireSubscription(db, argv.id));
        const summary = argv.summary ? await writeOrderSummary(db, sub, argv.summary) : undefined;
        print(argv, { ...sub, ...(summary && { summary }) }, [describeSubscription(sub), ...(summary ? [`Order summary: ${summary}`] : [])].join('\n'));
      }),
    ),
};

export function describeSubscription(s: Subscription & { state: string; pending: string[] }): string {
  return [
    `Subscription ${s.id}: ${s.state}`,
    `  Contact:   ${s.contactEmail}`,
    `  For:       ${s.mappedFor ?? 'not mapped yet'}${s.delegateEmail ? ` (delegated to ${s.delegateEmail})` : ''}`,
    ...(s.partnerOrgId ? [`  Partner:   ${s.partnerOrgId} (${s.partnerRole})`] : []),
    ...(s.orgId ? [`  Org:       ${s.orgId}`] : []),
    `  Meetings:  ${s.meetingsLicences} licences, ${s.meetings.status}${s.meetings.timezone ? `, ${s.meetings.timezone}${s.meetings.earlyRelease ? ', early release' : ''}` : ''}`,
    ...s.meetings.sites.map((site) => `    ${site.url}  ${site.licences} licences`),
    `  Calling:   ${s.callingLicences} licences, ${s.calling.status}`,
    ...(s.calling.location ? [`    HQ ${s.calling.location.name}: ${addressText(s.calling.location)}`] : []),
    ...(s.pending.length ? ['  Pending:', ...s.pending.map((p) => `    ${p}`)] : []),
  ].join('\n');
}

interface MapArgs extends GlobalArgs {
  id: string;
  for: MappedFor;
  partnerOrg?: string;
  createPartnerOrg?: string;
  partnerVertical?: string;
  partnerCountry?: string;
  customerOrg?: string;
  createCustomerOrg?: string;
  customerVertical?: string;
  customerCountry?: string;
  customerEmail?: string;
  customerSetsUp?: boolean;
  org?: string;
  createOrg?: string;
  vertical?: string;
  country?: string;
  delegateEmail?: string;
}

const map: CommandModule<GlobalArgs, MapArgs> = {
  command: 'map <id>',
  describe: 'Map an order to its organisations through the finder (for a customer, for the partner itself, or delegate it)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('id', { type: 'string', demandOption: true, describe: 'Subscription id' })
      .option('for', { choices: ['customer', 'self', 'delegate'] as const, demandOption: true, describe: 'Whom the order is for' })
      .option('partner-org', { type: 'string', group: 'For a customer:', describe: 'The partner organisation, when the finder offers candidates' })
      .option('create-partner-org', { type: 'string', group: 'For a customer:', describe: 'Create the partner organisation with this name (finder outcome none)' })
      .option('partner-vertical', { type: 'string', group: 'For a customer:', describe: 'Business vertical of the new partner organisation' })
      .option('partner-country', { type: 'string', group: 'For a customer:', describe: 'Country of the new partner organisation' })
      .option('customer-email', { type: 'string', group: 'For a customer:', describe: "E-mail the customer finder checks, and the customer's admin", defaultDescription: 'the contact e-mail' })
      .option('customer-org', { type: 'string', group: 'For a customer:', describe: 'The customer organisation, when the finder offers candidates' })
      .option('create-customer-org', { type: 'string', group: 'For a customer:', describe: 'Create the customer organisation with this name' })
      .option('customer-vertical', { type: 'string', group: 'For a customer:', describe: 'Business vertical of the new customer organisation' })
      .option('customer-country', { type: 'string', group: 'For a customer:', describe: 'Country of the new customer organisation' })
      .option('customer-sets-up', { type: 'boolean', group: 'For a customer:', describe: 'Hand service setup to the customer admin (recorded in the outbox); the partner keeps access' })
      .option('org', { type: 'string', group: 'For my company (self):', describe: 'The organisation, when the finder offers candidates' })
      .option('create-org', { type: 'string', group: 'For my company (self):', describe: 'Create the organisation with this name' })
      .option('vertical', { type: 'string', group: 'For my company (self):', describe: 'Its business vertical' })
      .option('country', { type: 'string', group: 'For my company (self):', describe: 'Its country' })
      .option('delegate-email', { type: 'string', group: 'Someone else completes it (delegate):', describe: 'Who completes the order' })
      .example('$0 subscriptions map Sub100200 --for customer --customer-email it@delta.se --create-customer-org "Delta AB" --customer-vertical Retail --customer-country SE', '')
      .example('$0 subscriptions map Sub100200 --for delegate --delegate-email colleague@voxa.nl', '') as Argv<MapArgs>,
  handler: (argv) =>
    runCommand(() =>
      withProvisioning(argv, (db) => {
        const result = mapSubscription(db, {
          subscriptionId: argv.id,
          for: argv.for,
          partnerOrg: argv.partnerOrg,
          createPartnerOrg: details(argv.createPartnerOrg, argv.partnerVertical, argv.partnerCountry, 'partner'),
          customerOrg: argv.customerOrg,
          createCustomerOrg: details(argv.createCustomerOrg, argv.customerVertical, argv.customerCountry, 'customer'),
          customerEmail: argv.customerEmail,
          customerSetsUp: argv.customerSetsUp,
          org: argv.org,
          createOrg: details(argv.createOrg, argv.vertical, argv.country, ''),
          delegateEmail: argv.delegateEmail,
        });
        print(argv, { ...result, subscription: view(result.subscription) }, describeMapping(result));
      }),
    ),
};

/** The details of an organisation to create; its vertical and country mean nothing without it. */
function details(name: string | undefined, vertical: string | undefined, country: string | undefined, prefix: string): NewOrgDetails | undefined {
  const p = prefix ? `${prefix}-` : '';
  if (name === undefined) {
    if (vertical !== undefined || country !== undefined) {
      throw new RunRefused('BAD_ARGUMENTS', `--${p}vertical and --${p}country describe a new organisation: add --create-${p}org NAME.`);
    }
    return undefined;
  }
  return { name, vertical, country };
}

const HOW = { matched: 'matched by the finder', chosen: 'chosen', created: 'created' };

function describeMapping(r: MappingResult): string {
  const s = r.subscription;
  const org = (label: string, o: MappedOrganisation | undefined): string[] =>
    o ? [`  ${label} ${o.name} (${o.id}), ${HOW[o.how]}${o.how === 'matched' ? '' : ` (finder: ${o.finder})`}`] : [];
  const lines =
    s.mappedFor === 'delegate'
      ? [`Subscription ${s.id} is delegated: ${s.delegateEmail} must complete it (map it and set up its services).`]
      : [`Subscription ${s.id} mapped for ${s.mappedFor === 'self' ? "the partner's own company" : 'a customer'}.`];
  lines.push(...org('Partner organisation: ', r.partner), ...org(s.mappedFor === 'self' ? 'Organisation:' : 'Customer organisation:', r.organisation));
  if (r.partnerRole === 'full-admin') lines.push('  Partner access: full admin (the customer organisation is new).');
  if (r.partnerRole === 'provisioning-admin') {
    lines.push('  Partner access: provisioning admin. After service setup, ask the customer admin for full admin rights.');
  }
  if (s.setupBy === 'customer') lines.push('  Service setup is handed to the customer admin; the partner keeps access.');
  for (const m of r.messages) lines.push(`  Outbox: "${m.subject}" to ${m.to} (bulkhub outbox list)`);
  if (r.next.length > 0) lines.push('Next:', ...r.next.map((n) => `  ${n}`));
  return lines.join('\n');
}

export const subscriptionsCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'subscriptions',
  describe: 'Orders (subscriptions): record, list, show and map them to organisations',
  builder: (y: Argv<GlobalArgs>) =>
    y.command(add).command(list).command(show).command(map).demandCommand(1, 'Name a subscriptions command: add, list, show or map.'),
  handler: () => {},
};

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { RunRefused } from '../domain/codes.js';
import { writeOrderSummary } from '../provisioning/order-summary.js';
import { setUpCalling, setUpLater, setUpMeetings, type SetupResult } from '../provisioning/services.js';
import { SERVICE_NAME, pendingSteps, subscriptionState, type Service } from '../provisioning/subscription-state.js';
import type { Db } from '../db/open.js';
import { print, runCommand, type GlobalArgs } from './context.js';
import { addressFrom, addressOptions, withProvisioning, type AddressArgs } from './provisioning-shared.js';

/** `bulkhub services setup meetings|calling SUB ...`: service setup of a mapped order. */

interface CommonArgs extends GlobalArgs {
  id: string;
  later?: boolean;
  summary?: string;
}

interface MeetingsArgs extends CommonArgs {
  site?: string[];
  timezone?: string;
  earlyRelease?: boolean;
}

interface CallingArgs extends CommonArgs, AddressArgs {
  locationName?: string;
  country?: string;
}

function common<T>(y: Argv<T>): Argv<T> {
  return y
    .positional('id', { type: 'string', demandOption: true, describe: 'Subscription id' })
    .option('later', { type: 'boolean', describe: '"Set up later": the order stays unprovisioned and is listed as pending' })
    .option('summary', { type: 'string', describe: 'Write the order summary as a PDF to this file' });
}

/** `--later` records a decision, not a setup: setup options next to it would be silently lost. */
function refuseWithLater(argv: CommonArgs, given: Record<string, unknown>): void {
  const extra = Object.entries(given).filter(([, v]) => v !== undefined && v !== false).map(([k]) => `--${k}`);
  if (argv.later && extra.length > 0) throw new RunRefused('BAD_ARGUMENTS', `--later sets the service up later; leave out ${extra.join(', ')}.`);
}

const meetings: CommandModule<GlobalArgs, MeetingsArgs> = {
  command: 'meetings <id>',
  describe: 'Set up Webex Meetings: site URL names, licences per site, time zone, early release',
  builder: (y: Argv<GlobalArgs>) =>
    common(y)
      .option('site', { type: 'string', array: true, describe: 'Site URL name, becomes NAME.webex.com; with several sites NAME=LICENCES each' })
      .option('timezone', { type: 'string', describe: 'IANA time zone where most users are, e.g. Europe/Amsterdam' })
      .option('early-release', { type: 'boolean', describe: 'Put the sites on the early release schedule (features before the normal cycle; cannot be changed later)' })
      .example('$0 services setup meetings Sub100200 --site delta --timezone Europe/Stockholm', '')
      .example('$0 services setup meetings Sub100200 --site delta=30 --site delta-events=20 --timezone Europe/Stockholm --summary order.pdf', '')
      .example('$0 services setup meetings Sub100200 --later', '') as unknown as Argv<MeetingsArgs>,
  handler: (argv: ArgumentsCamelCase<MeetingsArgs>) =>
    runCommand(() =>
      withProvisioning(argv, (db) => {
        refuseWithLater(argv, { site: argv.site, timezone: argv.timezone, 'early-release': argv.earlyRelease });
        if (argv.later) return report(db, argv, 'meetings', setUpLater(db, argv.id, 'meetings'));
        if (!argv.site?.length) throw new RunRefused('BAD_ARGUMENTS', 'Name the site: --site NAME (repeat --site NAME=LICENCES for several), or --later.');
        if (argv.timezone === undefined) throw new RunRefused('BAD_ARGUMENTS', 'Give the time zone of the site: --timezone, e.g. Europe/Amsterdam.');
        const result = setUpMeetings(db, { subscriptionId: argv.id, sites: argv.site, timezone: argv.timezone, earlyRelease: argv.earlyRelease ?? false });
        return report(db, argv, 'meetings', result);
      }),
    ),
};

const calling: CommandModule<GlobalArgs, CallingArgs> = {
  command: 'calling <id>',
  describe: "Set up Webex Calling: the customer's headquarters location (more locations can be added later)",
  builder: (y: Argv<GlobalArgs>) =>
    addressOptions(
      common(y)
        .option('location-name', { type: 'string', describe: 'Name of the headquarters location, at most 80 characters' })
        .option('country', { type: 'string', describe: 'Country or region where most users are, 2-letter ISO code' }),
    )
      .example('$0 services setup calling Sub100200 --location-name "Göteborg HQ" --country SE --city Göteborg', '')
      .example('$0 services setup calling Sub100200 --later', '') as unknown as Argv<CallingArgs>,
  handler: (argv: ArgumentsCamelCase<CallingArgs>) =>
    runCommand(() =>
      withProvisioning(argv, (db) => {
        const address = addressFrom(argv as unknown as Record<string, unknown>);
        refuseWithLater(argv, { 'location-name': argv.locationName, country: argv.country, ...address });
        if (argv.later) return report(db, argv, 'calling', setUpLater(db, argv.id, 'calling'));
        if (argv.locationName === undefined || argv.country === undefined) {
          throw new RunRefused('BAD_ARGUMENTS', 'Webex Calling needs the headquarters location: --location-name NAME --country CC (and the address), or --later.');
        }
        return report(db, argv, 'calling', setUpCalling(db, { subscriptionId: argv.id, locationName: argv.locationName, country: argv.country, ...address }));
      }),
    ),
};

async function report(db: Db, argv: CommonArgs, service: Service, result: SetupResult): Promise<void> {
  const sub = result.subscription;
  const summary = argv.summary ? await writeOrderSummary(db, sub, argv.summary) : undefined;
  const state = subscriptionState(sub);
  const lines =
    sub[service].status === 'later'
      ? [`${SERVICE_NAME[service]} of ${sub.id} will be set up later; the order stays unprovisioned (${state}).`]
      : [`${SERVICE_NAME[service]} of ${sub.id} is provisioned.`];
  if (service === 'meetings' && sub.meetings.status === 'provisioned') {
    lines.push(`  Time zone ${sub.meetings.timezone}${sub.meetings.earlyRelease ? ', early release schedule' : ''}`);
    lines.push(...sub.meetings.sites.map((s) => `  ${s.url}  ${s.licences} licences`));
  }
  if (service === 'calling' && sub.calling.location) lines.push(`  Headquarters: ${sub.calling.location.name} (${sub.calling.location.country})`);
  if (result.customerSites?.added.length) lines.push(`  Added to customer ${result.customerSites.customerId}: ${result.customerSites.added.join(', ')}`);
  const pending = pendingSteps(sub);
  if (pending.length) lines.push('Pending:', ...pending.map((p) => `  ${p}`));
  if (summary) lines.push(`Order summary: ${summary}`);
  print(argv, { ...result, subscription: { ...sub, state, pending }, ...(summary && { summary }) }, lines.join('\n'));
}

const setup: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'setup',
  describe: 'Set up the services of a mapped order, now or later',
  builder: (y: Argv<GlobalArgs>) => y.command(meetings).command(calling).demandCommand(1, 'Name the service: meetings or calling.'),
  handler: () => {},
};

export const servicesCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'services',
  describe: 'Service setup of orders: Webex Meetings sites, Webex Calling headquarters',
  builder: (y: Argv<GlobalArgs>) => y.command(setup).demandCommand(1, 'Name a services command: setup.'),
  handler: () => {},
};

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { RunRefused } from '../domain/codes.js';
import { customerOfOrganisation } from '../provisioning/customer-link.js';
import { describeCandidate, type OrgFacts, type OrgKind } from '../provisioning/finder-rules.js';
import { findByDomain, findByEmail, type FinderKind, type FinderResult } from '../provisioning/finder.js';
import {
  addOrgUser,
  createOrganisation,
  listOrganisations,
  organisationFacts,
  organisationMembers,
  partnerAccessOf,
  requireOrganisation,
  setDomain,
} from '../provisioning/organisations.js';
import { subscriptionsOfOrganisation } from '../provisioning/subscriptions.js';
import { print, runCommand, type GlobalArgs } from './context.js';
import { table } from './customers.js';
import { withProvisioning } from './provisioning-shared.js';

/** `bulkhub orgs ...`: organisations and the organisation finder (seeds 000-002). */

interface CreateArgs extends GlobalArgs {
  name: string;
  vertical: string;
  country: string;
  domain?: string[];
  kind: OrgKind;
  id?: string;
}

const create: CommandModule<GlobalArgs, CreateArgs> = {
  command: 'create',
  describe: 'Create an organisation; prints its id',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option('name', { type: 'string', demandOption: true, describe: 'Company name' })
      .option('vertical', { type: 'string', demandOption: true, describe: 'Business vertical, e.g. Healthcare, Education, Retail' })
      .option('country', { type: 'string', demandOption: true, describe: 'Country or region, 2-letter ISO code' })
      .option('domain', { type: 'string', array: true, describe: 'A domain the organisation uses (listed unverified; see add-domain)' })
      .option('kind', { choices: ['partner', 'customer'] as const, default: 'customer' as const, describe: 'Partner or customer organisation' })
      .option('id', { type: 'string', describe: 'Organisation id to use instead of a generated one (org-xxxxxxxx)' })
      .example('$0 orgs create --name "Voxa Telecom" --kind partner --vertical Telecommunications --country NL --domain voxa.nl', ''),
  handler: (argv: ArgumentsCamelCase<CreateArgs>) =>
    runCommand(() =>
      withProvisioning(argv, (db) => {
        const id = createOrganisation(db, { id: argv.id, name: argv.name, kind: argv.kind, vertical: argv.vertical, country: argv.country, domains: argv.domain });
        print(argv, organisationFacts(db, [id])[0], id);
      }),
    ),
};

interface DomainArgs extends GlobalArgs {
  org: string;
  domain: string;
  verified?: boolean;
  claimed?: boolean;
}

const addDomain: CommandModule<GlobalArgs, DomainArgs> = {
  command: 'add-domain <org> <domain>',
  describe: 'Record a domain as verified or claimed by an organisation',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('org', { type: 'string', demandOption: true, describe: 'Organisation id' })
      .positional('domain', { type: 'string', demandOption: true, describe: 'Domain, e.g. acme.nl' })
      .option('verified', { type: 'boolean', describe: 'Ownership proven (DNS)' })
      .option('claimed', { type: 'boolean', describe: 'Verified, and its users claimed into the organisation (one organisation per domain)' })
      .conflicts('verified', 'claimed')
      .example('$0 orgs add-domain org-k3v9q2xa acme.nl --verified', ''),
  handler: (argv: ArgumentsCamelCase<DomainArgs>) =>
    runCommand(() =>
      withProvisioning(argv, (db) => {
        if (!argv.verified && !argv.claimed) throw new RunRefused('BAD_ARGUMENTS', 'Say what the domain is: --verified or --claimed.');
        const domain = setDomain(db, argv.org, argv.domain, argv.claimed ? 'claimed' : 'verified');
        if (!argv.quiet || argv.json) print(argv, { org: argv.org, ...domain }, `${domain.domain} is ${domain.status} by ${argv.org}.`);
      }),
    ),
};

interface UserArgs extends GlobalArgs {
  org: string;
  email: string;
  lastActive?: string;
  admin?: boolean;
}

const addUser: CommandModule<GlobalArgs, UserArgs> = {
  command: 'add-user <org>',
  describe: "Add a user (or admin) to an organisation, with the time of the user's last activity",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('org', { type: 'string', demandOption: true, describe: 'Organisation id' })
      .option('email', { type: 'string', demandOption: true, describe: "The user's e-mail (a Webex account belongs to one organisation)" })
      .option('last-active', { type: 'string', describe: 'Last activity, ISO 8601 (2025-03-01 or 2025-03-01T09:30:00Z); none means never active' })
      .option('admin', { type: 'boolean', describe: 'The user is an admin of the organisation' })
      .example('$0 orgs add-user org-k3v9q2xa --email jan@acme.nl --last-active 2025-06-30 --admin', ''),
  handler: (argv: ArgumentsCamelCase<UserArgs>) =>
    runCommand(() =>
      withProvisioning(argv, (db) => {
        const user = addOrgUser(db, argv.org, { email: argv.email, role: argv.admin ? 'admin' : 'user', lastActive: argv.lastActive });
        if (!argv.quiet || argv.json) print(argv, { org: argv.org, ...user }, `${user.email} is ${user.role === 'admin' ? 'an admin' : 'a user'} of ${argv.org}.`);
      }),
    ),
};

interface FindArgs extends GlobalArgs {
  email?: string;
  domain?: string;
  kind?: OrgKind;
}

const find: CommandModule<GlobalArgs, FindArgs> = {
  command: 'find',
  describe: 'The organisation finder: matched, candidates or none for an e-mail; or every organisation using a domain',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option('email', { type: 'string', describe: 'The e-mail to check (the provisioning contact, or a customer admin)' })
      .option('domain', { type: 'string', describe: 'Global domain-based search' })
      .option('kind', { choices: ['partner', 'customer'] as const, describe: 'Only partner or only customer organisations', defaultDescription: 'both' })
      .conflicts('email', 'domain')
      .example('$0 orgs find --email ops@voxa.nl --kind partner', '')
      .example('$0 orgs find --domain acme.nl', ''),
  handler: (argv: ArgumentsCamelCase<FindArgs>) =>
    runCommand(() =>
      withProvisioning(argv, (db) => {
        const kind: FinderKind = argv.kind ?? 'any';
        if (argv.email === undefined && argv.domain === undefined) throw new RunRefused('BAD_ARGUMENTS', 'Give --email EMAIL or --domain DOMAIN.');
        const result = argv.email !== undefined ? findByEmail(db, argv.email, kind) : findByDomain(db, argv.domain!, kind);
        print(argv, result, describeFinderResult(result));
      }),
    ),
};

const KIND_WORDS: Record<FinderKind, string> = { partner: 'partner organisation', customer: 'customer organisation', any: 'organisation' };

export function describeFinderResult(r: FinderResult): string {
  const what = KIND_WORDS[r.kind];
  if (r.outcome === 'matched') {
    const o = r.organisation;
    return `matched: ${r.email} is ${r.role === 'admin' ? 'an admin' : 'a user'} of ${what} ${o.id} (${o.name}, ${o.country}).\n  ${describeCandidate({ ...o, matchedBy: 'user-e-mails', probablyNotTheRightOne: false })}`;
  }
  if (r.outcome === 'candidates') {
    const who = r.email ? `no account matches ${r.email}, but ` : '';
    const n = r.candidates.length;
    const head = `candidates: ${who}${n} ${what}${n === 1 ? ' uses' : 's use'} ${r.domain}, best first:`;
    return [head, ...r.candidates.map((c, i) => `  ${i + 1}. ${describeCandidate(c)}`)].join('\n');
  }
  const kindOption = r.kind === 'any' ? '' : ` --kind ${r.kind}`;
  return (
    `none: no ${what} ${r.email ? `matches ${r.email} or ` : ''}uses ${r.domain}.\n` +
    `  Create one: bulkhub orgs create --name NAME --vertical VERTICAL --country CC${kindOption} --domain ${r.domain}`
  );
}

const list: CommandModule<GlobalArgs, FindArgs> = {
  command: 'list',
  describe: 'List organisations with their finder facts',
  builder: (y: Argv<GlobalArgs>) => y.option('kind', { choices: ['partner', 'customer'] as const, describe: 'Only this kind' }),
  handler: (argv: ArgumentsCamelCase<FindArgs>) =>
    runCommand(() =>
      withProvisioning(argv, (db) => {
        const orgs = listOrganisations(db, argv.kind);
        const text =
          orgs.length === 0
            ? 'No organisations yet. Create one with: bulkhub orgs create --name NAME --vertical VERTICAL --country CC'
            : table([['ID', 'KIND', 'NAME', 'COUNTRY', 'USERS', 'ACTIVE', 'LAST ACTIVITY'], ...orgs.map(row)]);
        print(argv, orgs, text);
      }),
    ),
};

const row = (o: OrgFacts): string[] => [o.id, o.kind, o.name, o.country, String(o.users), String(o.activeUsers), o.lastActivity?.slice(0, 10) ?? 'never'];

const show: CommandModule<GlobalArgs, { org: string } & GlobalArgs> = {
  command: 'show <org>',
  describe: 'Show an organisation: domains, users, partner access, its Wholesale customer and orders',
  builder: (y: Argv<GlobalArgs>) => y.positional('org', { type: 'string', demandOption: true, describe: 'Organisation id' }) as Argv<{ org: string } & GlobalArgs>,
  handler: (argv) =>
    runCommand(() =>
      withProvisioning(argv, (db) => {
        const org = requireOrganisation(db, argv.org);
        const facts = organisationFacts(db, [org.id])[0]!;
        const record = {
          ...facts,
          createdAt: org.createdAt,
          members: organisationMembers(db, org.id),
          partnerAccess: partnerAccessOf(db, org.id),
          customerId: customerOfOrganisation(db, org.id)?.customerId ?? null,
          subscriptions: subscriptionsOfOrganisation(db, org.id).map((s) => s.id),
        };
        const lines = [
          `Organisation ${org.id}: ${org.name} (${org.kind}, ${org.country}${org.vertical ? `, ${org.vertical}` : ''})`,
          `  Domains:   ${facts.domains.map((d) => `${d.domain} (${d.status})`).join(', ') || 'none'}`,
          `  Users:     ${facts.users}, ${facts.activeUsers} active; last activity ${facts.lastActivity ?? 'never'}`,
          ...record.members.map((m) => `    ${m.email}${m.role === 'admin' ? ' (admin)' : ''}${m.lastActive ? `  last active ${m.lastActive}` : ''}`),
          ...record.partnerAccess.map((p) => `  Partner:   ${p.partnerOrgId} is ${p.role}`),
          ...(record.customerId ? [`  Wholesale customer: ${record.customerId}`] : []),
          ...(record.subscriptions.length ? [`  Orders:    ${record.subscriptions.join(', ')}`] : []),
        ];
        print(argv, record, lines.join('\n'));
      }),
    ),
};

export const orgsCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'orgs',
  describe: 'Organisations and the organisation finder',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .command(create)
      .command(addDomain)
      .command(addUser)
      .command(find)
      .command(list)
      .command(show)
      .demandCommand(1, 'Name an orgs command: create, add-domain, add-user, find, list or show.'),
  handler: () => {},
};

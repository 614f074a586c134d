import type { Db } from '../db/open.js';
import { RunRefused } from '../domain/codes.js';
import { parseEmail } from '../backends/sqlite/validate.js';
import { describeCandidate, type OrgKind } from './finder-rules.js';
import { findByEmail, type FinderKind, type FinderResult } from './finder.js';
import { addOrgUser, createOrganisation, requireOrganisation } from './organisations.js';
import { domainOf } from './validate.js';

/**
 * One step of mapping an order: the finder's outcome plus what the person chose on the
 * command line gives exactly one organisation, or a refusal that lists what to choose from.
 */

export interface NewOrgDetails {
  name?: string;
  vertical?: string;
  country?: string;
}

export interface OrgStep {
  /** How the options are spelled for this step, e.g. `partner` gives --partner-org, --create-partner-org. */
  option: 'partner' | 'customer' | 'self';
  email: string;
  kind: FinderKind;
  /** Kind of the organisation to create when the outcome is `none`. */
  createKind: OrgKind;
  chosen?: string;
  create?: NewOrgDetails;
  /** Add `email` as the admin of a created organisation (it is that organisation's own person). */
  emailIsItsAdmin: boolean;
}

export interface OrgChoice {
  orgId: string;
  how: 'matched' | 'chosen' | 'created';
  finder: FinderResult;
}

const words = {
  partner: { org: '--partner-org', create: '--create-partner-org NAME --partner-vertical VERTICAL --partner-country CC', kind: 'partner organisation' },
  customer: { org: '--customer-org', create: '--create-customer-org NAME --customer-vertical VERTICAL --customer-country CC', kind: 'customer organisation' },
  self: { org: '--org', create: '--create-org NAME --vertical VERTICAL --country CC', kind: 'organisation' },
};

export function chooseOrganisation(db: Db, step: OrgStep, now: Date): OrgChoice {
  const w = words[step.option];
  const finder = findByEmail(db, step.email, step.kind, now);
  if (step.chosen !== undefined && step.create !== undefined) {
    throw new RunRefused('BAD_ARGUMENTS', `Choose an existing ${w.kind} (${w.org}) or create one (${w.create.split(' ')[0]}), not both.`);
  }
  if (finder.outcome === 'matched') {
    const matched = finder.organisation;
    if ((step.chosen !== undefined && step.chosen !== matched.id) || step.create !== undefined) {
      throw new RunRefused(
        'BAD_ARGUMENTS',
        `${finder.email} is ${finder.role === 'admin' ? 'an admin' : 'a user'} of ${matched.id} (${matched.name}), so the order maps to that ${w.kind}; ` +
          `leave out ${step.create !== undefined ? w.create.split(' ')[0] : w.org}.`,
      );
    }
    return { orgId: matched.id, how: 'matched', finder };
  }
  if (step.chosen !== undefined) {
    const kind = step.kind === 'any' ? undefined : step.kind;
    return { orgId: requireOrganisation(db, step.chosen, kind).id, how: 'chosen', finder };
  }
  // Seed 000: creating is offered when nothing matches; a candidate that is "probably not the
  // right one" should not stop it either, or the person would be pushed into the wrong organisation.
  const plausible = finder.outcome === 'candidates' ? finder.candidates.filter((c) => !c.probablyNotTheRightOne) : [];
  if (step.create !== undefined && plausible.length === 0) return { orgId: create(db, step, now), how: 'created', finder };
  throw choiceNeeded(step, finder, plausible.length === 0);
}

function create(db: Db, step: OrgStep, now: Date): string {
  const { name, vertical, country } = step.create!;
  if (!name?.trim() || !vertical?.trim() || !country?.trim()) {
    throw new RunRefused('BAD_ARGUMENTS', `A new ${words[step.option].kind} needs a company name, a business vertical and a country: ${words[step.option].create}.`);
  }
  const email = parseEmail('E-mail', step.email);
  const free = !db.prepare('SELECT 1 FROM org_members WHERE email = ?').get(email);
  const adds = step.emailIsItsAdmin && free;
  const orgId = createOrganisation(db, { name, vertical, country, kind: step.createKind, domains: adds ? [domainOf(email)] : [] });
  if (adds) addOrgUser(db, orgId, { email, role: 'admin' }, now);
  return orgId;
}

function choiceNeeded(step: OrgStep, finder: Exclude<FinderResult, { outcome: 'matched' }>, mayCreate: boolean): RunRefused {
  const w = words[step.option];
  if (finder.outcome === 'candidates') {
    const list = finder.candidates.map((c, i) => `\n  ${i + 1}. ${describeCandidate(c)}`).join('');
    const how = `Choose one with ${w.org} ID${mayCreate ? `, or create a new one with ${w.create}` : ''}.`;
    return new RunRefused(
      'ORGANISATION_CHOICE_NEEDED',
      `No account matches ${finder.email}, but ${finder.candidates.length} ${w.kind}${finder.candidates.length === 1 ? ' uses' : 's use'} ${finder.domain}:${list}\n${how}`,
    );
  }
  return new RunRefused(
    'ORGANISATION_CHOICE_NEEDED',
    `No ${w.kind} matches ${finder.email ?? ''} or uses ${finder.domain}. Create one with ${w.create}, ` +
      `or choose one you know with ${w.org} ID (search with bulkhub orgs find --domain DOMAIN).`,
  );
}

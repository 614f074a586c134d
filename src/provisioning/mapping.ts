import type { Db } from '../db/open.js';
import { RunRefused } from '../domain/codes.js';
import { parseEmail } from '../backends/sqlite/validate.js';
import type { FinderResult } from './finder.js';
import { chooseOrganisation, type NewOrgDetails, type OrgChoice } from './org-choice.js';
import { grantPartnerAccess, organisationMembers, requireOrganisation } from './organisations.js';
import { recordMessage, type OutboxMessage } from './outbox.js';
import { assertCanMap, pendingSteps, type MappedFor, type PartnerRole, type Subscription } from './subscription-state.js';
import { requireSubscription } from './subscriptions.js';

/**
 * `subscriptions map`: whom the order is for, and which organisations it goes to (seeds
 * 000-002). For a customer: the partner organisation, then the customer organisation, each
 * through the finder. For the partner's own company: one organisation. Someone else: record
 * who, and tell them. All or nothing: a step that needs a choice leaves the order as it was.
 */

export interface MappingInput {
  subscriptionId: string;
  for: MappedFor;
  partnerOrg?: string;
  createPartnerOrg?: NewOrgDetails;
  customerOrg?: string;
  createCustomerOrg?: NewOrgDetails;
  /** The e-mail the customer finder checks; by default the order's contact e-mail (seed 000). */
  customerEmail?: string;
  customerSetsUp?: boolean;
  org?: string;
  createOrg?: NewOrgDetails;
  delegateEmail?: string;
}

export interface MappedOrganisation {
  id: string;
  name: string;
  how: OrgChoice['how'];
  finder: FinderResult['outcome'];
}

export interface MappingResult {
  subscription: Subscription;
  partner?: MappedOrganisation;
  organisation?: MappedOrganisation;
  partnerRole?: PartnerRole;
  messages: OutboxMessage[];
  next: string[];
}

const OPTIONS_OF: Record<MappedFor, (keyof MappingInput)[]> = {
  customer: ['partnerOrg', 'createPartnerOrg', 'customerOrg', 'createCustomerOrg', 'customerEmail', 'customerSetsUp'],
  self: ['org', 'createOrg'],
  delegate: ['delegateEmail'],
};

export function mapSubscription(db: Db, input: MappingInput, now: Date = new Date()): MappingResult {
  const misplaced = (Object.keys(OPTIONS_OF) as MappedFor[])
    .filter((mode) => mode !== input.for)
    .flatMap((mode) => OPTIONS_OF[mode])
    .filter((key) => input[key] !== undefined && input[key] !== false);
  if (misplaced.length > 0) {
    throw new RunRefused('BAD_ARGUMENTS', `--for ${input.for} does not take ${misplaced.map(optionName).join(', ')}.`);
  }
  return db.transaction(() => {
    const sub = requireSubscription(db, input.subscriptionId);
    assertCanMap(sub);
    if (input.for === 'delegate') return delegate(db, sub, input);
    if (input.for === 'self') {
      const choice = chooseOrganisation(db, { option: 'self', email: sub.contactEmail, kind: 'any', createKind: 'customer', chosen: input.org, create: input.createOrg, emailIsItsAdmin: true }, now);
      db.prepare(`UPDATE subscriptions SET mapped_for = 'self', org_id = ?, mapped_at = ? WHERE id = ?`).run(choice.orgId, now.toISOString(), sub.id);
      return result(db, sub.id, { organisation: mapped(db, choice) });
    }
    return forCustomer(db, sub, input, now);
  }).immediate();
}

function forCustomer(db: Db, sub: Subscription, input: MappingInput, now: Date): MappingResult {
  const partner = chooseOrganisation(
    db,
    { option: 'partner', email: sub.contactEmail, kind: 'partner', createKind: 'partner', chosen: input.partnerOrg, create: input.createPartnerOrg, emailIsItsAdmin: true },
    now,
  );
  const customerEmail = input.customerEmail === undefined ? sub.contactEmail : parseEmail('Customer e-mail', input.customerEmail);
  // The contact e-mail is the partner's own person (seed 000): never made the customer's admin.
  const customer = chooseOrganisation(
    db,
    { option: 'customer', email: customerEmail, kind: 'customer', createKind: 'customer', chosen: input.customerOrg, create: input.createCustomerOrg, emailIsItsAdmin: input.customerEmail !== undefined },
    now,
  );
  const role = grantPartnerAccess(db, customer.orgId, partner.orgId, customer.how === 'created');
  const setupBy = input.customerSetsUp ? 'customer' : 'partner';
  db.prepare(
    `UPDATE subscriptions SET mapped_for = 'customer', partner_org_id = ?, org_id = ?, partner_role = ?, setup_by = ?, mapped_at = ? WHERE id = ?`,
  ).run(partner.orgId, customer.orgId, role, setupBy, now.toISOString(), sub.id);

  const messages: OutboxMessage[] = [];
  if (input.customerSetsUp) messages.push(handOver(db, sub, customer.orgId, input.customerEmail === undefined ? undefined : customerEmail));
  return result(db, sub.id, { partner: mapped(db, partner), organisation: mapped(db, customer), partnerRole: role, messages });
}

/** "My customer sets up their own services": an e-mail to the customer admin; the partner keeps access. */
function handOver(db: Db, sub: Subscription, orgId: string, customerEmail: string | undefined): OutboxMessage {
  const admin = customerEmail ?? organisationMembers(db, orgId).find((m) => m.role === 'admin')?.email;
  const org = requireOrganisation(db, orgId);
  if (admin === undefined) {
    throw new RunRefused(
      'BAD_ARGUMENTS',
      `--customer-sets-up hands the service setup to the customer admin, but ${org.id} (${org.name}) has no admin yet; name one with --customer-email EMAIL.`,
    );
  }
  const services = [sub.meetingsLicences > 0 && `Webex Meetings (${sub.meetingsLicences} licences)`, sub.callingLicences > 0 && `Webex Calling (${sub.callingLicences} licences)`];
  return recordMessage(db, {
    to: admin,
    subscriptionId: sub.id,
    subject: `Set up your Webex services (order ${sub.id})`,
    body:
      `Your partner mapped order ${sub.id} to ${org.name} and asks you to set up its services: ${services.filter(Boolean).join(', ')}. ` +
      'Sign in to Control Hub to continue. Your partner keeps access to your organisation to support you.',
  });
}

function delegate(db: Db, sub: Subscription, input: MappingInput): MappingResult {
  if (input.delegateEmail === undefined) throw new RunRefused('BAD_ARGUMENTS', '--for delegate needs --delegate-email EMAIL: the person who completes the order.');
  const email = parseEmail('Delegate e-mail', input.delegateEmail);
  db.prepare(`UPDATE subscriptions SET mapped_for = 'delegate', delegate_email = ? WHERE id = ?`).run(email, sub.id);
  const message = recordMessage(db, {
    to: email,
    subscriptionId: sub.id,
    subject: `Provisioning information required for order ${sub.id}`,
    body: `${sub.contactEmail} asks you to complete order ${sub.id}: map it to its organisations and set up its services.`,
  });
  return result(db, sub.id, { messages: [message] });
}

function mapped(db: Db, choice: OrgChoice): MappedOrganisation {
  return { id: choice.orgId, name: requireOrganisation(db, choice.orgId).name, how: choice.how, finder: choice.finder.outcome };
}

function result(db: Db, id: string, parts: Partial<MappingResult>): MappingResult {
  const subscription = requireSubscription(db, id);
  return { messages: [], ...parts, subscription, next: pendingSteps(subscription) };
}

function optionName(key: keyof MappingInput): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

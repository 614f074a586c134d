import type { Db } from '../db/open.js';
import { RunRefused } from '../domain/codes.js';
import { addLocation, createCustomer, type LocationRecord } from '../backends/sqlite/directory.js';
import { parseCountry, parseEmail } from '../backends/sqlite/validate.js';
import { syncSitesToCustomer } from './customer-link.js';
import type { PartnerRole } from './subscription-state.js';
import { addOrgUser, createOrganisation, grantPartnerAccess, requireOrganisation } from './organisations.js';
import { requireSubscription } from './subscriptions.js';
import { requireTemplate } from './templates.js';
import { domainOf, parseAddress, parseCustomerName } from './validate.js';

/**
 * "Create customer" of Partner Hub (seed 003): company name, admin e-mail, onboarding template,
 * package, headquarters location, and the attestation that the customer is in a
 * Webex-supported location. The customer is the directory's customer (whose users the import
 * manages) in a customer organisation: a new one, or an existing one named with `org` (the
 * Wholesale API's `orgId`).
 */

export interface NewWholesaleCustomer {
  id?: string;
  name: string;
  adminEmail: string;
  package: string;
  provisioningId: string;
  hq: Omit<LocationRecord, 'customerId'>;
  supportedLocation: boolean;
  org?: string;
}

export interface WholesaleCustomerResult {
  customerId: string;
  orgId: string;
  orgCreated: boolean;
  provisioningId: string;
  hq: LocationRecord;
  partnerAccess?: { partnerOrgId: string; role: PartnerRole };
  sites: string[];
}

export function createWholesaleCustomer(db: Db, input: NewWholesaleCustomer, now: Date = new Date()): WholesaleCustomerResult {
  // The same customer goes to the Wholesale API: its rule for the name holds here too.
  input = { ...input, name: parseCustomerName(input.name) };
  if (!input.supportedLocation) {
    throw new RunRefused(
      'LOCATION_NOT_ATTESTED',
      `Customer "${input.name}" was not created: Webex provisions customers only in Webex-supported locations, and Partner Hub asks the partner ` +
        `to attest it ("I verify that this customer is in a Webex-supported location"). Check that ${parseCountry(input.hq.country)} is supported, ` +
        'then add --supported-location.',
    );
  }
  const adminEmail = parseEmail('Admin e-mail', input.adminEmail);
  return db.transaction(() => {
    const template = requireTemplate(db, input.provisioningId);
    const { orgId, created } = organisationFor(db, { ...input, org: input.org ?? mappedOrganisation(db, template.subscriptionId, adminEmail) }, adminEmail, now);
    const customerId = createCustomer(db, { id: input.id, name: input.name, adminEmail, package: input.package });
    // The headquarters is the Wholesale API's address too: its lines hold at most 50 characters.
    const hq = addLocation(db, { customerId, name: input.hq.name, country: input.hq.country, ...parseAddress(input.hq) });
    db.prepare('INSERT INTO customer_orgs (customer_id, org_id, provisioning_id) VALUES (?, ?, ?)').run(customerId, orgId, template.provisioningId);
    const partnerAccess = grantPartner(db, template.subscriptionId, orgId, created);
    const sites = syncSitesToCustomer(db, { customerId, orgId, provisioningId: template.provisioningId });
    return { customerId, orgId, orgCreated: created, provisioningId: template.provisioningId, hq, sites, ...(partnerAccess && { partnerAccess }) };
  }).immediate();
}

/**
 * The customer's organisation. The admin's account belongs to one organisation, so an admin
 * who already has one decides: that organisation must be the one named with `org`.
 */
function organisationFor(db: Db, input: NewWholesaleCustomer, adminEmail: string, now: Date): { orgId: string; created: boolean } {
  const home = db.prepare('SELECT org_id FROM org_members WHERE email = ?').pluck().get(adminEmail) as string | undefined;
  if (input.org !== undefined) {
    const org = requireOrganisation(db, input.org, 'customer');
    const holder = db.prepare('SELECT customer_id FROM customer_orgs WHERE org_id = ?').pluck().get(org.id) as string | undefined;
    if (holder) throw new RunRefused('BAD_ARGUMENTS', `Organisation ${org.id} (${org.name}) already holds Wholesale customer ${holder}.`);
    if (home !== undefined && home !== org.id) {
      throw new RunRefused('BAD_ARGUMENTS', `${adminEmail} is a user of organisation ${home}, not of ${org.id}; a Webex account belongs to one organisation.`);
    }
    if (home === undefined) addOrgUser(db, org.id, { email: adminEmail, role: 'admin' }, now);
    return { orgId: org.id, created: false };
  }
  if (home !== undefined) {
    const org = requireOrganisation(db, home);
    throw new RunRefused(
      'BAD_ARGUMENTS',
      `${adminEmail} already has an account in ${org.kind} organisation ${org.id} (${org.name}). ` +
        (org.kind === 'customer' ? `To create the customer in that organisation, add --org ${org.id}.` : 'Use another admin e-mail for the customer.'),
    );
  }
  // Partner Hub's form asks no business vertical: the new organisation has none.
  const orgId = createOrganisation(db, { name: input.name, kind: 'customer', country: input.hq.country, domains: [domainOf(adminEmail)] });
  addOrgUser(db, orgId, { email: adminEmail, role: 'admin' }, now);
  return { orgId, created: true };
}

/**
 * The organisation to use when `org` is not named: the customer organisation the template's
 * order was mapped to, when the admin already belongs to it and it holds no Wholesale customer
 * yet. That is the order's own customer (`subscriptions map --customer-email` made the admin
 * its user), so asking for `--org` would only make a person copy an id. Any other case keeps
 * the explicit rules of `organisationFor`.
 */
function mappedOrganisation(db: Db, subscriptionId: string, adminEmail: string): string | undefined {
  const row = db
    .prepare(
      `SELECT s.org_id FROM subscriptions s JOIN organisations o ON o.id = s.org_id
       WHERE s.id = ? AND o.kind = 'customer'
         AND EXISTS (SELECT 1 FROM org_members m WHERE m.org_id = s.org_id AND m.email = ?)
         AND NOT EXISTS (SELECT 1 FROM customer_orgs c WHERE c.org_id = s.org_id)`,
    )
    .pluck()
    .get(subscriptionId, adminEmail) as string | undefined;
  return row;
}

/** The partner of the template's subscription runs a new organisation, and provisions an existing one. */
function grantPartner(db: Db, subscriptionId: string, orgId: string, created: boolean): { partnerOrgId: string; role: PartnerRole } | undefined {
  const sub = requireSubscription(db, subscriptionId);
  const partnerOrgId = sub.partnerOrgId ?? (sub.orgId && requireOrganisation(db, sub.orgId).kind === 'partner' ? sub.orgId : null);
  if (partnerOrgId === null) return undefined;
  return { partnerOrgId, role: grantPartnerAccess(db, orgId, partnerOrgId, created) };
}

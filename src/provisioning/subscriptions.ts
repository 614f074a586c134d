import { inDatabase, OTHER_DATABASE, type Db } from '../db/open.js';
import { RunRefused } from '../domain/codes.js';
import { parseEmail } from '../backends/sqlite/validate.js';
import type { CallingLocation, MeetingsSite, ServiceStatus, Subscription } from './subscription-state.js';
import { parseId, parseLicenceCount } from './validate.js';

/** Orders as the welcome e-mail announces them, and reading them back with their setup. */

export interface NewSubscription {
  id: string;
  contactEmail: string;
  meetingsLicences: number | string;
  callingLicences: number | string;
}

export function addSubscription(db: Db, input: NewSubscription): Subscription {
  const id = parseId('Subscription id', input.id);
  const contactEmail = parseEmail('Provisioning contact e-mail', input.contactEmail);
  const meetings = parseLicenceCount('Meetings licences', input.meetingsLicences);
  const calling = parseLicenceCount('Calling licences', input.callingLicences);
  if (meetings + calling === 0) {
    throw new RunRefused('BAD_ARGUMENTS', 'An order has Meetings licences, Calling licences or both; this one has none.');
  }
  if (db.prepare('SELECT 1 FROM subscriptions WHERE id = ? COLLATE NOCASE').get(id)) {
    throw new RunRefused('BAD_ARGUMENTS', `Subscription ${id} already exists (see bulkhub subscriptions show ${id}).`);
  }
  const status = (n: number): ServiceStatus => (n > 0 ? 'pending' : 'not-ordered');
  db.prepare(
    `INSERT INTO subscriptions (id, contact_email, meetings_licences, calling_licences, meetings_status, calling_status)
     VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(id, contactEmail, meetings, calling, status(meetings), status(calling));
  return requireSubscription(db, id);
}

interface SubscriptionRow {
  id: string;
  contact_email: string;
  meetings_licences: number;
  calling_licences: number;
  mapped_for: Subscription['mappedFor'];
  delegate_email: string | null;
  partner_org_id: string | null;
  org_id: string | null;
  partner_role: Subscription['partnerRole'];
  setup_by: Subscription['setupBy'];
  meetings_status: ServiceStatus;
  meetings_timezone: string | null;
  meetings_early_release: number | null;
  calling_status: ServiceStatus;
  created_at: string;
  mapped_at: string | null;
}

export function requireSubscription(db: Db, id: string): Subscription {
  const row = db.prepare('SELECT * FROM subscriptions WHERE id = ?').get(id.trim()) as SubscriptionRow | undefined;
  if (!row) {
    throw new RunRefused(
      'SUBSCRIPTION_NOT_FOUND',
      `Subscription "${id}" does not exist${inDatabase(db)}. List them with \`bulkhub subscriptions list\`, or record an order with \`bulkhub subscriptions add\`. ${OTHER_DATABASE}`,
    );
  }
  return toSubscription(db, row);
}

export function listSubscriptions(db: Db): Subscription[] {
  return (db.prepare('SELECT * FROM subscriptions ORDER BY created_at, id').all() as SubscriptionRow[]).map((row) => toSubscription(db, row));
}

/** The subscriptions whose services go to this organisation, oldest first. */
export function subscriptionsOfOrganisation(db: Db, orgId: string): Subscription[] {
  return (db.prepare('SELECT * FROM subscriptions WHERE org_id = ? ORDER BY created_at, id').all(orgId) as SubscriptionRow[]).map((row) =>
    toSubscription(db, row),
  );
}

function toSubscription(db: Db, row: SubscriptionRow): Subscription {
  const sites = db.prepare('SELECT url, licences FROM meetings_sites WHERE subscription_id = ? ORDER BY position').all(row.id) as MeetingsSite[];
  const hq = db
    .prepare(
      `SELECT name, country, address_line1 AS addressLine1, address_line2 AS addressLine2, city,
         state_or_province AS stateOrProvince, zip_or_postal_code AS zipOrPostalCode
       FROM calling_hq WHERE subscription_id = ?`,
    )
    .get(row.id) as Record<string, string | null> | undefined;
  // Absent address fields are left out rather than null, like the directory's locations.
  const location = hq ? (Object.fromEntries(Object.entries(hq).filter(([, v]) => v !== null)) as unknown as CallingLocation) : null;
  return {
    id: row.id,
    contactEmail: row.contact_email,
    meetingsLicences: row.meetings_licences,
    callingLicences: row.calling_licences,
    mappedFor: row.mapped_for,
    delegateEmail: row.delegate_email,
    partnerOrgId: row.partner_org_id,
    orgId: row.org_id,
    partnerRole: row.partner_role,
    setupBy: row.setup_by,
    meetings: { status: row.meetings_status, timezone: row.meetings_timezone, earlyRelease: row.meetings_early_release === 1, sites },
    calling: { status: row.calling_status, location },
    createdAt: row.created_at,
    mappedAt: row.mapped_at,
  };
}

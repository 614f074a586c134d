import type { Db } from '../db/open.js';

/**
 * The link between a Wholesale customer (the directory's `customers`, whose users the import
 * manages) and the customer organisation it belongs to. The Meetings sites set up for an order
 * of that organisation are sites of the customer too, so a users CSV can name them as
 * Preferred Webex Site.
 */

export interface CustomerLink {
  customerId: string;
  orgId: string;
  provisioningId: string | null;
}

const SELECT = 'SELECT customer_id AS customerId, org_id AS orgId, provisioning_id AS provisioningId FROM customer_orgs';

export function customerOfOrganisation(db: Db, orgId: string): CustomerLink | undefined {
  return db.prepare(`${SELECT} WHERE org_id = ?`).get(orgId) as CustomerLink | undefined;
}

export function organisationOfCustomer(db: Db, customerId: string): CustomerLink | undefined {
  return db.prepare(`${SELECT} WHERE customer_id = ?`).get(customerId) as CustomerLink | undefined;
}

/**
 * Adds to the customer every provisioned Meetings site of its organisation's orders that it
 * does not have yet; returns the sites added. Safe to call again.
 */
export function syncSitesToCustomer(db: Db, link: CustomerLink): string[] {
  const missing = db
    .prepare(
      `SELECT ms.url FROM meetings_sites ms JOIN subscriptions s ON s.id = ms.subscription_id
       WHERE s.org_id = ? AND s.meetings_status = 'provisioned'
         AND NOT EXISTS (SELECT 1 FROM sites WHERE customer_id = ? AND url = ms.url)
       ORDER BY s.created_at, ms.position`,
    )
    .pluck()
    .all(link.orgId, link.customerId) as string[];
  const insert = db.prepare('INSERT INTO sites (customer_id, url) VALUES (?, ?)');
  for (const url of missing) insert.run(link.customerId, url);
  return missing;
}

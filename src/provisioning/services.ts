import type { Db } from '../db/open.js';
import { RunRefused } from '../domain/codes.js';
import { parseCountry, requireText } from '../backends/sqlite/validate.js';
import { customerOfOrganisation, syncSitesToCustomer } from './customer-link.js';
import { distributeLicences, parseSiteArg } from './licences.js';
import { assertCanSetUp, type CallingLocation, type Service, type Subscription } from './subscription-state.js';
import { requireSubscription } from './subscriptions.js';
import { parseAddress, parseTimeZone } from './validate.js';

/**
 * Service setup of a mapped order (seeds 000-002): Webex Meetings (sites, time zone, early
 * release) and Webex Calling (the headquarters location), each now or later.
 */

export interface SetupResult {
  subscription: Subscription;
  /** Sites also added to the Wholesale customer of the organisation, when it has one. */
  customerSites?: { customerId: string; added: string[] };
}

/** "Set up later": the order stays unprovisioned and is listed as pending. */
export function setUpLater(db: Db, subscriptionId: string, service: Service): SetupResult {
  return db.transaction(() => {
    const sub = requireSubscription(db, subscriptionId);
    assertCanSetUp(sub, service);
    db.prepare(`UPDATE subscriptions SET ${service}_status = 'later' WHERE id = ?`).run(sub.id);
    return { subscription: requireSubscription(db, sub.id) };
  }).immediate();
}

export interface MeetingsSetup {
  subscriptionId: string;
  sites: readonly string[];
  timezone: string;
  earlyRelease: boolean;
}

export function setUpMeetings(db: Db, input: MeetingsSetup): SetupResult {
  const timezone = parseTimeZone(input.timezone);
  const requests = input.sites.map(parseSiteArg);
  return db.transaction(() => {
    const sub = requireSubscription(db, input.subscriptionId);
    assertCanSetUp(sub, 'meetings');
    const sites = distributeLicences(requests, sub.meetingsLicences, sub.id);
    // A Webex site URL is global: refuse one that any order or customer already has.
    for (const { url } of sites) {
      const owner = db
        .prepare(`SELECT 'subscription ' || subscription_id FROM meetings_sites WHERE url = ? UNION ALL SELECT 'customer ' || customer_id FROM sites WHERE url = ?`)
        .pluck()
        .get(url, url) as string | undefined;
      if (owner) throw new RunRefused('BAD_ARGUMENTS', `Site ${url} already exists (${owner}); a Webex site URL is unique, choose another name.`);
    }
    const insert = db.prepare('INSERT INTO meetings_sites (url, subscription_id, licences, position) VALUES (?, ?, ?, ?)');
    sites.forEach((site, i) => insert.run(site.url, sub.id, site.licences, i));
    db.prepare(`UPDATE subscriptions SET meetings_status = 'provisioned', meetings_timezone = ?, meetings_early_release = ? WHERE id = ?`).run(
      timezone,
      input.earlyRelease ? 1 : 0,
      sub.id,
    );
    const link = customerOfOrganisation(db, sub.orgId!);
    const result: SetupResult = { subscription: requireSubscription(db, sub.id) };
    if (link) result.customerSites = { customerId: link.customerId, added: syncSitesToCustomer(db, link) };
    return result;
  }).immediate();
}

export interface CallingSetup extends Omit<CallingLocation, 'name' | 'country'> {
  subscriptionId: string;
  locationName: string;
  country: string;
}

export function setUpCalling(db: Db, input: CallingSetup): SetupResult {
  const name = requireText('Location name', input.locationName, 80);
  const country = parseCountry(input.country);
  const address = parseAddress(input);
  return db.transaction(() => {
    const sub = requireSubscription(db, input.subscriptionId);
    assertCanSetUp(sub, 'calling');
    db.prepare(
      `INSERT INTO calling_hq (subscription_id, name, country, address_line1, address_line2, city, state_or_province, zip_or_postal_code)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(sub.id, name, country, ...(['addressLine1', 'addressLine2', 'city', 'stateOrProvince', 'zipOrPostalCode'] as const).map((k) => address[k] ?? null));
    db.prepare(`UPDATE subscriptions SET calling_status = 'provisioned' WHERE id = ?`).run(sub.id);
    return { subscription: requireSubscription(db, sub.id) };
  }).immediate();
}

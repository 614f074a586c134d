import type { Db } from '../../db/open.js';
import { RunRefused } from '../../domain/codes.js';
import { requireCustomer, type LocationRecord, type SiteRecord } from './directory.js';
import { parseSiteUrl, requireText } from './validate.js';

/**
 * Upkeep of the embedded directory: a typo'd location or Meetings site renamed or removed.
 * Users point at locations and sites by name, so while any user does, the change is refused with
 * the reason (how many users, a few of them, and what to do first). The database enforces the
 * same with triggers (schema.ts), for anything that bypasses these functions.
 */

/** At most this many e-mails are named in a refusal; the count says the rest. */
const EXAMPLES = 3;

function usersOf(db: Db, customerId: string, column: 'location' | 'preferred_site', value: string): { count: number; examples: string[] } {
  const count = db.prepare(`SELECT count(*) FROM users WHERE customer_id = ? AND ${column} = ?`).pluck().get(customerId, value) as number;
  const examples = db.prepare(`SELECT email FROM users WHERE customer_id = ? AND ${column} = ? ORDER BY email LIMIT ${EXAMPLES}`).pluck().all(customerId, value) as string[];
  return { count, examples };
}

function who({ count, examples }: { count: number; examples: string[] }): string {
  return `${count} user${count === 1 ? '' : 's'} (${examples.join(', ')}${count > examples.length ? ', ...' : ''})`;
}

function requireLocation(db: Db, customerId: string, name: string): string {
  const found = db.prepare('SELECT name FROM locations WHERE customer_id = ? AND name = ?').pluck().get(customerId, name.trim()) as string | undefined;
  if (found !== undefined) return found;
  const known = db.prepare('SELECT name FROM locations WHERE customer_id = ? ORDER BY name').pluck().all(customerId) as string[];
  throw new RunRefused('LOCATION_NOT_FOUND', `Customer ${customerId} has no location "${name}" (it has ${known.length === 0 ? 'none' : known.map((k) => `"${k}"`).join(', ')}).`);
}

function refuseLocationInUse(db: Db, customerId: string, name: string, doing: 'renamed' | 'removed'): void {
  const users = usersOf(db, customerId, 'location', name);
  if (users.count === 0) return;
  throw new RunRefused(
    'LOCATION_IN_USE',
    `Location "${name}" of customer ${customerId} cannot be ${doing}: ${who(users)} ${users.count === 1 ? 'is' : 'are'} in it. ` +
      'Move them to another location first (an import whose Location column names it), then try again.',
  );
}

/** Renames a location (a typo); refused while users are in it, or when the new name is taken. */
export function renameLocation(db: Db, input: { customerId: string; name: string; to: string }): LocationRecord {
  const { id: customerId } = requireCustomer(db, input.customerId);
  const to = requireText('New location name', input.to, 80);
  return db.transaction(() => {
    const name = requireLocation(db, customerId, input.name);
    refuseLocationInUse(db, customerId, name, 'renamed');
    const taken = db.prepare('SELECT name FROM locations WHERE customer_id = ? AND name = ?').pluck().get(customerId, to) as string | undefined;
    // Only a change of case may keep the name "taken" (names compare without case).
    if (taken !== undefined && taken.toLowerCase() !== name.toLowerCase()) {
      throw new RunRefused('BAD_ARGUMENTS', `Location "${taken}" already exists in customer ${customerId} (names are compared ignoring case).`);
    }
    db.prepare('UPDATE locations SET name = ? WHERE customer_id = ? AND name = ?').run(to, customerId, name);
    return db.prepare(`SELECT customer_id AS customerId, name, country FROM locations WHERE customer_id = ? AND name = ?`).get(customerId, to) as LocationRecord;
  }).immediate();
}

/** Removes a location; refused while users are in it. */
export function removeLocation(db: Db, input: { customerId: string; name: string }): { customerId: string; name: string } {
  const { id: customerId } = requireCustomer(db, input.customerId);
  return db.transaction(() => {
    const name = requireLocation(db, customerId, input.name);
    refuseLocationInUse(db, customerId, name, 'removed');
    db.prepare('DELETE FROM locations WHERE customer_id = ? AND name = ?').run(customerId, name);
    return { customerId, name };
  }).immediate();
}

function requireSite(db: Db, customerId: string, url: string): string {
  const host = parseSiteUrl(url);
  if (db.prepare('SELECT 1 FROM sites WHERE customer_id = ? AND url = ?').get(customerId, host)) return host;
  const known = db.prepare('SELECT url FROM sites WHERE customer_id = ? ORDER BY url').pluck().all(customerId) as string[];
  throw new RunRefused('SITE_NOT_FOUND', `Customer ${customerId} has no Meetings site ${host} (it has ${known.length === 0 ? 'none' : known.join(', ')}).`);
}

function refuseSiteInUse(db: Db, customerId: string, url: string, doing: 'renamed' | 'removed'): void {
  const users = usersOf(db, customerId, 'preferred_site', url);
  if (users.count === 0) return;
  throw new RunRefused(
    'SITE_IN_USE',
    `Meetings site ${url} of customer ${customerId} cannot be ${doing}: it is the Preferred Webex Site of ${who(users)}. ` +
      'Give them another site first (an import whose Preferred Webex Site column names it), then try again.',
  );
}

/** Renames a Meetings site (a typo); refused while it is a user's preferred site, or when the new one exists. */
export function renameSite(db: Db, input: { customerId: string; url: string; to: string }): SiteRecord {
  const { id: customerId } = requireCustomer(db, input.customerId);
  const to = parseSiteUrl(input.to);
  return db.transaction(() => {
    const url = requireSite(db, customerId, input.url);
    refuseSiteInUse(db, customerId, url, 'renamed');
    if (to !== url && db.prepare('SELECT 1 FROM sites WHERE customer_id = ? AND url = ?').get(customerId, to)) {
      throw new RunRefused('BAD_ARGUMENTS', `Site ${to} already exists in customer ${customerId}.`);
    }
    db.prepare('UPDATE sites SET url = ? WHERE customer_id = ? AND url = ?').run(to, customerId, url);
    return { customerId, url: to };
  }).immediate();
}

/** Removes a Meetings site; refused while it is a user's preferred site. */
export function removeSite(db: Db, input: { customerId: string; url: string }): SiteRecord {
  const { id: customerId } = requireCustomer(db, input.customerId);
  return db.transaction(() => {
    const url = requireSite(db, customerId, input.url);
    refuseSiteInUse(db, customerId, url, 'removed');
    db.prepare('DELETE FROM sites WHERE customer_id = ? AND url = ?').run(customerId, url);
    return { customerId, url };
  }).immediate();
}

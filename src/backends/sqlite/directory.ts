import { randomBytes } from 'node:crypto';
import { inDatabase, OTHER_DATABASE, type Db } from '../../db/open.js';
import { RunRefused } from '../../domain/codes.js';
import { PACKAGES, type PackageId } from '../../domain/packages.js';
import type { LocationFields } from '../../domain/location.js';
import {
  optionalText,
  parseCountry,
  parseCustomerId,
  parseEmail,
  parsePackageArg,
  parseSiteUrl,
  requireText,
} from './validate.js';

/**
 * Managing the embedded directory itself: customers, their locations and Meetings sites.
 * (Users are changed through the backend, like any other target.) Every function validates
 * its input and throws `RunRefused` with a message a person can act on.
 */

export interface CustomerSummary {
  id: string;
  name: string;
  package: PackageId;
  adminEmail: string;
  createdAt: string;
  userCount: number;
}

export interface LocationRecord extends LocationFields {
  customerId: string;
}

export interface SiteRecord {
  customerId: string;
  url: string;
}

export interface CustomerRecord extends CustomerSummary {
  usersByPackage: Record<PackageId, number>;
  locations: LocationRecord[];
  sites: SiteRecord[];
}

export interface NewCustomer {
  /** Generated (`cust-` and 8 random characters) when not given. */
  id?: string;
  name: string;
  adminEmail: string;
  /** An API id (`webex_suite`) or a column name (`Webex Suite`). */
  package: string;
}

export type NewLocation = Omit<LocationRecord, 'customerId'> & { customerId: string };

const CUSTOMER_COLUMNS = `c.id, c.name, c.package, c.admin_email AS adminEmail, c.created_at AS createdAt,
  (SELECT count(*) FROM users u WHERE u.customer_id = c.id) AS userCount`;

const LOCATION_COLUMNS = `customer_id AS customerId, name, country, address_line1 AS addressLine1,
  address_line2 AS addressLine2, city, state_or_province AS stateOrProvince, zip_or_postal_code AS zipOrPostalCode`;

/**
 * Creates a customer; the database adds its full admin as a user with the customer's package.
 * The admin has no location or number even for a calling package: the customer has no location
 * yet at this point, and the directory (unlike the CSV rules) does not require them.
 */
export function createCustomer(db: Db, input: NewCustomer): string {
  const name = requireText('Customer name', input.name, 200);
  const adminEmail = parseEmail('Admin e-mail', input.adminEmail);
  const pkg = parsePackageArg(input.package);
  const insert = db.prepare('INSERT INTO customers (id, name, package, admin_email) VALUES (?, ?, ?, ?)');
  const audit = db.prepare(`INSERT INTO audit_entries (customer_id, email, op, details) VALUES (?, ?, 'add', ?)`);
  const exists = db.prepare('SELECT 1 FROM customers WHERE id = ? COLLATE NOCASE');
  const holder = db.prepare('SELECT c.id, c.name, u.is_full_admin AS admin FROM users u JOIN customers c ON c.id = u.customer_id WHERE u.email = ? LIMIT 1');
  return db.transaction(() => {
    // A Webex account belongs to one organisation: the admin cannot be another customer's user too.
    const other = holder.get(adminEmail) as { id: string; name: string; admin: number } | undefined;
    if (other) {
      throw new RunRefused('BAD_ARGUMENTS',
        `${adminEmail} is already ${other.admin === 1 ? 'the admin' : 'a user'} of customer "${other.name}" (${other.id}), and a Webex account belongs to one ` +
          'organisation: give this customer another admin e-mail.');
    }
    let id: string;
    if (input.id !== undefined) {
      id = parseCustomerId(input.id);
      if (exists.get(id)) throw new RunRefused('BAD_ARGUMENTS', `Customer id "${id}" already exists; pick another --id.`);
    } else {
      do {
        id = generateCustomerId();
      } while (exists.get(id));
    }
    insert.run(id, name, pkg, adminEmail);
    audit.run(id, adminEmail, JSON.stringify({ package: pkg, fullAdmin: true }));
    return id;
  }).immediate();
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function generateCustomerId(): string {
  return 'cust-' + [...randomBytes(8)].map((b) => BASE32[b % 32]).join('');
}

export function listCustomers(db: Db): CustomerSummary[] {
  return db.prepare(`SELECT ${CUSTOMER_COLUMNS} FROM customers c ORDER BY c.name, c.id`).all() as CustomerSummary[];
}

/** The customer, or `RunRefused('CUSTOMER_NOT_FOUND')` that says how to create one. */
export function getCustomerRecord(db: Db, customerId: string): CustomerRecord {
  const summary = requireCustomer(db, customerId);
  const usersByPackage = Object.fromEntries(PACKAGES.map((p) => [p, 0])) as Record<PackageId, number>;
  const counts = db
    .prepare('SELECT package, count(*) AS n FROM users WHERE customer_id = ? GROUP BY package')
    .all(summary.id) as { package: PackageId; n: number }[];
  for (const { package: pkg, n } of counts) usersByPackage[pkg] = n;
  return { ...summary, usersByPackage, locations: listLocations(db, summary.id), sites: listSites(db, summary.id) };
}

export function requireCustomer(db: Db, customerId: string): CustomerSummary {
  const row = db.prepare(`SELECT ${CUSTOMER_COLUMNS} FROM customers c WHERE c.id = ?`).get(customerId);
  if (row) return row as CustomerSummary;
  throw new RunRefused(
    'CUSTOMER_NOT_FOUND',
    `Customer "${customerId}" does not exist${inDatabase(db)}. List customers with \`bulkhub customers list\`, ` +
      `or create one with \`bulkhub customers create --name NAME --admin-email EMAIL --package PACKAGE\`. ${OTHER_DATABASE}`,
  );
}

export function addLocation(db: Db, input: NewLocation): LocationRecord {
  const { id: customerId } = requireCustomer(db, input.customerId);
  const location: LocationRecord = { customerId, name: requireText('Location name', input.name, 80), country: parseCountry(input.country) };
  const optional = {
    addressLine1: optionalText('Address line 1', input.addressLine1, 255),
    addressLine2: optionalText('Address line 2', input.addressLine2, 255),
    city: optionalText('City', input.city, 255),
    stateOrProvince: optionalText('State or province', input.stateOrProvince, 255),
    zipOrPostalCode: optionalText('Zip or postal code', input.zipOrPostalCode, 32),
  };
  for (const [key, value] of Object.entries(optional)) if (value !== null) Object.assign(location, { [key]: value });
  const taken = db.prepare('SELECT name FROM locations WHERE customer_id = ? AND name = ?').get(customerId, location.name) as
    | { name: string }
    | undefined;
  if (taken) {
    throw new RunRefused('BAD_ARGUMENTS', `Location "${taken.name}" already exists in customer ${customerId} (names are compared ignoring case).`);
  }
  db.prepare(
    `INSERT INTO locations (customer_id, name, country, address_line1, address_line2, city, state_or_province, zip_or_postal_code)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(customerId, location.name, location.country, ...Object.values(optional));
  return location;
}

export function listLocations(db: Db, customerId: string): LocationRecord[] {
  const rows = db
    .prepare(`SELECT ${LOCATION_COLUMNS} FROM locations WHERE customer_id = ? ORDER BY name`)
    .all(requireCustomer(db, customerId).id) as Record<string, string | null>[];
  // Absent address fields are left out rather than null, like every other record the tool prints.
  return rows.map((row) => Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null)) as unknown as LocationRecord);
}

export function addSite(db: Db, input: { customerId: string; url: string }): SiteRecord {
  const { id: customerId } = requireCustomer(db, input.customerId);
  const url = parseSiteUrl(input.url);
  if (db.prepare('SELECT 1 FROM sites WHERE customer_id = ? AND url = ?').get(customerId, url)) {
    throw new RunRefused('BAD_ARGUMENTS', `Site ${url} already exists in customer ${customerId}.`);
  }
  db.prepare('INSERT INTO sites (customer_id, url) VALUES (?, ?)').run(customerId, url);
  return { customerId, url };
}

export function listSites(db: Db, customerId: string): SiteRecord[] {
  return db
    .prepare('SELECT customer_id AS customerId, url FROM sites WHERE customer_id = ? ORDER BY url')
    .all(requireCustomer(db, customerId).id) as SiteRecord[];
}

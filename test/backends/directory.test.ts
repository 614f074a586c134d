import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addLocation,
  addSite,
  createCustomer,
  getCustomerRecord,
  listCustomers,
  listLocations,
  listSites,
} from '../../src/backends/sqlite/directory.js';
import { DIRECTORY_SCHEMA_VERSION, migrateDirectory } from '../../src/backends/sqlite/schema.js';
import { openDb, type Db } from '../../src/db/open.js';
import { tempDir } from '../helpers/cli.js';

let dir: string;
let db: Db;
let customerId: string;

beforeEach(() => {
  dir = tempDir('bulkhub-directory-');
  db = openDb(join(dir, 'directory.db'), { durability: 'normal' });
  migrateDirectory(db);
  customerId = createCustomer(db, { id: 'acme', name: 'Acme BV', adminEmail: 'Admin@Acme.example', package: 'webex_suite' });
  addLocation(db, { customerId, name: 'Amsterdam HQ', country: 'NL' });
  addLocation(db, { customerId, name: 'Utrecht', country: 'NL' });
  addSite(db, { customerId, url: 'acme.webex.com' });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Raw SQL, as a script or another tool would write it: the database must still say no. */
const insertUser = (email: string, values: Record<string, string | number | null> = {}): void => {
  const columns = ['customer_id', 'email', 'package', ...Object.keys(values)];
  db.prepare(`INSERT INTO users (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(
    customerId,
    email,
    'webex_calling',
    ...Object.values(values),
  );
};

describe('the database enforces the directory rules on raw SQL', () => {
  it('migrates idempotently and records its version', () => {
    migrateDirectory(db);
    migrateDirectory(db);
    expect(db.prepare('SELECT version FROM directory_schema').pluck().all()).toEqual([DIRECTORY_SCHEMA_VERSION]);
  });

  it("creates the customer's full admin with the customer's package, and protects it", () => {
    const admin = db.prepare("SELECT * FROM users WHERE customer_id = 'acme'").all();
    expect(admin).toMatchObject([{ email: 'admin@acme.example', package: 'webex_suite', is_full_admin: 1 }]);
    expect(() => db.prepare("DELETE FROM users WHERE email = 'admin@acme.example'").run()).toThrow(/FULL_ADMIN_PROTECTED/);
    expect(() => db.prepare("UPDATE users SET package = 'webex_meetings' WHERE is_full_admin = 1").run()).toThrow(/FULL_ADMIN_PROTECTED/);
    expect(() => db.prepare('UPDATE users SET is_full_admin = 0').run()).toThrow(/FULL_ADMIN_PROTECTED/);
    db.prepare("UPDATE users SET first_name = 'Chief' WHERE is_full_admin = 1").run();
    expect(() => insertUser('second@acme.example', { is_full_admin: 1 })).toThrow(/UNIQUE/);
    insertUser('plain@acme.example');
    expect(() => db.prepare("UPDATE users SET is_full_admin = 1 WHERE email = 'plain@acme.example'").run()).toThrow(
      /FULL_ADMIN_PROTECTED/,
    );
    expect(db.prepare('SELECT count(*) FROM users WHERE is_full_admin = 1').pluck().get()).toBe(1);
  });

  it('allows one package per user from the list, and one user per e-mail (stored lower-case)', () => {
    insertUser('x@acme.example');
    expect(() => insertUser('x@acme.example')).toThrow(/UNIQUE/);
    expect(() => insertUser('Upper@acme.example')).toThrow(/CHECK/);
    expect(() =>
      db.prepare("INSERT INTO users (customer_id, email, package) VALUES ('acme', 'p@acme.example', 'webex_gold')").run(),
    ).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO users (customer_id, email) VALUES ('acme', 'q@acme.example')").run()).toThrow(/NOT NULL/);
  });

  it('keeps an extension unique per location (ignoring case) and a phone number unique per customer', () => {
    insertUser('a@acme.example', { location: 'Amsterdam HQ', extension: '0100', phone_number: '+31201111111' });
    expect(() => insertUser('b@acme.example', { location: 'amsterdam hq', extension: '0100' })).toThrow(/extension/);
    insertUser('c@acme.example', { location: 'Utrecht', extension: '0100' });
    insertUser('d@acme.example', { location: 'Utrecht', extension: '100' });
    expect(() => insertUser('e@acme.example', { location: 'Utrecht', phone_number: '+31201111111' })).toThrow(/phone_number/);
    // Users without a location share one bucket rather than escaping the rule as NULLs.
    insertUser('f@acme.example', { extension: '0200' });
    expect(() => insertUser('g@acme.example', { extension: '0200' })).toThrow(/extension/);
    expect(() => insertUser('h@acme.example', { extension: '12a' })).toThrow(/CHECK/);
    expect(() => insertUser('i@acme.example', { phone_number: '0201234567' })).toThrow(/CHECK/);
  });

  it("requires a user's location and site to exist in the customer, and keeps them while in use", () => {
    expect(() => insertUser('a@acme.example', { location: 'Atlantis' })).toThrow(/LOCATION_NOT_FOUND/);
    expect(() => insertUser('a@acme.example', { preferred_site: 'other.webex.com' })).toThrow(/SITE_NOT_FOUND/);
    insertUser('a@acme.example', { location: 'UTRECHT', preferred_site: 'ACME.webex.com' });
    expect(() => db.prepare("UPDATE users SET location = 'Atlantis'").run()).toThrow(/LOCATION_NOT_FOUND/);
    expect(() => db.prepare("UPDATE users SET preferred_site = 'x.webex.com'").run()).toThrow(/SITE_NOT_FOUND/);
    expect(() => db.prepare("DELETE FROM locations WHERE name = 'Utrecht'").run()).toThrow(/LOCATION_IN_USE/);
    expect(() => db.prepare("UPDATE sites SET url = 'acme2.webex.com'").run()).toThrow(/SITE_IN_USE/);
    db.prepare("DELETE FROM locations WHERE name = 'Amsterdam HQ'").run();

    const other = createCustomer(db, { name: 'Other', adminEmail: 'boss@other.example', package: 'webex_meetings' });
    expect(() =>
      db.prepare("INSERT INTO users (customer_id, email, package, location) VALUES (?, 'z@other.example', 'webex_calling', 'Utrecht')").run(other),
    ).toThrow(/LOCATION_NOT_FOUND/);
  });

  it('checks location names, countries and site hosts in the schema too', () => {
    const insertLocation = db.prepare("INSERT INTO locations (customer_id, name, country) VALUES ('acme', ?, ?)");
    expect(() => insertLocation.run('x'.repeat(81), 'NL')).toThrow(/CHECK/);
    expect(() => insertLocation.run('Delft', 'nl')).toThrow(/CHECK/);
    expect(() => insertLocation.run('UTRECHT', 'NL')).toThrow(/UNIQUE/);
    expect(() => db.prepare("INSERT INTO sites (customer_id, url) VALUES ('acme', 'https://x.webex.com/')").run()).toThrow(/CHECK/);
  });
});

describe('customers, locations and sites', () => {
  it('creates customers with a generated or given id, accepting package column names', () => {
    const id = createCustomer(db, { name: ' Globex ', adminEmail: 'ceo@globex.example', package: 'Webex Calling Standard' });
    expect(id).toMatch(/^cust-[a-z2-7]{8}$/);
    expect(getCustomerRecord(db, id)).toMatchObject({ name: 'Globex', package: 'webex_calling_standard', adminEmail: 'ceo@globex.example', userCount: 1 });
    expect(listCustomers(db).map((c) => c.id)).toEqual(['acme', id]);
  });

  it('refuses a bad package, a duplicate id, a bad id and a bad admin e-mail', () => {
    const refuse = (input: Partial<Parameters<typeof createCustomer>[1]>, pattern: RegExp): void => {
      expect(() => createCustomer(db, { name: 'N', adminEmail: 'a@n.example', package: 'webex_suite', ...input })).toThrow(pattern);
    };
    refuse({ package: 'Webex Gold' }, /Unknown package "Webex Gold".*"Webex Suite" \(webex_suite\)/);
    refuse({ id: 'ACME' }, /already exists/);
    refuse({ id: 'has space' }, /not valid/);
    refuse({ adminEmail: 'nobody' }, /not a valid e-mail/);
    refuse({ adminEmail: 'a@b@c.example' }, /not a valid e-mail/);
    refuse({ name: '   ' }, /Customer name is required/);
    expect(listCustomers(db)).toHaveLength(1);
  });

  it('adds locations with an upper-cased country and refuses bad or duplicate ones', () => {
    expect(addLocation(db, { customerId, name: 'Den Haag', country: 'nl', city: 'Den Haag', addressLine2: ' ' })).toEqual({
      customerId,
      name: 'Den Haag',
      country: 'NL',
      city: 'Den Haag',
    });
    expect(listLocations(db, customerId).map((l) => l.name)).toEqual(['Amsterdam HQ', 'Den Haag', 'Utrecht']);
    expect(() => addLocation(db, { customerId, name: 'utrecht', country: 'NL' })).toThrow(/already exists/);
    expect(() => addLocation(db, { customerId, name: 'x'.repeat(81), country: 'NL' })).toThrow(/at most 80/);
    expect(() => addLocation(db, { customerId, name: 'Delft', country: 'NLD' })).toThrow(/2-letter/);
    expect(() => addLocation(db, { customerId: 'nope', name: 'Delft', country: 'NL' })).toThrow(
      expect.objectContaining({ code: 'CUSTOMER_NOT_FOUND', message: expect.stringContaining('bulkhub customers create') }),
    );
  });

  it('stores a site as its lower-case host and refuses what is not a site', () => {
    expect(addSite(db, { customerId, url: 'https://Acme-EU.Webex.com/' })).toEqual({ customerId, url: 'acme-eu.webex.com' });
    expect(listSites(db, customerId).map((s) => s.url)).toEqual(['acme-eu.webex.com', 'acme.webex.com']);
    expect(() => addSite(db, { customerId, url: 'ACME.webex.com' })).toThrow(/already exists/);
    for (const bad of ['acme', 'https://acme.webex.com/meet', 'ftp://acme.webex.com', 'acme webex.com', 'acme.webex.com:8443', '-x.webex.com', '10.0.0.1']) {
      expect(() => addSite(db, { customerId, url: bad }), bad).toThrow(/not a Webex site URL/);
    }
  });

  it('counts users per package in the customer record', () => {
    insertUser('a@acme.example');
    insertUser('b@acme.example');
    const record = getCustomerRecord(db, customerId);
    expect(record.usersByPackage).toEqual({ webex_calling: 2, webex_calling_standard: 0, webex_suite: 1, webex_voice: 0, webex_meetings: 0 });
    expect(record.userCount).toBe(3);
    expect(record.locations).toHaveLength(2);
    expect(record.sites).toEqual([{ customerId, url: 'acme.webex.com' }]);
  });
});

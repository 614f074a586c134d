import type { Db } from '../../db/open.js';
import { PACKAGES } from '../../domain/packages.js';
import { ATTRIBUTE_KEYS } from '../../domain/user.js';

/**
 * The tables of the embedded directory. They share the SQLite file with the run journal (whose
 * tables are all `journal_*`), so the directory keeps its own version in `directory_schema`
 * rather than `PRAGMA user_version`, which only one module could own.
 *
 * The directory's rules live in the database itself (CHECKs, UNIQUE indexes, triggers), not only
 * in TypeScript: a script with raw SQL, a second tool or a bug in the backend cannot break them.
 * Trigger messages start with the result code (`FULL_ADMIN_PROTECTED: ...`) so the backend can
 * map a refusal back to a row code without guessing.
 */
export const DIRECTORY_SCHEMA_VERSION = 4;

const PACKAGE_LIST = PACKAGES.map((p) => `'${p}'`).join(', ');
const NOW = `(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
const BOOL = (column: string): string => `${column} INTEGER CHECK (${column} IN (0, 1))`;

const V1 = `
CREATE TABLE IF NOT EXISTS customers (
  id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  name TEXT NOT NULL CHECK (length(trim(name)) > 0),
  package TEXT NOT NULL CHECK (package IN (${PACKAGE_LIST})),
  admin_email TEXT NOT NULL CHECK (admin_email = lower(admin_email) AND instr(admin_email, '@') > 1),
  created_at TEXT NOT NULL DEFAULT ${NOW}
) STRICT;

CREATE TABLE IF NOT EXISTS locations (
  customer_id TEXT NOT NULL REFERENCES customers(id),
  name TEXT NOT NULL COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 80 AND name = trim(name)),
  country TEXT NOT NULL CHECK (country GLOB '[A-Z][A-Z]'),
  address_line1 TEXT,
  address_line2 TEXT,
  city TEXT,
  state_or_province TEXT,
  zip_or_postal_code TEXT,
  created_at TEXT NOT NULL DEFAULT ${NOW},
  UNIQUE (customer_id, name)
) STRICT;

-- A site is stored as its lower-case host name (acme.webex.com), never as a URL.
CREATE TABLE IF NOT EXISTS sites (
  customer_id TEXT NOT NULL REFERENCES customers(id),
  url TEXT NOT NULL COLLATE NOCASE
    CHECK (url = lower(url) AND instr(url, '.') > 1 AND url NOT GLOB '*[^a-z0-9.-]*'),
  created_at TEXT NOT NULL DEFAULT ${NOW},
  UNIQUE (customer_id, url)
) STRICT;

-- One row per user; the single package column is what makes "one package per user" a fact.
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES customers(id),
  email TEXT NOT NULL CHECK (email = lower(email) AND instr(email, '@') > 1),
  first_name TEXT,
  last_name TEXT,
  display_name TEXT,
  extension TEXT CHECK (extension GLOB '[0-9]*' AND extension NOT GLOB '*[^0-9]*'),
  phone_number TEXT CHECK (phone_number GLOB '+[0-9]*' AND substr(phone_number, 2) NOT GLOB '*[^0-9]*'),
  location TEXT COLLATE NOCASE,
  preferred_site TEXT COLLATE NOCASE,
  ${BOOL('jabber_calling')},
  ${BOOL('jabber_teams')},
  ${BOOL('basic_messaging')},
  ${BOOL('basic_space_meetings')},
  ${BOOL('calling_via_webex')},
  package TEXT NOT NULL CHECK (package IN (${PACKAGE_LIST})),
  is_full_admin INTEGER NOT NULL DEFAULT 0 CHECK (is_full_admin IN (0, 1)),
  created_at TEXT NOT NULL DEFAULT ${NOW},
  updated_at TEXT NOT NULL DEFAULT ${NOW}
) STRICT;

CREATE UNIQUE INDEX IF NOT EXISTS users_email_in_customer ON users (customer_id, email);
-- Users without a location share one bucket ('' is never a location name), so an extension is
-- unique among them too instead of slipping through as NULL <> NULL.
CREATE UNIQUE INDEX IF NOT EXISTS users_extension_in_location
  ON users (customer_id, ifnull(location, '') COLLATE NOCASE, extension) WHERE extension IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS users_phone_number_in_customer
  ON users (customer_id, phone_number) WHERE phone_number IS NOT NULL;
-- At most one full admin; the triggers below make it at least one.
CREATE UNIQUE INDEX IF NOT EXISTS users_one_full_admin ON users (customer_id) WHERE is_full_admin = 1;

CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY,
  customer_id TEXT NOT NULL,
  email TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('add', 'modify', 'remove')),
  details TEXT NOT NULL CHECK (json_valid(details)),
  at TEXT NOT NULL DEFAULT ${NOW},
  run_id TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS audit_by_customer ON audit (customer_id, email);

-- The customer's full admin is created with the customer, with the customer's package (seed 003:
-- admins get the package level the organisation was created with), so no customer is ever
-- without one.
CREATE TRIGGER IF NOT EXISTS customers_create_full_admin AFTER INSERT ON customers
BEGIN
  INSERT INTO users (customer_id, email, package, is_full_admin) VALUES (NEW.id, NEW.admin_email, NEW.package, 1);
END;

CREATE TRIGGER IF NOT EXISTS users_full_admin_not_removed BEFORE DELETE ON users WHEN OLD.is_full_admin = 1
BEGIN
  SELECT RAISE(ABORT, 'FULL_ADMIN_PROTECTED: ' || OLD.email || ' is the full admin of customer ' ||
    OLD.customer_id || ' and cannot be removed.');
END;

CREATE TRIGGER IF NOT EXISTS users_full_admin_keeps_package BEFORE UPDATE OF package ON users
WHEN OLD.is_full_admin = 1 AND NEW.package IS NOT OLD.package
BEGIN
  SELECT RAISE(ABORT, 'FULL_ADMIN_PROTECTED: ' || OLD.email || ' is the full admin of customer ' ||
    OLD.customer_id || ' and keeps the package ' || OLD.package || ' (no package change for a full admin).');
END;

CREATE TRIGGER IF NOT EXISTS users_full_admin_fixed BEFORE UPDATE OF is_full_admin, customer_id ON users
WHEN NEW.is_full_admin IS NOT OLD.is_full_admin OR NEW.customer_id IS NOT OLD.customer_id
BEGIN
  SELECT RAISE(ABORT, 'FULL_ADMIN_PROTECTED: the full admin of a customer is set when the customer is ' ||
    'created, and users do not move between customers.');
END;

CREATE TRIGGER IF NOT EXISTS users_location_exists_on_insert BEFORE INSERT ON users
WHEN NEW.location IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM locations WHERE customer_id = NEW.customer_id AND name = NEW.location)
BEGIN
  SELECT RAISE(ABORT, 'LOCATION_NOT_FOUND: Location "' || NEW.location || '" does not exist in customer ' ||
    NEW.customer_id || '.');
END;

CREATE TRIGGER IF NOT EXISTS users_location_exists_on_update BEFORE UPDATE OF location ON users
WHEN NEW.location IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM locations WHERE customer_id = NEW.customer_id AND name = NEW.location)
BEGIN
  SELECT RAISE(ABORT, 'LOCATION_NOT_FOUND: Location "' || NEW.location || '" does not exist in customer ' ||
    NEW.customer_id || '.');
END;

CREATE TRIGGER IF NOT EXISTS users_site_exists_on_insert BEFORE INSERT ON users
WHEN NEW.preferred_site IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM sites WHERE customer_id = NEW.customer_id AND url = NEW.preferred_site)
BEGIN
  SELECT RAISE(ABORT, 'SITE_NOT_FOUND: Webex site "' || NEW.preferred_site || '" does not exist in customer ' ||
    NEW.customer_id || '.');
END;

CREATE TRIGGER IF NOT EXISTS users_site_exists_on_update BEFORE UPDATE OF preferred_site ON users
WHEN NEW.preferred_site IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM sites WHERE customer_id = NEW.customer_id AND url = NEW.preferred_site)
BEGIN
  SELECT RAISE(ABORT, 'SITE_NOT_FOUND: Webex site "' || NEW.preferred_site || '" does not exist in customer ' ||
    NEW.customer_id || '.');
END;

-- A location or site that users point at cannot disappear or be renamed under them.
CREATE TRIGGER IF NOT EXISTS locations_in_use BEFORE UPDATE OF name, customer_id ON locations
WHEN EXISTS (SELECT 1 FROM users WHERE customer_id = OLD.customer_id AND location = OLD.name)
BEGIN
  SELECT RAISE(ABORT, 'LOCATION_IN_USE: Location "' || OLD.name || '" has users; it cannot be renamed or moved.');
END;
CREATE TRIGGER IF NOT EXISTS locations_in_use_delete BEFORE DELETE ON locations
WHEN EXISTS (SELECT 1 FROM users WHERE customer_id = OLD.customer_id AND location = OLD.name)
BEGIN
  SELECT RAISE(ABORT, 'LOCATION_IN_USE: Location "' || OLD.name || '" has users; it cannot be removed.');
END;
CREATE TRIGGER IF NOT EXISTS sites_in_use BEFORE UPDATE OF url, customer_id ON sites
WHEN EXISTS (SELECT 1 FROM users WHERE customer_id = OLD.customer_id AND preferred_site = OLD.url)
BEGIN
  SELECT RAISE(ABORT, 'SITE_IN_USE: Webex site "' || OLD.url || '" is the preferred site of users; it cannot be changed.');
END;
CREATE TRIGGER IF NOT EXISTS sites_in_use_delete BEFORE DELETE ON sites
WHEN EXISTS (SELECT 1 FROM users WHERE customer_id = OLD.customer_id AND preferred_site = OLD.url)
BEGIN
  SELECT RAISE(ABORT, 'SITE_IN_USE: Webex site "' || OLD.url || '" is the preferred site of users; it cannot be removed.');
END;
`;

/**
 * Version 2: a Webex account belongs to one organisation, so an e-mail is a user of one customer
 * at most. The index serves the importer's look-up of other customers too. Users that two
 * customers already share (imported before version 2) are left as they are.
 */
const V2 = `
CREATE INDEX IF NOT EXISTS users_by_email ON users (email);

CREATE TRIGGER IF NOT EXISTS users_email_in_one_customer BEFORE INSERT ON users
WHEN EXISTS (SELECT 1 FROM users WHERE email = NEW.email AND customer_id <> NEW.customer_id)
BEGIN
  SELECT RAISE(ABORT, 'USER_IN_OTHER_CUSTOMER: ' || NEW.email || ' is already a user of customer ' ||
    (SELECT customer_id FROM users WHERE email = NEW.email AND customer_id <> NEW.customer_id LIMIT 1) ||
    ', and a Webex account belongs to one organisation.');
END;
`;

/**
 * Version 3: a customer can be deleted (`customers delete`), its full admin with it. The full
 * admin stays protected while its customer exists: the delete removes the customer first (its
 * foreign keys deferred to the commit), then the admin.
 */
const V3 = `
DROP TRIGGER IF EXISTS users_full_admin_not_removed;
CREATE TRIGGER users_full_admin_not_removed BEFORE DELETE ON users
WHEN OLD.is_full_admin = 1 AND EXISTS (SELECT 1 FROM customers WHERE id = OLD.customer_id)
BEGIN
  SELECT RAISE(ABORT, 'FULL_ADMIN_PROTECTED: ' || OLD.email || ' is the full admin of customer ' ||
    OLD.customer_id || ' and cannot be removed.');
END;
`;

/**
 * Version 4: the audit trail of an import is one row per window of changes (`audit_windows`,
 * its `changes` a JSON array of `[e-mail, op, details]`), not one row per user: an import of a
 * million users wrote a million audit rows and their index entries. The per-change rows made
 * one at a time (a customer's creation, a single `apply`) and every row written before version 4
 * stay in `audit_entries`. `audit` is now a view of both, a row per user as before (a window's
 * changes carry `window_id` and no `id` of their own), so whatever reads `audit` reads on.
 */
/** An add's attribute values (bulk.ts, auditChange) back as named details; a merge patch drops the nulls. */
const ADD_ATTRIBUTES = ATTRIBUTE_KEYS.map((key, i) => `'${key}', c.value -> '$[3][${i}]'`).join(', ');
const V4_RENAME = 'ALTER TABLE audit RENAME TO audit_entries';
const V4 = `
CREATE TABLE IF NOT EXISTS audit_windows (
  id INTEGER PRIMARY KEY,
  customer_id TEXT NOT NULL,
  changes TEXT NOT NULL CHECK (json_valid(changes) AND json_type(changes) = 'array'),
  at TEXT NOT NULL DEFAULT ${NOW},
  run_id TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS audit_windows_by_customer ON audit_windows (customer_id);
CREATE VIEW IF NOT EXISTS audit (id, window_id, customer_id, email, op, details, at, run_id) AS
  SELECT id, NULL, customer_id, email, op, details, at, run_id FROM audit_entries
  UNION ALL
  SELECT NULL, w.id, w.customer_id, c.value ->> 0, c.value ->> 1,
    CASE WHEN c.value ->> 1 = 'add' AND json_type(c.value, '$[2]') = 'text'
      THEN json_object('package', c.value ->> 2, 'attributes', json_patch('{}', json_object(${ADD_ATTRIBUTES})))
      ELSE c.value -> 2 END,
    w.at, w.run_id
  FROM audit_windows w, json_each(w.changes) c;
`;

/**
 * Creates or upgrades the directory's tables. Idempotent and cheap when the schema is current,
 * so every command (and `createSqliteBackend`) may call it after opening the file.
 */
export function migrateDirectory(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS directory_schema (version INTEGER NOT NULL) STRICT');
  const current = (db.prepare('SELECT max(version) AS v FROM directory_schema').get() as { v: number | null }).v ?? 0;
  if (current > DIRECTORY_SCHEMA_VERSION) {
    throw new Error(
      `The database's directory schema is version ${current}, newer than this bulkhub understands ` +
        `(${DIRECTORY_SCHEMA_VERSION}). Upgrade bulkhub or use another --db file.`,
    );
  }
  if (current === DIRECTORY_SCHEMA_VERSION) return;
  // IMMEDIATE: two processes opening a fresh file at once must not both run the DDL halfway.
  db.transaction(() => {
    if (current < 1) db.exec(V1);
    if (current < 2) db.exec(V2);
    if (current < 3) db.exec(V3);
    if (current < 4) {
      // Only a table is renamed: a file whose recorded version is older than its tables (an
      // upgrade interrupted by hand) already has the view.
      if (db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'audit'").get()) db.exec(V4_RENAME);
      db.exec(V4);
    }
    db.prepare('DELETE FROM directory_schema').run();
    db.prepare('INSERT INTO directory_schema (version) VALUES (?)').run(DIRECTORY_SCHEMA_VERSION);
  }).immediate();
}

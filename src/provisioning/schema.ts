import type { Db } from '../db/open.js';
import { migrateDirectory } from '../backends/sqlite/schema.js';

/**
 * The provisioning tables: organisations (with their domains and users, the organisation
 * finder's data), subscriptions (orders) with their mapping and service setup, onboarding
 * templates, the link from a Wholesale customer to its organisation, and the outbox.
 *
 * They live in the same SQLite file as the directory and the journal, with their own version
 * row (`provisioning_schema`), so this module can grow without touching the directory's
 * migration. Like the directory, the rules that must never break are in the database.
 */
export const PROVISIONING_SCHEMA_VERSION = 1;

const NOW = `(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
const EMAIL = (column: string): string => `${column} = lower(${column}) AND instr(${column}, '@') > 1`;

const V1 = `
CREATE TABLE IF NOT EXISTS organisations (
  id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  name TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
  kind TEXT NOT NULL CHECK (kind IN ('partner', 'customer')),
  -- NULL when Partner Hub's "Create customer" made the organisation: that form asks no vertical (seed 003).
  vertical TEXT,
  country TEXT NOT NULL CHECK (country GLOB '[A-Z][A-Z]'),
  created_at TEXT NOT NULL DEFAULT ${NOW}
) STRICT;

-- unverified: listed, ownership not proven; verified: proven (DNS); claimed: verified, and the
-- organisation claims every user of the domain, which only one organisation can do.
CREATE TABLE IF NOT EXISTS org_domains (
  org_id TEXT NOT NULL REFERENCES organisations(id),
  domain TEXT NOT NULL CHECK (domain = lower(domain) AND instr(domain, '.') > 1),
  status TEXT NOT NULL CHECK (status IN ('unverified', 'verified', 'claimed')),
  PRIMARY KEY (org_id, domain)
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS org_domains_one_claim ON org_domains (domain) WHERE status = 'claimed';
CREATE INDEX IF NOT EXISTS org_domains_by_domain ON org_domains (domain);

-- A Webex account (an e-mail) belongs to exactly one organisation: the key is the e-mail.
CREATE TABLE IF NOT EXISTS org_users (
  email TEXT PRIMARY KEY CHECK (${EMAIL('email')}),
  org_id TEXT NOT NULL REFERENCES organisations(id),
  role TEXT NOT NULL CHECK (role IN ('admin', 'user')),
  last_active_at TEXT CHECK (last_active_at IS NULL OR last_active_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
  created_at TEXT NOT NULL DEFAULT ${NOW}
) STRICT;
CREATE INDEX IF NOT EXISTS org_users_by_org ON org_users (org_id);

CREATE TABLE IF NOT EXISTS partner_access (
  customer_org_id TEXT NOT NULL REFERENCES organisations(id),
  partner_org_id TEXT NOT NULL REFERENCES organisations(id),
  role TEXT NOT NULL CHECK (role IN ('provisioning-admin', 'full-admin')),
  PRIMARY KEY (customer_org_id, partner_org_id)
) STRICT;

CREATE TABLE IF NOT EXISTS subscriptions (
  id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  contact_email TEXT NOT NULL CHECK (${EMAIL('contact_email')}),
  meetings_licences INTEGER NOT NULL CHECK (meetings_licences >= 0),
  calling_licences INTEGER NOT NULL CHECK (calling_licences >= 0),
  mapped_for TEXT CHECK (mapped_for IN ('customer', 'self', 'delegate')),
  delegate_email TEXT CHECK (delegate_email IS NULL OR (${EMAIL('delegate_email')})),
  partner_org_id TEXT REFERENCES organisations(id),
  org_id TEXT REFERENCES organisations(id),
  partner_role TEXT CHECK (partner_role IN ('provisioning-admin', 'full-admin')),
  setup_by TEXT NOT NULL DEFAULT 'partner' CHECK (setup_by IN ('partner', 'customer')),
  meetings_status TEXT NOT NULL CHECK (meetings_status IN ('not-ordered', 'pending', 'later', 'provisioned')),
  meetings_timezone TEXT,
  meetings_early_release INTEGER CHECK (meetings_early_release IN (0, 1)),
  calling_status TEXT NOT NULL CHECK (calling_status IN ('not-ordered', 'pending', 'later', 'provisioned')),
  created_at TEXT NOT NULL DEFAULT ${NOW},
  mapped_at TEXT,
  CHECK (meetings_licences + calling_licences > 0),
  CHECK ((meetings_licences = 0) = (meetings_status = 'not-ordered')),
  CHECK ((calling_licences = 0) = (calling_status = 'not-ordered')),
  CHECK (mapped_for IS NOT 'delegate' OR delegate_email IS NOT NULL),
  CHECK (mapped_for IS NOT 'customer' OR (partner_org_id IS NOT NULL AND org_id IS NOT NULL AND partner_role IS NOT NULL)),
  CHECK (mapped_for IS NOT 'self' OR org_id IS NOT NULL),
  -- Services are set up (now or later) only once the order is mapped to its organisation.
  CHECK (meetings_status IN ('not-ordered', 'pending') OR org_id IS NOT NULL),
  CHECK (calling_status IN ('not-ordered', 'pending') OR org_id IS NOT NULL),
  CHECK (meetings_status IS NOT 'provisioned' OR meetings_timezone IS NOT NULL)
) STRICT;

-- Webex site URLs are global: one site, one owner, whatever the subscription.
CREATE TABLE IF NOT EXISTS meetings_sites (
  url TEXT PRIMARY KEY CHECK (url = lower(url) AND url GLOB '*.webex.com'),
  subscription_id TEXT NOT NULL REFERENCES subscriptions(id),
  licences INTEGER NOT NULL CHECK (licences > 0),
  position INTEGER NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS calling_hq (
  subscription_id TEXT PRIMARY KEY REFERENCES subscriptions(id),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80 AND name = trim(name)),
  country TEXT NOT NULL CHECK (country GLOB '[A-Z][A-Z]'),
  address_line1 TEXT,
  address_line2 TEXT,
  city TEXT,
  state_or_province TEXT,
  zip_or_postal_code TEXT
) STRICT;

CREATE TABLE IF NOT EXISTS templates (
  provisioning_id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) BETWEEN 1 AND 80),
  subscription_id TEXT NOT NULL REFERENCES subscriptions(id),
  country TEXT NOT NULL CHECK (country GLOB '[A-Z][A-Z]'),
  language TEXT NOT NULL,
  auth TEXT NOT NULL CHECK (auth IN ('webex', 'partner')),
  pstn_provider TEXT,
  created_at TEXT NOT NULL DEFAULT ${NOW}
) STRICT;

-- A Wholesale customer (the directory's customers table) belongs to one customer organisation,
-- and an organisation holds at most one Wholesale customer.
CREATE TABLE IF NOT EXISTS customer_orgs (
  customer_id TEXT PRIMARY KEY REFERENCES customers(id),
  org_id TEXT NOT NULL UNIQUE REFERENCES organisations(id),
  provisioning_id TEXT REFERENCES templates(provisioning_id)
) STRICT;

CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY,
  to_email TEXT NOT NULL CHECK (${EMAIL('to_email')}),
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  subscription_id TEXT REFERENCES subscriptions(id),
  created_at TEXT NOT NULL DEFAULT ${NOW}
) STRICT;

-- Who the finder sees in an organisation: its own users, and the users imported into the
-- Wholesale customer it holds (no activity known for those).
CREATE VIEW IF NOT EXISTS org_members AS
  SELECT org_id, email, role, last_active_at FROM org_users
  UNION ALL
  SELECT co.org_id, u.email, CASE WHEN u.is_full_admin = 1 THEN 'admin' ELSE 'user' END, NULL
  FROM users u JOIN customer_orgs co ON co.customer_id = u.customer_id
  WHERE NOT EXISTS (SELECT 1 FROM org_users ou WHERE ou.email = u.email);

CREATE TRIGGER IF NOT EXISTS customer_orgs_customer_kind BEFORE INSERT ON customer_orgs
WHEN (SELECT kind FROM organisations WHERE id = NEW.org_id) IS NOT 'customer'
BEGIN
  SELECT RAISE(ABORT, 'A Wholesale customer belongs to a customer organisation, not to ' || NEW.org_id || '.');
END;

CREATE TRIGGER IF NOT EXISTS subscriptions_partner_kind BEFORE UPDATE OF partner_org_id ON subscriptions
WHEN NEW.partner_org_id IS NOT NULL AND (SELECT kind FROM organisations WHERE id = NEW.partner_org_id) IS NOT 'partner'
BEGIN
  SELECT RAISE(ABORT, 'A subscription is mapped to a partner organisation, and ' || NEW.partner_org_id || ' is not one.');
END;

-- Mapping is the point of no return: once mapped, the organisations of an order do not change.
CREATE TRIGGER IF NOT EXISTS subscriptions_mapping_fixed BEFORE UPDATE OF org_id, partner_org_id ON subscriptions
WHEN OLD.org_id IS NOT NULL AND (NEW.org_id IS NOT OLD.org_id OR NEW.partner_org_id IS NOT OLD.partner_org_id)
BEGIN
  SELECT RAISE(ABORT, 'Subscription ' || OLD.id || ' is already mapped; its organisations cannot change.');
END;
`;

/** Creates or upgrades the provisioning tables (and the directory they refer to). Idempotent. */
export function migrateProvisioning(db: Db): void {
  migrateDirectory(db);
  db.exec('CREATE TABLE IF NOT EXISTS provisioning_schema (version INTEGER NOT NULL) STRICT');
  const current = (db.prepare('SELECT max(version) AS v FROM provisioning_schema').get() as { v: number | null }).v ?? 0;
  if (current > PROVISIONING_SCHEMA_VERSION) {
    throw new Error(
      `The database's provisioning schema is version ${current}, newer than this bulkhub understands ` +
        `(${PROVISIONING_SCHEMA_VERSION}). Upgrade bulkhub or use another --db file.`,
    );
  }
  if (current === PROVISIONING_SCHEMA_VERSION) return;
  db.transaction(() => {
    db.exec(V1);
    db.prepare('DELETE FROM provisioning_schema').run();
    db.prepare('INSERT INTO provisioning_schema (version) VALUES (?)').run(PROVISIONING_SCHEMA_VERSION);
  }).immediate();
}

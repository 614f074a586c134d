import { inDatabase, OTHER_DATABASE, type Db } from '../db/open.js';
import { RunRefused } from '../domain/codes.js';
import { optionalText, parseCountry, parseEmail, requireText } from '../backends/sqlite/validate.js';
import { activeSince, type DomainStatus, type OrgDomain, type OrgFacts, type OrgKind } from './finder-rules.js';
import { newId, parseDomain, parseId, parseInstant } from './validate.js';

/**
 * Organisations, their domains and their users: the data the organisation finder works on.
 * Every function validates its input and throws `RunRefused` with a message a person can act on.
 */

export interface NewOrganisation {
  id?: string;
  name: string;
  kind: OrgKind;
  /** Business vertical, free text (Healthcare, Education, ...); absent only for Partner Hub customers. */
  vertical?: string;
  country: string;
  /** Listed as unverified: a new organisation has not proven it owns them yet. */
  domains?: readonly string[];
}

export function createOrganisation(db: Db, input: NewOrganisation): string {
  const name = requireText('Organisation name', input.name, 200);
  const vertical = optionalText('Business vertical', input.vertical, 80);
  const country = parseCountry(input.country);
  const domains = [...new Set((input.domains ?? []).map(parseDomain))];
  const exists = db.prepare('SELECT 1 FROM organisations WHERE id = ? COLLATE NOCASE');
  return db.transaction(() => {
    let id: string;
    if (input.id !== undefined) {
      id = parseId('Organisation id', input.id);
      if (exists.get(id)) throw new RunRefused('BAD_ARGUMENTS', `Organisation id "${id}" already exists; pick another --id.`);
    } else {
      do id = newId('org');
      while (exists.get(id));
    }
    db.prepare('INSERT INTO organisations (id, name, kind, vertical, country) VALUES (?, ?, ?, ?, ?)').run(id, name, input.kind, vertical, country);
    for (const domain of domains) db.prepare(`INSERT INTO org_domains (org_id, domain, status) VALUES (?, ?, 'unverified')`).run(id, domain);
    return id;
  }).immediate();
}

export interface OrganisationRow {
  id: string;
  name: string;
  kind: OrgKind;
  vertical: string | null;
  country: string;
  createdAt: string;
}

const ORG_COLUMNS = 'id, name, kind, vertical, country, created_at AS createdAt';

/** The organisation, of the given kind when one is asked for, or ORGANISATION_NOT_FOUND. */
export function requireOrganisation(db: Db, id: string, kind?: OrgKind): OrganisationRow {
  const row = db.prepare(`SELECT ${ORG_COLUMNS} FROM organisations WHERE id = ?`).get(id.trim()) as OrganisationRow | undefined;
  if (!row) {
    throw new RunRefused(
      'ORGANISATION_NOT_FOUND',
      `Organisation "${id}" does not exist${inDatabase(db)}. Find one with \`bulkhub orgs find --email EMAIL\` or \`bulkhub orgs list\`. ${OTHER_DATABASE}`,
    );
  }
  if (kind !== undefined && row.kind !== kind) {
    throw new RunRefused('BAD_ARGUMENTS', `Organisation ${row.id} (${row.name}) is a ${row.kind} organisation, not a ${kind} organisation.`);
  }
  return row;
}

/**
 * Adds a domain or changes its status. Claiming takes the domain's users into the
 * organisation, so only one organisation can claim a domain.
 */
export function setDomain(db: Db, orgId: string, domainText: string, status: DomainStatus): OrgDomain {
  const org = requireOrganisation(db, orgId);
  const domain = parseDomain(domainText);
  if (status === 'claimed') {
    const other = db
      .prepare(`SELECT o.id, o.name FROM org_domains d JOIN organisations o ON o.id = d.org_id WHERE d.domain = ? AND d.status = 'claimed' AND d.org_id <> ?`)
      .get(domain, org.id) as { id: string; name: string } | undefined;
    if (other) throw new RunRefused('BAD_ARGUMENTS', `${domain} is already claimed by ${other.id} (${other.name}); only one organisation can claim a domain.`);
  }
  db.prepare('INSERT INTO org_domains (org_id, domain, status) VALUES (?, ?, ?) ON CONFLICT (org_id, domain) DO UPDATE SET status = excluded.status').run(
    org.id,
    domain,
    status,
  );
  return { domain, status };
}

export interface OrgUserInput {
  email: string;
  role: 'admin' | 'user';
  lastActive?: string;
}

/**
 * Adds a user (or updates the user's role and last activity). A Webex account belongs to one
 * organisation, so an e-mail already used elsewhere is refused rather than moved.
 */
export function addOrgUser(db: Db, orgId: string, input: OrgUserInput, now: Date = new Date()): { email: string; role: string; lastActive: string | null } {
  const org = requireOrganisation(db, orgId);
  const email = parseEmail('User e-mail', input.email);
  const lastActive = input.lastActive === undefined ? null : parseInstant('Last activity', input.lastActive, now);
  const holder = db.prepare('SELECT org_id AS orgId FROM org_members WHERE email = ? AND org_id <> ?').get(email, org.id) as { orgId: string } | undefined;
  if (holder) throw new RunRefused('BAD_ARGUMENTS', `${email} is already a user of organisation ${holder.orgId}; a Webex account belongs to one organisation.`);
  db.prepare(
    `INSERT INTO org_users (email, org_id, role, last_active_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (email) DO UPDATE SET role = excluded.role, last_active_at = coalesce(excluded.last_active_at, last_active_at)`,
  ).run(email, org.id, input.role, lastActive);
  return { email, role: input.role, lastActive };
}

/** The finder's facts for these organisations, in the order asked. */
export function organisationFacts(db: Db, ids: readonly string[], now: Date = new Date()): OrgFacts[] {
  const facts = db.prepare(
    `SELECT o.id, o.name, o.kind, o.vertical, o.country,
       (SELECT count(*) FROM org_members m WHERE m.org_id = o.id) AS users,
       (SELECT count(*) FROM org_members m WHERE m.org_id = o.id AND m.last_active_at >= ?) AS activeUsers,
       (SELECT max(m.last_active_at) FROM org_members m WHERE m.org_id = o.id) AS lastActivity
     FROM organisations o WHERE o.id = ?`,
  );
  const domains = db.prepare(
    `SELECT domain, status FROM org_domains WHERE org_id = ? ORDER BY CASE status WHEN 'claimed' THEN 0 WHEN 'verified' THEN 1 ELSE 2 END, domain`,
  );
  return ids.map((id) => {
    const row = facts.get(activeSince(now), id) as Omit<OrgFacts, 'domains'>;
    return { ...row, domains: domains.all(id) as OrgDomain[] };
  });
}

export function listOrganisations(db: Db, kind?: OrgKind, now: Date = new Date()): OrgFacts[] {
  const ids = db
    .prepare('SELECT id FROM organisations WHERE ? IS NULL OR kind = ? ORDER BY name, id')
    .pluck()
    .all(kind ?? null, kind ?? null) as string[];
  return organisationFacts(db, ids, now);
}

export interface OrgMember {
  email: string;
  role: 'admin' | 'user';
  lastActive: string | null;
}

export function organisationMembers(db: Db, orgId: string): OrgMember[] {
  return db
    .prepare('SELECT email, role, last_active_at AS lastActive FROM org_members WHERE org_id = ? ORDER BY role, email')
    .all(orgId) as OrgMember[];
}

/**
 * Seed 000: a partner provisioning an existing customer organisation gets the Provisioning
 * Admin label (full admin rights are asked of the customer admin); a new organisation is the
 * partner's to run. Rights already granted are never taken back.
 */
export function grantPartnerAccess(db: Db, customerOrgId: string, partnerOrgId: string, orgIsNew: boolean): 'provisioning-admin' | 'full-admin' {
  const existing = db.prepare('SELECT role FROM partner_access WHERE customer_org_id = ? AND partner_org_id = ?').pluck().get(customerOrgId, partnerOrgId);
  const role = orgIsNew || existing === 'full-admin' ? 'full-admin' : 'provisioning-admin';
  db.prepare(
    `INSERT INTO partner_access (customer_org_id, partner_org_id, role) VALUES (?, ?, ?)
     ON CONFLICT (customer_org_id, partner_org_id) DO UPDATE SET role = excluded.role`,
  ).run(customerOrgId, partnerOrgId, role);
  return role;
}

export function partnerAccessOf(db: Db, customerOrgId: string): { partnerOrgId: string; role: 'provisioning-admin' | 'full-admin' }[] {
  return db
    .prepare('SELECT partner_org_id AS partnerOrgId, role FROM partner_access WHERE customer_org_id = ? ORDER BY partner_org_id')
    .all(customerOrgId) as { partnerOrgId: string; role: 'provisioning-admin' | 'full-admin' }[];
}

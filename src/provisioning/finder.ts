import type { Db } from '../db/open.js';
import { parseEmail } from '../backends/sqlite/validate.js';
import { rankCandidates, type Candidate, type OrgFacts, type OrgKind } from './finder-rules.js';
import { organisationFacts } from './organisations.js';
import { domainOf, parseDomain } from './validate.js';

/**
 * The organisation finder (seeds 000-002): an e-mail is checked against the existing
 * organisations of one kind, with one of three outcomes:
 * - `matched`: the e-mail is a user or admin of an organisation: that is the one;
 * - `candidates`: no account matches, but organisations use the e-mail's domain: a person chooses;
 * - `none`: nothing matches: a new organisation can be created.
 * The seeds check partner organisations when mapping the partner and customer organisations
 * when mapping the customer, so the kind is part of the question; `any` serves "for my company".
 */

export type FinderKind = OrgKind | 'any';

export type FinderResult =
  | { outcome: 'matched'; email: string; kind: FinderKind; role: 'admin' | 'user'; organisation: OrgFacts }
  | { outcome: 'candidates'; email?: string; domain: string; kind: FinderKind; candidates: Candidate[] }
  | { outcome: 'none'; email?: string; domain: string; kind: FinderKind };

const kindFilter = (kind: FinderKind): string | null => (kind === 'any' ? null : kind);

export function findByEmail(db: Db, emailText: string, kind: FinderKind, now: Date = new Date()): FinderResult {
  const email = parseEmail('E-mail', emailText);
  const member = db
    .prepare(
      `SELECT m.org_id AS orgId, m.role FROM org_members m JOIN organisations o ON o.id = m.org_id
       WHERE m.email = ? AND (? IS NULL OR o.kind = ?) ORDER BY m.role LIMIT 1`,
    )
    .get(email, kindFilter(kind), kindFilter(kind)) as { orgId: string; role: 'admin' | 'user' } | undefined;
  if (member) return { outcome: 'matched', email, kind, role: member.role, organisation: organisationFacts(db, [member.orgId], now)[0]! };
  return { ...searchDomain(db, domainOf(email), kind, now), email };
}

/** The global domain-based search: every organisation of the kind that uses the domain. */
export function findByDomain(db: Db, domainText: string, kind: FinderKind, now: Date = new Date()): FinderResult {
  return searchDomain(db, parseDomain(domainText), kind, now);
}

/**
 * An organisation "uses" a domain when it lists the domain (verified, claimed or not yet
 * verified) or when its users' e-mails are on it: that second way finds the forgotten trial
 * organisation someone once opened with a work address, which is what the seed's warning is about.
 */
function searchDomain(db: Db, domain: string, kind: FinderKind, now: Date): Extract<FinderResult, { outcome: 'candidates' | 'none' }> {
  const ids = db
    .prepare(
      `SELECT DISTINCT o.id FROM organisations o
       WHERE (? IS NULL OR o.kind = ?)
         AND (EXISTS (SELECT 1 FROM org_domains d WHERE d.org_id = o.id AND d.domain = ?)
           OR EXISTS (SELECT 1 FROM org_members m WHERE m.org_id = o.id AND substr(m.email, instr(m.email, '@') + 1) = ?))`,
    )
    .pluck()
    .all(kindFilter(kind), kindFilter(kind), domain, domain) as string[];
  if (ids.length === 0) return { outcome: 'none', domain, kind };
  return { outcome: 'candidates', domain, kind, candidates: rankCandidates(organisationFacts(db, ids, now), domain, now) };
}

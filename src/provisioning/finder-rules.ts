/**
 * The organisation finder's rules (seeds 000-002), pure: given the facts of the organisations
 * that use an e-mail's domain, rank them and flag the ones that are probably not the right one.
 * The facts come from the directory (finder.ts); nothing here reads a clock or a database.
 */

export type OrgKind = 'partner' | 'customer';
export type DomainStatus = 'unverified' | 'verified' | 'claimed';

export interface OrgDomain {
  domain: string;
  status: DomainStatus;
}

/** What helps a person choose an organisation (seed 000: domains, active users, last activity). */
export interface OrgFacts {
  id: string;
  name: string;
  kind: OrgKind;
  vertical: string | null;
  country: string;
  domains: OrgDomain[];
  users: number;
  /** Users active in the last ACTIVE_DAYS days. */
  activeUsers: number;
  /** ISO 8601 time of the most recent activity of any user; null when nobody was ever active. */
  lastActivity: string | null;
}

/** How a candidate is tied to the e-mail's domain, strongest first. */
export const MATCH_STRENGTH = ['claimed-domain', 'verified-domain', 'unverified-domain', 'user-e-mails'] as const;
export type MatchedBy = (typeof MATCH_STRENGTH)[number];

export interface Candidate extends OrgFacts {
  matchedBy: MatchedBy;
  /** Seed 000: no verified domain and no user activity in the last year. */
  probablyNotTheRightOne: boolean;
}

export const ACTIVE_DAYS = 30;
export const STALE_MONTHS = 12;
const DAY = 24 * 60 * 60 * 1000;

/** The earliest activity that still makes a user "active" at `now`. */
export function activeSince(now: Date): string {
  return new Date(now.getTime() - ACTIVE_DAYS * DAY).toISOString();
}

/** `now` minus STALE_MONTHS calendar months. */
export function staleBefore(now: Date): string {
  const d = new Date(now.getTime());
  d.setUTCMonth(d.getUTCMonth() - STALE_MONTHS);
  return d.toISOString();
}

/** A verified domain counts when claimed too: Webex claims only verified domains. */
export function hasVerifiedDomain(org: Pick<OrgFacts, 'domains'>): boolean {
  return org.domains.some((d) => d.status !== 'unverified');
}

export function isProbablyNotTheRightOne(org: OrgFacts, now: Date): boolean {
  return !hasVerifiedDomain(org) && (org.lastActivity === null || org.lastActivity < staleBefore(now));
}

export function matchedBy(org: OrgFacts, domain: string): MatchedBy {
  const status = org.domains.find((d) => d.domain === domain)?.status;
  return status === undefined ? 'user-e-mails' : (`${status}-domain` as MatchedBy);
}

/**
 * Best first: the strongest tie to the domain, then the plausible before the probably-wrong,
 * then more active users, then the most recent activity, then the name (a stable order).
 */
export function rankCandidates(orgs: readonly OrgFacts[], domain: string, now: Date): Candidate[] {
  const candidates = orgs.map((org) => ({ ...org, matchedBy: matchedBy(org, domain), probablyNotTheRightOne: isProbablyNotTheRightOne(org, now) }));
  return candidates.sort(
    (a, b) =>
      MATCH_STRENGTH.indexOf(a.matchedBy) - MATCH_STRENGTH.indexOf(b.matchedBy) ||
      Number(a.probablyNotTheRightOne) - Number(b.probablyNotTheRightOne) ||
      b.activeUsers - a.activeUsers ||
      (b.lastActivity ?? '').localeCompare(a.lastActivity ?? '') ||
      a.name.localeCompare(b.name) ||
      a.id.localeCompare(b.id),
  );
}

export const NOT_THE_RIGHT_ONE = `probably not the right one: no verified domain and no user activity in the last ${STALE_MONTHS} months`;

/** One line a person can choose from: `org-x  Acme BV (NL)  verified acme.nl; 12 active users; ...`. */
export function describeCandidate(c: Candidate): string {
  const verified = c.domains.filter((d) => d.status !== 'unverified').map((d) => `${d.status} ${d.domain}`);
  const facts = [
    verified.length > 0 ? verified.join(', ') : 'no verified domain',
    `${c.activeUsers} active user${c.activeUsers === 1 ? '' : 's'} of ${c.users}`,
    `last activity ${c.lastActivity ? c.lastActivity.slice(0, 10) : 'never'}`,
  ];
  return `${c.id}  ${c.name} (${c.country})  ${facts.join('; ')}${c.probablyNotTheRightOne ? `  [${NOT_THE_RIGHT_ONE}]` : ''}`;
}

import { RunRefused } from '../domain/codes.js';
import type { MeetingsSite } from './subscription-state.js';

/**
 * Webex Meetings sites of an order and the distribution of its licences across them (seed 000:
 * "if you have several Webex URLs, distribute the licences across the sites"), pure.
 */

export interface SiteRequest {
  /** As typed, for messages. */
  given: string;
  url: string;
  licences?: number;
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const SITE_DOMAIN = 'webex.com';

function bad(message: string): RunRefused {
  return new RunRefused('BAD_ARGUMENTS', message);
}

/**
 * `acme`, `acme=30`, or the full `acme.webex.com=30`: a site URL name is one DNS label (letters,
 * digits, inner hyphens, at most 63), and the site is `NAME.webex.com`.
 */
export function parseSiteArg(arg: string): SiteRequest {
  const [rawName, rawLicences, ...rest] = arg.split('=');
  const name = rawName!
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/$/, '')
    .replace(new RegExp(`\\.${SITE_DOMAIN.replace('.', '\\.')}$`), '');
  if (!LABEL.test(name) || rest.length > 0) {
    throw bad(
      `Site "${arg}" is not a site URL name: one DNS label of letters, digits and inner hyphens, at most 63 characters ` +
        `(the site becomes NAME.${SITE_DOMAIN}), optionally followed by =LICENCES.`,
    );
  }
  const request: SiteRequest = { given: arg, url: `${name}.${SITE_DOMAIN}` };
  if (rawLicences !== undefined) {
    const n = Number(rawLicences.trim());
    // The old wizard's own rule: "Site should have license number > 0".
    if (!/^\d+$/.test(rawLicences.trim()) || !Number.isSafeInteger(n) || n < 1) {
      throw bad(`Site ${request.url} should have a whole number of licences above 0, not "${rawLicences}".`);
    }
    request.licences = n;
  }
  return request;
}

/**
 * The sites with their licences. One site gets every Meetings licence of the order; several
 * must each say how many and add up to exactly the order's licences, because a licence left
 * undistributed is paid for and usable nowhere.
 */
export function distributeLicences(sites: readonly SiteRequest[], total: number, subscriptionId: string): MeetingsSite[] {
  if (sites.length === 0) throw bad('Name at least one site: --site NAME (or --site NAME=LICENCES for several).');
  const seen = new Set<string>();
  for (const site of sites) {
    if (seen.has(site.url)) throw bad(`Site ${site.url} is named twice; each site URL is unique.`);
    seen.add(site.url);
  }
  if (sites.length > 1) {
    const missing = sites.filter((s) => s.licences === undefined).map((s) => s.url);
    if (missing.length > 0) {
      throw bad(`With several sites, give each its share of the ${total} Meetings licences (--site NAME=LICENCES); missing for ${missing.join(', ')}.`);
    }
  }
  const placed = sites.map((s) => ({ url: s.url, licences: s.licences ?? total }));
  const sum = placed.reduce((n, s) => n + s.licences, 0);
  if (sum !== total) {
    const by = sum < total ? `${total - sum} short` : `${sum - total} too many`;
    throw new RunRefused(
      'LICENCES_DO_NOT_ADD_UP',
      `The sites' licences add up to ${sum} (${placed.map((s) => `${s.url}=${s.licences}`).join(', ')}), but subscription ${subscriptionId} ` +
        `has ${total} Meetings licences: ${by}. Distribute exactly ${total}.`,
    );
  }
  return placed;
}

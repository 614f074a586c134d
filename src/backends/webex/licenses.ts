import type { WebexClient } from './http.js';

/** A licence of the customer's organisation (GET /licenses?orgId). */
export interface License {
  id: string;
  name: string;
  /** Set on Meetings licences: the site the licence belongs to. */
  siteUrl?: string;
  totalUnits?: number;
  consumedUnits?: number;
}

export type BasicLicenceKey = 'basicMessaging' | 'basicSpaceMeetings' | 'callingViaWebex';

export const BASIC_KEYS: readonly BasicLicenceKey[] = ['basicMessaging', 'basicSpaceMeetings', 'callingViaWebex'];

/**
 * The basic licences by their Webex names (compared without case). Seed 004 names the third
 * "Calling via Webex"; the Webex licence list calls it "Call on Webex (1:1 call, non-PSTN)".
 */
export const BASIC_LICENCE_NAMES: Record<BasicLicenceKey, readonly string[]> = {
  basicMessaging: ['basic messaging', 'messaging'],
  basicSpaceMeetings: ['basic space meetings', 'basic meetings'],
  callingViaWebex: ['call on webex (1:1 call, non-pstn)', 'calling via webex', 'call on webex'],
};

export async function listLicenses(client: WebexClient, orgId: string): Promise<License[]> {
  const all: License[] = [];
  for await (const page of client.list<License>('/licenses', { orgId })) all.push(...page);
  return all;
}

/** Finds the id of each basic licence in the organisation's licence list. */
export function basicLicenceIds(licences: readonly License[]): Partial<Record<BasicLicenceKey, string>> {
  const ids: Partial<Record<BasicLicenceKey, string>> = {};
  for (const key of BASIC_KEYS) {
    const names = BASIC_LICENCE_NAMES[key];
    for (const name of names) {
      const found = licences.find((l) => l.name.trim().toLowerCase() === name);
      if (found) {
        ids[key] = found.id;
        break;
      }
    }
  }
  return ids;
}

/** The Meetings sites the organisation has licences on, by host name (`acme.webex.com`). */
export function sitesOf(licences: readonly License[]): string[] {
  const hosts = licences.map((l) => l.siteUrl?.trim().replace(/^https?:\/\//i, '').replace(/\/.*$/, '')).filter((h): h is string => !!h);
  return [...new Set(hosts)].sort();
}

export interface LicencePatch {
  personId: string;
  orgId: string;
  licenses: Array<{ id: string; operation: 'add' | 'remove' }>;
  siteUrls: Array<{ siteUrl: string; accountType: 'attendee'; operation: 'add' | 'remove' }>;
}

/** What PATCH /licenses/users answers: the person's licences and sites after it; 206 when some could not be assigned. */
export interface LicencePatchResult {
  status: number;
  licenses: string[];
}

/** PATCH /licenses/users: adds and removes are set-like, so a repeat is harmless. */
export async function patchLicences(client: WebexClient, patch: LicencePatch): Promise<LicencePatchResult> {
  const response = await client.request<{ licenses?: string[] }>('PATCH', '/licenses/users', { body: patch });
  return { status: response.status, licenses: response.body?.licenses ?? [] };
}

/** The basic licence a licence id is, for the words of a report. */
export function basicKeyOf(ids: Partial<Record<BasicLicenceKey, string>>, id: string): BasicLicenceKey | undefined {
  return BASIC_KEYS.find((key) => ids[key] === id);
}

import type { WebexClient } from './http.js';
import { basicLicenceIds, listLicenses, sitesOf, type BasicLicenceKey, type License } from './licenses.js';

export interface Location {
  id: string;
  name: string;
  /** As GET /locations returns it; `country` is the ISO 3166 code. */
  address?: { country?: string };
}

/**
 * What the adapter must know of a customer's organisation to translate a row: location names
 * to ids, the basic licences' ids, the Meetings sites, and which role is the full admin.
 * Loaded once per run (and again by getCustomer).
 */
export interface OrgFacts {
  customerId: string;
  orgId: string;
  locations: Location[];
  /** Lower-case name → location. Names are compared without case, as the planner does. */
  byName: Map<string, Location>;
  byId: Map<string, Location>;
  licences: License[];
  basicIds: Partial<Record<BasicLicenceKey, string>>;
  sites: string[];
  fullAdminRoleId: string | undefined;
}

export const FULL_ADMIN_ROLE = 'full administrator';

export async function listLocations(client: WebexClient, orgId: string): Promise<Location[]> {
  const all: Location[] = [];
  for await (const page of client.list<Location>('/locations', { orgId, max: 100 })) all.push(...page);
  return all;
}

export async function loadOrgFacts(client: WebexClient, customerId: string, orgId: string): Promise<OrgFacts> {
  const [locations, licences, roles] = await Promise.all([
    listLocations(client, orgId),
    listLicenses(client, orgId),
    client.get<{ items?: Array<{ id: string; name: string }> }>('/roles'),
  ]);
  return {
    customerId,
    orgId,
    locations,
    byName: new Map(locations.map((l) => [l.name.toLowerCase(), l])),
    byId: new Map(locations.map((l) => [l.id, l])),
    licences,
    basicIds: basicLicenceIds(licences),
    sites: sitesOf(licences),
    fullAdminRoleId: roles.body?.items?.find((r) => r.name.trim().toLowerCase() === FULL_ADMIN_ROLE)?.id,
  };
}

import type { WebexClient } from './http.js';
import { basicLicenceIds, listLicenses, sitesOf, type BasicLicenceKey, type License } from './licenses.js';

export interface Location {
  id: string;
  name: string;
  timeZone?: string;
  preferredLanguage?: string;
  address?: { address1?: string; address2?: string; city?: string; state?: string; postalCode?: string; country?: string };
}

/** The body of POST /locations (the spec's PostCommonLocationObject; every field but address2 required). */
export interface NewLocation {
  name: string;
  timeZone: string;
  preferredLanguage: string;
  announcementLanguage: string;
  address: { address1: string; address2?: string; city: string; state: string; postalCode: string; country: string };
}

/** POST /locations?orgId: a location of the customer's organisation; returns its id. Not repeated blind: a retry after doubt looks the name up first. */
export async function createLocation(client: WebexClient, orgId: string, location: NewLocation): Promise<string> {
  const response = await client.request<{ id: string }>('POST', '/locations', {
    query: { orgId },
    body: location,
    idempotent: false,
    reconcile: async () => {
      const found = (await listLocations(client, orgId)).find((l) => l.name.toLowerCase() === location.name.toLowerCase());
      return found ? { status: 201, body: { id: found.id }, headers: new Headers(), trackingId: undefined } : undefined;
    },
  });
  return response.body.id;
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

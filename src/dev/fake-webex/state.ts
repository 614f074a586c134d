import { randomUUID } from 'node:crypto';

/**
 * The fake's world: Wholesale customers, their organisations (locations, licences, people)
 * and subscribers, in memory. Shapes follow the public API reference (domain.md §4,
 * research/webex-domain.md §2). Every mutation is logged so tests can check for duplicates.
 */

export interface FakeLocation {
  id: string;
  name: string;
  timeZone?: string;
  preferredLanguage?: string;
  address?: { address1: string; address2?: string; city: string; state?: string; postalCode?: string; country: string };
}

export interface FakeLicense {
  id: string;
  name: string;
  siteUrl?: string;
  totalUnits: number;
  consumedUnits: number;
}

export interface FakePerson {
  id: string;
  emails: string[];
  orgId: string;
  firstName?: string;
  lastName?: string;
  displayName?: string;
  extension?: string;
  phoneNumbers?: Array<{ type: string; value: string; primary?: boolean }>;
  locationId?: string;
  roles: string[];
  licenses: string[];
  siteUrls: string[];
  created: string;
  lastModified?: string;
  /** Holds a Webex Calling licence (a calling package was assigned): extension, numbers and location apply. Not part of the API's view. */
  calling?: boolean;
}

export interface FakeOrg {
  id: string;
  name: string;
  locations: FakeLocation[];
  licenses: FakeLicense[];
  people: Map<string, FakePerson>;
}

export interface FakeSubscriber {
  id: string;
  personId?: string;
  email: string;
  customerId: string;
  externalCustomerId?: string;
  packages: string[];
  package: string;
  status: 'provisioned' | 'pending_user_migration';
  created: string;
  lastStatusChange: string;
  /** Errors of the last provisioning attempt (the API's `errors[]`). */
  errors?: Array<{ errorCode: number; description: string }>;
  seq: number;
}

export interface FakeCustomer {
  id: string;
  orgId?: string;
  externalId: string;
  status: string;
  packages: string[];
  address?: unknown;
  /** A customer of a sub-partner: wholesale calls about it need `onBehalfOfSubPartnerOrgId` (not part of the API's view). */
  subPartnerOrgId?: string;
  errors?: Array<{ errorCode: number; description: string }>;
  resourceDetails?: { packages: Array<{ name: string; status: string; errors: unknown[]; warnings: unknown[] }> };
  /** The body of the POST that created it, as received (for the tests; not part of the API's view). */
  request?: unknown;
  /** How the fake finishes provisioning: after this many polls, with this status. */
  plan?: { polls: number; outcome: string; errors?: Array<{ errorCode: number; description: string }>; name: string; location?: string };
}

export interface Mutation {
  at: number;
  method: string;
  path: string;
  email?: string;
  what: 'subscriber-created' | 'subscriber-deleted' | 'package-changed' | 'person-updated' | 'licences-changed' | 'customer-created' | 'location-created' | 'user-moved';
}

/** base64 of ciscospark://us/ROLE/id_full_admin, as Webex writes role ids. */
export const FULL_ADMIN_ROLE_ID = Buffer.from('ciscospark://us/ROLE/id_full_admin').toString('base64url');
export const ROLES = [
  { id: FULL_ADMIN_ROLE_ID, name: 'Full Administrator' },
  { id: Buffer.from('ciscospark://us/ROLE/id_readonly_admin').toString('base64url'), name: 'Read-only Administrator' },
];

export const SUBSCRIBER_PACKAGES = new Set(['webex_calling', 'webex_meetings', 'webex_suite', 'webex_voice', 'cx_essentials', 'webex_calling_standard']);
/** Calling-enabled packages: the Wholesale API wants a number or an extension with them. */
export const CALLING = new Set(['webex_calling', 'webex_calling_standard', 'webex_suite', 'webex_voice', 'cx_essentials']);

export const BASIC_LICENCES = ['Basic Messaging', 'Basic Space Meetings', 'Call on Webex (1:1 call, non-PSTN)'];

export const webexId = (kind: string): string => Buffer.from(`ciscospark://us/${kind}/${randomUUID()}`).toString('base64url');

export class FakeState {
  readonly customers = new Map<string, FakeCustomer>();
  readonly orgs = new Map<string, FakeOrg>();
  readonly subscribers = new Map<string, FakeSubscriber>();
  readonly mutations: Mutation[] = [];
  private seq = 0;

  nextSeq(): number {
    return ++this.seq;
  }

  log(m: Omit<Mutation, 'at'>): void {
    this.mutations.push({ at: Date.now(), ...m });
  }

  createOrg(name: string, locations: readonly string[], sites: readonly string[], basic = true): FakeOrg {
    const org: FakeOrg = {
      id: webexId('ORGANIZATION'),
      name,
      locations: locations.map((n) => ({ id: webexId('LOCATION'), name: n, timeZone: 'Europe/Amsterdam', preferredLanguage: 'en_us', address: { address1: 'Main Street 1', city: 'Amsterdam', postalCode: '1000 AA', country: 'NL' } })),
      licenses: [
        ...(basic ? BASIC_LICENCES.map((n) => ({ id: webexId('LICENSE'), name: n, totalUnits: 100_000, consumedUnits: 0 })) : []),
        ...sites.map((s) => ({ id: webexId('LICENSE'), name: 'Meeting - Webex Meetings Suite', siteUrl: s, totalUnits: 100_000, consumedUnits: 0 })),
      ],
      people: new Map(),
    };
    this.orgs.set(org.id, org);
    return org;
  }

  /** A provisioned customer with its organisation and its full admin (a subscriber too). */
  seedCustomer(seed: { id?: string; name: string; locations: readonly string[]; sites: readonly string[]; adminEmail: string; adminPackage?: string; subPartnerOrgId?: string }): { customerId: string; org: FakeOrg } {
    const org = this.createOrg(seed.name, seed.locations, seed.sites);
    const customerId = seed.id ?? webexId('CUSTOMER');
    this.customers.set(customerId, {
      id: customerId,
      orgId: org.id,
      externalId: `ext-${customerId}`,
      status: 'provisioned',
      packages: ['webex_suite', 'webex_calling', 'webex_meetings', 'webex_voice'],
      address: { addressLine1: 'Main Street 1', city: 'Amsterdam', zipOrPostalCode: '1000 AA', country: 'NL' },
      ...(seed.subPartnerOrgId && { subPartnerOrgId: seed.subPartnerOrgId }),
    });
    const pkg = seed.adminPackage ?? 'webex_suite';
    const admin = this.addPerson(org, seed.adminEmail, { firstName: 'Customer', lastName: 'Admin', displayName: 'Customer Admin', calling: CALLING.has(pkg) });
    if (admin.calling) admin.locationId = org.locations[0]?.id;
    admin.roles.push(FULL_ADMIN_ROLE_ID);
    this.addSubscriber(customerId, seed.adminEmail, pkg, admin.id);
    return { customerId, org };
  }

  addPerson(org: FakeOrg, email: string, fields: Partial<FakePerson> = {}): FakePerson {
    const person: FakePerson = { id: webexId('PEOPLE'), emails: [email.toLowerCase()], orgId: org.id, roles: [], licenses: [], siteUrls: [], created: new Date().toISOString(), ...fields };
    org.people.set(person.id, person);
    return person;
  }

  addSubscriber(customerId: string, email: string, pkg: string, personId?: string): FakeSubscriber {
    const now = new Date().toISOString();
    const s: FakeSubscriber = {
      id: webexId('SUBSCRIBER'),
      ...(personId && { personId }),
      email: email.toLowerCase(),
      customerId,
      externalCustomerId: this.customers.get(customerId)?.externalId,
      packages: [pkg],
      package: pkg,
      status: personId ? 'provisioned' : 'pending_user_migration',
      created: now,
      lastStatusChange: now,
      seq: this.nextSeq(),
    };
    this.subscribers.set(s.id, s);
    return s;
  }

  orgOf(customerId: string): FakeOrg | undefined {
    const orgId = this.customers.get(customerId)?.orgId;
    return orgId ? this.orgs.get(orgId) : undefined;
  }

  subscriberByEmail(customerId: string, email: string): FakeSubscriber | undefined {
    const e = email.toLowerCase();
    for (const s of this.subscribers.values()) if (s.customerId === customerId && s.email === e) return s;
    return undefined;
  }

  /** The person of the organisation with this e-mail (a person stays when its subscriber is removed). */
  personByEmail(org: FakeOrg, email: string): FakePerson | undefined {
    const e = email.toLowerCase();
    for (const p of org.people.values()) if (p.emails.includes(e)) return p;
    return undefined;
  }

  personById(id: string): FakePerson | undefined {
    for (const org of this.orgs.values()) {
      const p = org.people.get(id);
      if (p) return p;
    }
    return undefined;
  }

  /**
   * Who else in the org already has this extension in this location / this number. The words
   * are Webex Calling's; the API's error codes for them are not published (WXC-4201/4202 are
   * audit-event codes), so the answer carries none.
   */
  conflict(org: FakeOrg, self: string | undefined, extension: string | undefined, locationId: string | undefined, phone: string | undefined): { description: string } | undefined {
    for (const p of org.people.values()) {
      if (p.id === self) continue;
      if (extension && locationId && p.extension === extension && p.locationId === locationId) return { description: 'The Extension is already in use.' };
      if (phone && p.phoneNumbers?.some((n) => n.value === phone)) return { description: 'The phone number is already in use.' };
    }
    return undefined;
  }

  /** Live subscribers sharing an e-mail in one customer: must always be empty. */
  duplicates(): string[] {
    const seen = new Map<string, number>();
    for (const s of this.subscribers.values()) seen.set(`${s.customerId}|${s.email}`, (seen.get(`${s.customerId}|${s.email}`) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
  }

  /** How many times a subscriber was created per e-mail. */
  creations(): Map<string, number> {
    const out = new Map<string, number>();
    for (const m of this.mutations) if (m.what === 'subscriber-created' && m.email) out.set(m.email, (out.get(m.email) ?? 0) + 1);
    return out;
  }
}

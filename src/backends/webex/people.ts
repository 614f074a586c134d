import type { UserAttributes } from '../../domain/user.js';
import type { WebexClient } from './http.js';

/**
 * A person (People API). Names, extension, phone number and location live here, not on the
 * subscriber. Read with `GET /people/{id}`: only that answer carries the administrative fields
 * (`roles`, `licenses`, `locationId`); a list (`GET /people?id=`) does not (List People).
 */
export interface Person {
  id: string;
  emails: string[];
  orgId?: string;
  firstName?: string;
  lastName?: string;
  displayName?: string;
  extension?: string;
  phoneNumbers?: Array<{ type: string; value: string; primary?: boolean }>;
  locationId?: string;
  roles?: string[];
  licenses?: string[];
  /** Meetings sites where the person has an account, e.g. `acme.webex.com#attendee`. */
  siteUrls?: string[];
  [other: string]: unknown;
}

/** GET /people/{id} with the Calling data (extension, location): the source of roles and licences. */
export async function getPerson(client: WebexClient, id: string): Promise<Person> {
  return (await client.get<Person>(`/people/${encodeURIComponent(id)}`, { callingData: true })).body;
}

/**
 * The fields `PUT /people/{id}` declares, less `nickName` ("cannot be overwritten"). A PUT
 * carries exactly these: the read-only fields of a GET (id, created, lastModified, status,
 * type, sipAddresses, invitePending, ...) never go back.
 */
const WRITABLE = ['emails', 'displayName', 'firstName', 'lastName', 'avatar', 'orgId', 'roles', 'licenses', 'department', 'manager', 'managerId', 'title', 'addresses', 'siteUrls'] as const;

export interface PersonChanges {
  firstName?: string;
  lastName?: string;
  displayName?: string;
  extension?: string;
  phoneNumber?: string;
}

/**
 * The body of a PUT of the whole person (the spec: "Include all details for the person"): the
 * writable fields as read, with the changes applied. Extension, phone numbers and location go
 * only for a calling user (the spec: "only settable for a person with a Webex Calling
 * license"); the location is sent back as it is, never changed here (the spec: it "cannot be
 * changed if a user is already an existing calling user"; moves go through the Move Users job).
 * `displayName` is required: when the person has none, the names or the e-mail stand in.
 */
export function putBody(person: Person, changes: PersonChanges, calling: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const key of WRITABLE) if (person[key] !== undefined && person[key] !== null) body[key] = person[key];
  if (person.loginEnabled !== undefined) body.loginEnabled = person.loginEnabled === true || person.loginEnabled === 'true';
  for (const key of ['firstName', 'lastName', 'displayName'] as const) if (changes[key] !== undefined) body[key] = changes[key];
  if (typeof body.displayName !== 'string' || body.displayName.trim() === '') {
    body.displayName = [body.firstName, body.lastName].filter((n) => typeof n === 'string' && n !== '').join(' ') || (person.emails[0] ?? person.id);
  }
  if (calling) {
    const extension = changes.extension ?? person.extension;
    if (extension !== undefined) body.extension = extension;
    // Only `work` numbers can be set (the PUT's enum); other types are Webex's own to keep.
    const work = changes.phoneNumber ?? workNumber(person);
    if (work !== undefined) body.phoneNumbers = [{ type: WORK, value: work }];
    if (person.locationId !== undefined) body.locationId = person.locationId;
  }
  return body;
}

/** PUT of the whole person: repeating it gives the same result, so it is retried freely. */
export async function putPerson(client: WebexClient, personId: string, body: Record<string, unknown>): Promise<Person> {
  return (await client.request<Person>('PUT', `/people/${encodeURIComponent(personId)}`, { query: { callingData: true }, body })).body;
}

export const WORK = 'work';

export function workNumber(person: Person): string | undefined {
  return person.phoneNumbers?.find((p) => p.type === WORK)?.value;
}

/** The site host of the person's first Meetings site (`acme.webex.com#attendee` → `acme.webex.com`). */
export function siteOf(person: Person): string | undefined {
  const first = person.siteUrls?.[0];
  return first === undefined ? undefined : first.split('#')[0];
}

/** The People-held attributes of a person, with the location as its id. */
export function personAttributes(person: Person): UserAttributes & { locationId?: string } {
  const out: UserAttributes & { locationId?: string } = {};
  const set = <K extends keyof typeof out>(key: K, value: (typeof out)[K] | undefined | null | ''): void => {
    if (value !== undefined && value !== null && value !== '') out[key] = value as (typeof out)[K];
  };
  set('firstName', person.firstName);
  set('lastName', person.lastName);
  set('displayName', person.displayName);
  set('extension', person.extension);
  set('phoneNumber', workNumber(person));
  set('locationId', person.locationId);
  return out;
}

/** The keys a PUT /people changes. */
export const PERSON_KEYS = ['firstName', 'lastName', 'displayName', 'extension', 'phoneNumber'] as const;

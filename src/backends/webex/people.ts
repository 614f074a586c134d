import type { UserAttributes } from '../../domain/user.js';
import type { WebexClient } from './http.js';

/**
 * A person (People API). Names, extension, phone number and location live here, not on the
 * subscriber. PUT replaces the whole object, so every change is GET, edit, PUT of everything
 * (fields this tool does not know are sent back untouched).
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

/** `GET /people?id=` takes at most 85 ids. */
export const PEOPLE_PER_REQUEST = 85;

/** The people with these ids, with their calling data (extension, location). */
export async function getPeople(client: WebexClient, orgId: string, ids: readonly string[]): Promise<Map<string, Person>> {
  const found = new Map<string, Person>();
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += PEOPLE_PER_REQUEST) chunks.push(ids.slice(i, i + PEOPLE_PER_REQUEST));
  await Promise.all(
    chunks.map(async (chunk) => {
      const response = await client.get<{ items?: Person[] }>('/people', { id: chunk.join(','), orgId, callingData: true, max: 100 });
      for (const person of response.body?.items ?? []) found.set(person.id, person);
    }),
  );
  return found;
}

export async function getPerson(client: WebexClient, id: string): Promise<Person> {
  return (await client.get<Person>(`/people/${encodeURIComponent(id)}`, { callingData: true })).body;
}

/** PUT of the whole person: repeating it gives the same result, so it is retried freely. */
export async function putPerson(client: WebexClient, person: Person): Promise<Person> {
  return (await client.request<Person>('PUT', `/people/${encodeURIComponent(person.id)}`, { query: { callingData: true }, body: person })).body;
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

/** The person with name, number and location changes applied (location already as an id). */
export function editedPerson(person: Person, changes: UserAttributes, locationId: string | undefined): Person {
  const next: Person = { ...person };
  if (changes.firstName !== undefined) next.firstName = changes.firstName;
  if (changes.lastName !== undefined) next.lastName = changes.lastName;
  if (changes.displayName !== undefined) next.displayName = changes.displayName;
  if (changes.extension !== undefined) next.extension = changes.extension;
  if (locationId !== undefined) next.locationId = locationId;
  if (changes.phoneNumber !== undefined) {
    const others = (person.phoneNumbers ?? []).filter((p) => p.type !== WORK);
    next.phoneNumbers = [...others, { type: WORK, value: changes.phoneNumber, primary: true }];
  }
  return next;
}

/** The People-held keys: a change to any of these is a PUT /people. */
export const PERSON_KEYS = ['firstName', 'lastName', 'displayName', 'extension', 'phoneNumber', 'location'] as const;

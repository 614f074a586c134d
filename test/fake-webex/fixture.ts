import { createWebexBackend, type WebexBackend, type WebexBackendOptions } from '../../src/backends/webex/backend.js';
import { FakeWebex, type FakeWebexOptions } from '../../src/dev/fake-webex/server.js';
import { SpecReferee } from '../webex/spec-referee.js';

export const TOKEN = 'test-token-not-secret';

/** The customer every Webex test starts from: two locations, one Meetings site, its full admin. */
export const ACME = {
  id: 'acme',
  name: 'Acme BV',
  locations: ['Amsterdam HQ', 'Rotterdam Branch'] as [string, string],
  site: 'acme.webex.com',
  adminEmail: 'admin@acme.example',
};

const referees = new WeakMap<FakeWebex, SpecReferee>();

/**
 * A fake Webex on an ephemeral port with customer `acme` seeded. Every request that reaches it
 * and every answer it gives is checked against Cisco's published spec; `close()` fails the test
 * with everything the spec refused (refereeOf(fake) to look, or to clear a violation made on purpose).
 */
export async function startFake(options: FakeWebexOptions = {}): Promise<FakeWebex> {
  const referee = await SpecReferee.create();
  // Copied with its property descriptors: a test may give a getter (a token that changes mid-run).
  const withReferee = Object.defineProperties({}, Object.getOwnPropertyDescriptors(options)) as FakeWebexOptions;
  withReferee.onExchange = referee.check;
  const fake = await new FakeWebex(withReferee).start();
  referees.set(fake, referee);
  fake.state.seedCustomer({ id: ACME.id, name: ACME.name, locations: ACME.locations, sites: [ACME.site], adminEmail: ACME.adminEmail });
  const close = fake.close.bind(fake);
  fake.close = async () => {
    await close();
    referee.assertClean();
  };
  return fake;
}

export function refereeOf(fake: FakeWebex): SpecReferee {
  return referees.get(fake)!;
}

/** The adapter pointed at the fake, with short waits so fault tests stay fast. */
export function backendFor(fake: FakeWebex, options: Partial<WebexBackendOptions> = {}): WebexBackend {
  return createWebexBackend({
    baseUrl: fake.url,
    token: TOKEN,
    backoff: { baseMs: 20, capMs: 200 },
    retryAfter: { defaultMs: 200, capMs: 2_000 },
    timeoutMs: 5_000,
    moves: { pollMs: 20, timeoutMs: 5_000 },
    ...options,
  });
}

/** A calling user made directly in the fake (someone else's change): holds `extension` in `location`. */
export function seedCallingUser(fake: FakeWebex, email: string, extension: string, location = ACME.locations[0]): void {
  const org = fake.state.orgOf(ACME.id)!;
  const locationId = org.locations.find((l) => l.name === location)!.id;
  const person = fake.state.addPerson(org, email, { firstName: 'Some', lastName: 'One', displayName: 'Some One', extension, locationId, calling: true });
  fake.state.addSubscriber(ACME.id, email, 'webex_calling', person.id);
}

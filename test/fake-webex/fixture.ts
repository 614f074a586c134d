import { createWebexBackend, type WebexBackend, type WebexBackendOptions } from '../../src/backends/webex/backend.js';
import { FakeWebex, type FakeWebexOptions } from '../../src/dev/fake-webex/server.js';

export const TOKEN = 'test-token-not-secret';

/** The customer every Webex test starts from: two locations, one Meetings site, its full admin. */
export const ACME = {
  id: 'acme',
  name: 'Acme BV',
  locations: ['Amsterdam HQ', 'Rotterdam Branch'] as [string, string],
  site: 'acme.webex.com',
  adminEmail: 'admin@acme.example',
};

/** A fake Webex on an ephemeral port with customer `acme` seeded. */
export async function startFake(options: FakeWebexOptions = {}): Promise<FakeWebex> {
  const fake = await new FakeWebex(options).start();
  fake.state.seedCustomer({ id: ACME.id, name: ACME.name, locations: ACME.locations, sites: [ACME.site], adminEmail: ACME.adminEmail });
  return fake;
}

/** The adapter pointed at the fake, with short waits so fault tests stay fast. */
export function backendFor(fake: FakeWebex, options: Partial<WebexBackendOptions> = {}): WebexBackend {
  return createWebexBackend({
    baseUrl: fake.url,
    token: TOKEN,
    backoff: { baseMs: 20, capMs: 200 },
    retryAfter: { defaultMs: 200, capMs: 2_000 },
    timeoutMs: 5_000,
    ...options,
  });
}

/** A calling user made directly in the fake (someone else's change): holds `extension` in `location`. */
export function seedCallingUser(fake: FakeWebex, email: string, extension: string, location = ACME.locations[0]): void {
  const org = fake.state.orgOf(ACME.id)!;
  const locationId = org.locations.find((l) => l.name === location)!.id;
  const person = fake.state.addPerson(org, email, { firstName: 'Some', lastName: 'One', extension, locationId });
  fake.state.addSubscriber(ACME.id, email, 'webex_calling', person.id);
}

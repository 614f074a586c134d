import { afterEach, describe, expect, it } from 'vitest';
import type { FakeWebex } from '../../src/dev/fake-webex/server.js';
import { ACME, backendFor, startFake } from '../fake-webex/fixture.js';

describe('Webex locations carry their country into the customer facts', () => {
  let fake: FakeWebex | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('reads address.country of GET /locations; a location without one has no country', async () => {
    fake = await startFake();
    // The fake keeps its locations as plain records and lists them as they are: give one the
    // address Webex returns (GET /locations: address{address1, city, country, ...}).
    const [amsterdam] = fake.state.orgOf(ACME.id)!.locations;
    Object.assign(amsterdam!, { address: { address1: 'Damrak 1', city: 'Amsterdam', country: 'nl' } });
    const facts = await backendFor(fake).getCustomer(ACME.id);
    expect(facts.locationCountries).toEqual({ 'amsterdam hq': 'NL' });
    expect(facts.locations.sort()).toEqual([...ACME.locations].sort());
  });
});

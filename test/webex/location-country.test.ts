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
    // The fake keeps its locations as plain records and lists them as they are: one in Sweden
    // (written in lower case), one without an address.
    const [amsterdam, rotterdam] = fake.state.orgOf(ACME.id)!.locations;
    Object.assign(amsterdam!, { address: { address1: 'Kungsgatan 1', city: 'Göteborg', country: 'se' } });
    delete (rotterdam as { address?: unknown }).address;
    const facts = await backendFor(fake).getCustomer(ACME.id);
    expect(facts.locationCountries).toEqual({ 'amsterdam hq': 'SE' });
    expect(facts.locations.sort()).toEqual([...ACME.locations].sort());
  });
});

import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { FakeWebex } from '../../src/dev/fake-webex/server.js';
import { ACME, backendFor, startFake } from '../fake-webex/fixture.js';

const USERS = 30;
const email = (i: number) => `old${String(i).padStart(3, '0')}@acme.nl`;
const everyone = Array.from({ length: USERS }, (_, i) => email(i));

/**
 * The persons of the customer's subscribers are read while the pipeline starts (between
 * getCustomer and the first lookup, when nothing else goes to Webex): the first lookup takes
 * those answers instead of asking again. Counted in requests the adapter sent, never in time.
 */
describe("the Webex adapter reads the customer's persons ahead of the first lookup", () => {
  let fake: FakeWebex;
  let sent: MockInstance<typeof fetch>;
  /** GET /people/{id} requests the adapter sent so far. */
  const personReads = (): number => sent.mock.calls.filter(([url]) => /\/v1\/people\/[^/?]+/.test(String(url))).length;

  beforeEach(async () => {
    fake = await startFake({ latencyMs: [20, 40] });
    const org = fake.state.orgOf(ACME.id)!;
    for (const [i, e] of everyone.entries()) {
      const person = fake.state.addPerson(org, e, { firstName: 'Old', lastName: `User ${i}`, displayName: `Old User ${i}` });
      fake.state.addSubscriber(ACME.id, e, 'webex_meetings', person.id);
    }
    sent = vi.spyOn(globalThis, 'fetch');
  });
  afterEach(async () => {
    sent.mockRestore();
    await fake.close();
  });

  it('answers the first lookup from the persons read while the pipeline started, without asking Webex again', async () => {
    const backend = backendFor(fake, { maxConcurrency: 4 });
    await backend.getCustomer(ACME.id);
    await backend.readAheadSettled();
    const before = fake.stats.requests;
    const users = await backend.findUsers(ACME.id, everyone);
    expect(fake.stats.requests - before).toBe(0);
    expect(users.size).toBe(USERS);
    expect(users.get(email(7))).toMatchObject({ lastName: 'User 7', package: 'webex_meetings', isFullAdmin: false });
  });

  it('answers each person once: a later lookup (the apply window re-planning) reads it again', async () => {
    const backend = backendFor(fake, { maxConcurrency: 4 });
    await backend.getCustomer(ACME.id);
    await backend.readAheadSettled();
    await backend.findUsers(ACME.id, everyone);
    const before = personReads();
    await backend.findUsers(ACME.id, everyone.slice(0, 5));
    expect(personReads() - before).toBe(5);
  });

  it('never answers from a read older than a write of the adapter: the renamed user is read as renamed', async () => {
    const backend = backendFor(fake, { maxConcurrency: 4 });
    await backend.getCustomer(ACME.id);
    await backend.readAheadSettled();
    const id = fake.state.subscriberByEmail(ACME.id, email(3))!.id;
    expect(await backend.apply({ kind: 'modify', customerId: ACME.id, email: email(3), id, changes: { lastName: 'Renamed' } })).toMatchObject({ status: 'ok' });
    const users = await backend.findUsers(ACME.id, [email(3), email(4)]);
    expect(users.get(email(3))).toMatchObject({ lastName: 'Renamed' });
    expect(users.get(email(4))).toMatchObject({ lastName: 'User 4' });
  });

  it('stops reading ahead at the first lookup, and reads no more than asked', async () => {
    // Reading starts while getCustomer still reads the organisation, so some persons are read
    // by the time the first lookup comes; after it, the two readers' requests already granted
    // finish, and no further one is sent (the lookup itself may read one).
    const stopped = backendFor(fake, { maxConcurrency: 2 });
    await stopped.getCustomer(ACME.id);
    const atLookup = personReads();
    await stopped.findUsers(ACME.id, [email(0)]);
    await stopped.readAheadSettled();
    expect(atLookup).toBeLessThan(USERS);
    expect(personReads()).toBeLessThanOrEqual(atLookup + 2 + 1);

    let before = personReads();
    const capped = backendFor(fake, { maxConcurrency: 4, readAhead: 5 });
    await capped.getCustomer(ACME.id);
    await capped.readAheadSettled();
    expect(personReads() - before).toBe(5);

    before = personReads();
    const none = backendFor(fake, { maxConcurrency: 4, readAhead: 0 });
    await none.getCustomer(ACME.id);
    await none.readAheadSettled();
    expect(personReads() - before).toBe(0);
  });

  it('reads nothing ahead for a customer it could not read', async () => {
    fake.faults.once({ method: 'GET', path: `/wholesale/customers/${ACME.id}` }, { kind: 'status', status: 403 });
    const backend = backendFor(fake, { maxConcurrency: 4 });
    await expect(backend.getCustomer(ACME.id)).rejects.toThrow(/refused the token/);
    await backend.readAheadSettled();
    expect(personReads()).toBeLessThanOrEqual(4);
  });
});

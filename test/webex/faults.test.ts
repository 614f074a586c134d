import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebexBackend } from '../../src/backends/webex/backend.js';
import { RunRefused } from '../../src/domain/codes.js';
import type { Operation, UserAttributes } from '../../src/domain/user.js';
import type { FakeWebex } from '../../src/dev/fake-webex/server.js';
import { ACME, backendFor, startFake } from '../fake-webex/fixture.js';

const add = (email: string, attributes: UserAttributes = { firstName: 'A', lastName: 'B' }, pkg: 'webex_meetings' | 'webex_calling' | 'webex_suite' = 'webex_meetings'): Operation =>
  ({ kind: 'add', customerId: ACME.id, email, package: pkg, attributes });
const calling = (ext: string): UserAttributes => ({ firstName: 'Cal', lastName: 'Ling', extension: ext, location: ACME.locations[0] });

describe('the Webex adapter under faults', () => {
  let fake: FakeWebex;
  let backend: WebexBackend;
  beforeEach(async () => {
    fake = await startFake();
    backend = backendFor(fake);
  });
  afterEach(async () => {
    expect(fake.state.duplicates()).toEqual([]);
    await fake.close();
  });

  const created = (email: string) => fake.state.creations().get(email) ?? 0;
  const live = (email: string) => fake.state.subscriberByEmail(ACME.id, email);

  it('waits as Retry-After says on 429 and 423: seconds, an HTTP date, or the default for a malformed value', async () => {
    fake.faults.once({ method: 'POST', email: 'a@example.com' }, { kind: 'status', status: 429, retryAfter: '1' });
    let t = Date.now();
    expect(await backend.apply(add('a@example.com'))).toMatchObject({ status: 'ok' });
    expect(Date.now() - t).toBeGreaterThanOrEqual(950);

    fake.faults.once({ method: 'POST', email: 'b@example.com' }, { kind: 'status', status: 423, retryAfter: new Date(Date.now() + 1_000).toUTCString() });
    t = Date.now();
    expect(await backend.apply(add('b@example.com'))).toMatchObject({ status: 'ok' });
    expect(Date.now() - t).toBeGreaterThanOrEqual(5); // an HTTP date has whole seconds: up to 1 s

    fake.faults.once({ method: 'POST', email: 'c@example.com' }, { kind: 'status', status: 429, retryAfter: 'in a bit' });
    t = Date.now();
    expect(await backend.apply(add('c@example.com'))).toMatchObject({ status: 'ok' });
    expect(Date.now() - t).toBeGreaterThanOrEqual(190); // the fixture's default wait is 200 ms
    expect(fake.stats.throttled).toBe(3);
    expect(['a', 'b', 'c'].map((x) => created(`${x}@example.com`))).toEqual([1, 1, 1]);
  });

  it('makes every worker wait when one request is told to wait', async () => {
    fake.faults.throttleFor(800, '1');
    const start = Date.now();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => backend.apply(add(`w${i}@example.com`))));
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    const writes = fake.state.mutations.filter((m) => m.what === 'subscriber-created');
    expect(writes).toHaveLength(10);
    expect(Math.min(...writes.map((m) => m.at)) - start).toBeGreaterThanOrEqual(800);
    // One episode of throttling: the workers in flight together cut the concurrency once, not ten times.
    expect(backend.client.limiter.concurrency).toBeGreaterThanOrEqual(4);
  });

  it('backs off and retries 503s and 5xx on reads', async () => {
    fake.faults.once({ method: 'POST', email: 'r@example.com' }, { kind: 'status', status: 503 }, 2);
    fake.faults.once({ method: 'GET', path: '/wholesale/subscribers' }, { kind: 'status', status: 502 }, 2);
    expect(await backend.apply(add('r@example.com'))).toMatchObject({ status: 'ok' });
    expect((await backend.findUsers(ACME.id, ['r@example.com'])).has('r@example.com')).toBe(true);
    expect(created('r@example.com')).toBe(1);
  });

  it('does not take a 5xx for a throttle: nobody pauses, the concurrency and the rate stay', async () => {
    fake.faults.once({ method: 'GET', path: '/wholesale/subscribers' }, { kind: 'status', status: 503 }, 3);
    fake.faults.once({ method: 'POST' }, { kind: 'status', status: 500 }, 2);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => backend.apply(add(`five${i}@example.com`))));
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    await backend.findUsers(ACME.id, ['five0@example.com']);
    const { state } = backend.client.limiter.governor;
    expect(state.concurrency).toBe(8);
    expect(state.rate).toBe(Infinity);
    expect(state.pausedUntil).toBe(0);
  });

  it('never creates a second subscriber when the reply to an add is lost, late or a 500 after applying', async () => {
    fake.faults.once({ method: 'POST', email: 'drop@example.com' }, { kind: 'drop-after-apply' });
    fake.faults.once({ method: 'POST', email: 'late@example.com' }, { kind: 'slow', ms: 1_500 });
    fake.faults.once({ method: 'POST', email: 'five@example.com' }, { kind: 'status-after-apply', status: 500 });
    fake.faults.once({ method: 'POST', email: 'gate@example.com' }, { kind: 'status-after-apply', status: 504 });
    const quick = backendFor(fake, { timeoutMs: 400 });
    for (const email of ['drop@example.com', 'late@example.com', 'five@example.com', 'gate@example.com']) {
      const result = await quick.apply(add(email));
      expect(result, email).toMatchObject({ status: 'ok', note: expect.stringContaining('not sent twice') });
      expect(created(email), email).toBe(1);
    }
    expect(quick.client.stats.reconciled).toBe(4);
  });

  it('settles a lost reply to a remove by reading back, and removes nobody else', async () => {
    await backend.apply(add('keep@example.com'));
    await backend.apply(add('gone@example.com'));
    const gone = (await backend.findUsers(ACME.id, ['gone@example.com'])).get('gone@example.com')!;
    fake.faults.once({ method: 'DELETE' }, { kind: 'drop-after-apply' });
    expect(await backend.apply({ kind: 'remove', customerId: ACME.id, email: gone.email, id: gone.id })).toMatchObject({ status: 'ok' });
    expect(live('gone@example.com')).toBeUndefined();
    expect(live('keep@example.com')).toBeDefined();
    expect(fake.state.mutations.filter((m) => m.what === 'subscriber-deleted')).toHaveLength(1);
  });

  it('gives up after a bounded number of tries, with the trackingId in the message', async () => {
    fake.faults.once({ method: 'POST', email: 'doomed@example.com' }, { kind: 'status', status: 500 }, 100);
    const result = await backend.apply(add('doomed@example.com'));
    expect(result).toMatchObject({ status: 'error', code: 'BACKEND_ERROR' });
    const message = (result as { message: string }).message;
    expect(message).toMatch(/gave up after 6 tries/);
    expect(message).toMatch(/trackingId FAKE_\d+_\d+/);
    expect(live('doomed@example.com')).toBeUndefined();
  });

  it('reports pending_user_migration as a warning, and a later change as not applied yet', async () => {
    fake.faults.pendingMigration.add('moving@example.com');
    const result = await backend.apply(add('moving@example.com'));
    expect(result).toMatchObject({ status: 'ok', warning: { code: 'PENDING_USER_MIGRATION', message: expect.stringContaining('accept') } });
    const user = (await backend.findUsers(ACME.id, ['moving@example.com'])).get('moving@example.com')!;
    expect(user).toMatchObject({ package: 'webex_meetings' });
    const later = await backend.apply({ kind: 'modify', customerId: ACME.id, email: user.email, id: user.id, changes: { firstName: 'Now' } });
    expect(later).toMatchObject({ status: 'ok', warning: { code: 'PENDING_USER_MIGRATION', message: expect.stringContaining('nothing was changed') } });
  });

  it("remedies seed 004's licence errors: unassign the package, assign it again, and say so", async () => {
    await backend.apply(add('lic@example.com', { firstName: 'Li', lastName: 'Cense', displayName: 'Li C.', preferredSite: ACME.site, basicMessaging: true }));
    const before = (await backend.findUsers(ACME.id, ['lic@example.com'])).get('lic@example.com')!;
    fake.faults.licenceError.set('lic@example.com', "Unable to update user attributes. License change can't be rolled back.");
    const moved = await backend.apply({ kind: 'modify', customerId: ACME.id, email: before.email, id: before.id, package: 'webex_suite', changes: { extension: '4001', location: ACME.locations[1] } });
    expect(moved).toMatchObject({ status: 'ok', note: expect.stringContaining('the package was unassigned and assigned again') });
    const after = (await backend.findUsers(ACME.id, ['lic@example.com'])).get('lic@example.com')!;
    const { id: _a, ...was } = before;
    const { id: _b, ...now } = after;
    expect(now).toEqual({ ...was, package: 'webex_suite', extension: '4001', location: ACME.locations[1] });

    fake.faults.licenceError.set('new@example.com', 'Unable to update user license.');
    const added = await backend.apply(add('new@example.com', calling('4002'), 'webex_calling'));
    expect(added).toMatchObject({ status: 'ok', note: expect.stringContaining('Unable to update user license.') });
    expect((await backend.findUsers(ACME.id, ['new@example.com'])).get('new@example.com')).toMatchObject({ extension: '4002', package: 'webex_calling' });
  });

  it('prechecks an add without changing anything', async () => {
    await backend.apply(add('holder@example.com', calling('5001'), 'webex_calling'));
    const before = fake.state.mutations.length;
    expect(await backend.precheck!(add('fine@example.com', calling('5002'), 'webex_calling'))).toEqual({ status: 'ok' });
    const clash = await backend.precheck!(add('clash@example.com', calling('5001'), 'webex_calling'));
    expect(clash).toMatchObject({ status: 'error', code: 'EXTENSION_IN_USE', message: expect.stringMatching(/^Webex precheck: .*5001/) });
    expect(await backend.precheck!(add('nonum@example.com', { location: ACME.locations[0] }, 'webex_calling'))).toMatchObject({ status: 'error', code: 'BACKEND_ERROR' });
    expect(fake.state.mutations.length).toBe(before);
  });

  it('refuses a bad token as a run-level problem, without ever printing it', async () => {
    await fake.close();
    fake = await startFake({ token: 'the-right-one' });
    const wrong = backendFor(fake, { token: 'canary-wrong-token' });
    const refused = await wrong.getCustomer(ACME.id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RunRefused);
    expect(refused).toMatchObject({ code: 'TARGET_UNAVAILABLE' });
    expect(String((refused as Error).message)).not.toContain('canary-wrong-token');
    expect(String((refused as Error).message)).toContain('WEBEX_ACCESS_TOKEN');
  });

  it('calls an unreachable Webex unavailable, after bounded retries', async () => {
    const url = fake.url;
    await fake.close();
    const nowhere = backendFor(fake, { baseUrl: url, maxTries: 3 });
    const refused = await nowhere.getCustomer(ACME.id).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'TARGET_UNAVAILABLE', message: expect.stringContaining('ECONNREFUSED') });
    fake = await startFake();
  });

  it('follows Link rel="next" through every page of a big customer', async () => {
    const ops = Array.from({ length: 230 }, (_, i) => add(`p${String(i).padStart(3, '0')}@example.com`));
    await Promise.all(ops.map((op) => backend.apply(op)));
    const listed: string[] = [];
    await backend.listUsers(ACME.id, (u) => listed.push(u.email));
    expect(listed).toHaveLength(231);
    expect(listed).toEqual([...listed].sort());
    expect((await backend.getCustomer(ACME.id)).userCount).toBe(231);
  });
});

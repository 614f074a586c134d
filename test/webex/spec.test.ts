import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebexBackend } from '../../src/backends/webex/backend.js';
import { WebexClient } from '../../src/backends/webex/http.js';
import { openDb } from '../../src/db/open.js';
import { RunRefused } from '../../src/domain/codes.js';
import type { Operation, UserAttributes } from '../../src/domain/user.js';
import type { FakeWebex } from '../../src/dev/fake-webex/server.js';
import { FULL_ADMIN_ROLE_ID } from '../../src/dev/fake-webex/state.js';
import { runImport } from '../../src/import/run-import.js';
import { tempDir } from '../helpers/cli.js';
import { HEADER, readReport, removalOf } from '../helpers/directory.js';
import { ACME, backendFor, refereeOf, startFake, TOKEN } from '../fake-webex/fixture.js';

const add = (email: string, attributes: UserAttributes, pkg: 'webex_meetings' | 'webex_calling' | 'webex_voice' = 'webex_meetings'): Operation =>
  ({ kind: 'add', customerId: ACME.id, email, package: pkg, attributes });
const calling = (extension: string, location = ACME.locations[0]): UserAttributes => ({ firstName: 'Cal', lastName: 'Ling', extension, location });

describe('the spec referee', () => {
  let fake: FakeWebex;
  beforeEach(async () => {
    fake = await startFake();
  });
  afterEach(() => fake.close());

  it('refuses a body field, a query parameter or an operation the published spec does not declare, and an answer out of its schema', async () => {
    const client = new WebexClient({ baseUrl: fake.url, token: TOKEN, maxTries: 1 });
    const referee = refereeOf(fake);
    await client.request('POST', '/wholesale/subscribers', {
      body: { customerId: ACME.id, email: 'x@example.com', packages: ['webex_meetings'], provisioningParameters: { firstName: 'X', nickname: 'x' }, priority: 1 },
    });
    await client.get('/wholesale/subscribers', { customerId: ACME.id, includeDeleted: true });
    await client.get('/wholesale/subscriberz').catch(() => undefined);
    const problems = referee.violations.map((v) => `${v.request} ${v.problem}`);
    expect(problems).toEqual([
      expect.stringMatching(/^POST \/wholesale\/subscribers request \/requestBody must NOT have additional properties \(priority\)/),
      expect.stringMatching(/^POST \/wholesale\/subscribers request \/requestBody\/provisioningParameters must NOT have additional properties \(nickname\)/),
      expect.stringMatching(/^GET \/wholesale\/subscribers\?.*request \/query must NOT have additional properties \(includeDeleted\)/),
      expect.stringMatching(/^GET \/wholesale\/subscriberz no such operation in the published spec/),
    ]);
    // An answer of the fake out of the spec is refused as well (here an error body for a 200).
    fake.faults.once({ method: 'GET', path: '/wholesale/subscribers/' }, { kind: 'status', status: 200 });
    const id = fake.state.subscriberByEmail(ACME.id, 'x@example.com')!.id;
    await client.get(`/wholesale/subscribers/${id}`);
    expect(referee.violations.at(-1)?.problem).toMatch(/^answer 200 \/ must NOT have additional properties/);
    await expect(fake.close()).rejects.toThrow(/The published Webex spec refuses 5 exchange/);
    referee.clear();
  });

  it("the fake's list of people carries no admin fields; GET /people/{id} does", async () => {
    const client = new WebexClient({ baseUrl: fake.url, token: TOKEN });
    const org = fake.state.orgOf(ACME.id)!;
    const admin = [...org.people.values()][0]!;
    const list = await client.get<{ items: Array<Record<string, unknown>> }>('/people', { orgId: org.id, id: admin.id, callingData: true });
    expect(list.body.items[0]).not.toHaveProperty('roles');
    expect(list.body.items[0]).not.toHaveProperty('licenses');
    expect(list.body.items[0]).not.toHaveProperty('locationId');
    const one = await client.get<Record<string, unknown>>(`/people/${admin.id}`, { callingData: true });
    expect(one.body.roles).toEqual([FULL_ADMIN_ROLE_ID]);
  });
});

describe('the Webex adapter against a fake that answers as the spec says', () => {
  let fake: FakeWebex;
  let backend: WebexBackend;
  beforeEach(async () => {
    fake = await startFake();
    backend = backendFor(fake);
  });
  afterEach(() => fake.close());

  const user = async (email: string) => (await backend.findUsers(ACME.id, [email])).get(email)!;
  const sent = (method: string, path: RegExp) => refereeOf(fake).exchanges.filter((e) => e.method === method && path.test(e.path));

  it("reads the full admin from GET /people/{id}, and checks again right before unmapping or changing a package", async () => {
    const admin = await user(ACME.adminEmail);
    expect(admin.isFullAdmin).toBe(true);
    // Someone makes an ordinary user full admin after the lookup: the change is refused all the same.
    expect(await backend.apply(add('late@example.com', { firstName: 'Late' }))).toMatchObject({ status: 'ok' });
    const late = await user('late@example.com');
    expect(late.isFullAdmin).toBe(false);
    const person = fake.state.personById(fake.state.subscriberByEmail(ACME.id, 'late@example.com')!.personId!)!;
    person.roles.push(FULL_ADMIN_ROLE_ID);
    expect(await backend.apply({ kind: 'remove', customerId: ACME.id, email: late.email, id: late.id })).toMatchObject({ status: 'error', code: 'FULL_ADMIN_PROTECTED' });
    expect(await backend.apply({ kind: 'modify', customerId: ACME.id, email: late.email, id: late.id, package: 'webex_voice', changes: { extension: '7001' } }))
      .toMatchObject({ status: 'error', code: 'FULL_ADMIN_PROTECTED' });
    expect(fake.state.subscriberByEmail(ACME.id, 'late@example.com')?.package).toBe('webex_meetings');
    expect(sent('DELETE', /^\/wholesale\/subscribers\//)).toEqual([]);
  });

  it('reads basic licences as they are, so a TRUE cell is not sent again', async () => {
    expect(await backend.apply(add('lic@example.com', { basicMessaging: true, callingViaWebex: false }))).toMatchObject({ status: 'ok' });
    expect(await user('lic@example.com')).toMatchObject({ basicMessaging: true, basicSpaceMeetings: false, callingViaWebex: false });
    expect(sent('PATCH', /^\/licenses\/users$/)).toHaveLength(1);
  });

  it('removing unmaps the subscriber; the person stays, and the row says so', async () => {
    await backend.apply(add('gone@example.com', { firstName: 'Gone' }));
    const gone = await user('gone@example.com');
    const result = await backend.apply({ kind: 'remove', customerId: ACME.id, email: gone.email, id: gone.id });
    expect(result).toMatchObject({ status: 'ok', note: expect.stringContaining('keeps the person') });
    expect(fake.state.subscriberByEmail(ACME.id, 'gone@example.com')).toBeUndefined();
    expect(fake.state.personByEmail(fake.state.orgOf(ACME.id)!, 'gone@example.com')).toBeDefined();
    // Added again later: the same person gets the subscriber back.
    expect(await backend.apply(add('gone@example.com', { firstName: 'Back' }))).toMatchObject({ status: 'ok' });
    expect(await user('gone@example.com')).toMatchObject({ firstName: 'Back' });
  });

  it('sends PUT /people with the writable fields only, roles and licences kept, calling fields only for a calling user', async () => {
    await backend.apply(add('put@example.com', { firstName: 'Put', basicMessaging: true }));
    const before = await user('put@example.com');
    expect(await backend.apply({ kind: 'modify', customerId: ACME.id, email: before.email, id: before.id, changes: { displayName: 'Put Me' } })).toMatchObject({ status: 'ok' });
    const [put] = sent('PUT', /^\/people\//);
    const body = put!.body as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['displayName', 'emails', 'firstName', 'licenses', 'loginEnabled', 'orgId', 'roles', 'siteUrls']);
    expect(await user('put@example.com')).toEqual({ ...before, displayName: 'Put Me' });

    // A Webex Meetings user has no calling: an extension is refused before anything is sent.
    const refused = await backend.apply({ kind: 'modify', customerId: ACME.id, email: before.email, id: before.id, changes: { extension: '1234' } });
    expect(refused).toMatchObject({ status: 'error', code: 'NOT_A_CALLING_USER' });
    expect(sent('PUT', /^\/people\//)).toHaveLength(1);
    expect(await backend.apply(add('meet@example.com', { phoneNumber: '+31201110000' }))).toMatchObject({ status: 'error', code: 'NOT_A_CALLING_USER' });
    expect(fake.state.subscriberByEmail(ACME.id, 'meet@example.com')).toBeUndefined();
  });

  it("moves an existing calling user's location with the Move Users job, a new extension with it", async () => {
    await backend.apply(add('mover@example.com', calling('5001'), 'webex_calling'));
    const before = await user('mover@example.com');
    const moved = await backend.apply({ kind: 'modify', customerId: ACME.id, email: before.email, id: before.id, changes: { location: ACME.locations[1], extension: '6001' } });
    expect(moved).toMatchObject({ status: 'ok' });
    expect(await user('mover@example.com')).toEqual({ ...before, location: ACME.locations[1], extension: '6001' });
    expect(sent('POST', /^\/telephony\/config\/jobs\/person\/moveLocation$/)).toHaveLength(1);
    expect(sent('GET', /^\/telephony\/config\/jobs\/person\/moveLocation\/[^/]+$/).length).toBeGreaterThan(0);
    // PUT /people never carried a changed location.
    for (const put of sent('PUT', /^\/people\//)) expect((put.body as { locationId?: string }).locationId).not.toBe(fake.state.orgOf(ACME.id)!.locations[1]!.id);
  });

  it('reads the person back after a refused PUT and says what landed (PARTLY_APPLIED)', async () => {
    await backend.apply(add('half@example.com', calling('5101'), 'webex_calling'));
    const before = await user('half@example.com');
    fake.faults.partialPersonUpdate.add('half@example.com');
    const result = await backend.apply({ kind: 'modify', customerId: ACME.id, email: before.email, id: before.id, changes: { firstName: 'Halve', extension: '5102' } });
    expect(result).toMatchObject({ status: 'error', code: 'PARTLY_APPLIED' });
    const message = (result as { message: string }).message;
    expect(message).toContain('First Name is now "Halve"');
    expect(message).toContain('Extension is "5101", not "5102"');
    expect(message).toMatch(/trackingId FAKE_/);
    expect(await user('half@example.com')).toMatchObject({ firstName: 'Halve', extension: '5101' });
  });

  it('says which licences a 206 left out', async () => {
    await backend.apply(add('some@example.com', { firstName: 'Some' }));
    const before = await user('some@example.com');
    fake.faults.partialLicences.add('some@example.com');
    const result = await backend.apply({ kind: 'modify', customerId: ACME.id, email: before.email, id: before.id, changes: { basicMessaging: true, callingViaWebex: true } });
    expect(result).toMatchObject({ status: 'error', code: 'PARTLY_APPLIED', message: expect.stringMatching(/Basic Messaging assigned.*Calling via Webex not assigned/) });
    expect(await user('some@example.com')).toMatchObject({ basicMessaging: true, callingViaWebex: false });
  });

  it("puts a subscriber's errors[] into the row", async () => {
    fake.faults.subscriberErrors.set('err@example.com', [{ errorCode: 5005, description: 'Meetings site assignment failed.' }]);
    const result = await backend.apply(add('err@example.com', { firstName: 'Err' }));
    expect(result).toMatchObject({ status: 'error', code: 'BACKEND_ERROR', message: expect.stringContaining('5005: Meetings site assignment failed.') });
  });

  it('never follows a redirect: the token stays with the configured host', async () => {
    const elsewhere: string[] = [];
    const other: Server = createServer((req, res) => {
      elsewhere.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.end('{}');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(other.address() as AddressInfo).port}/v1/wholesale/subscribers`;
    fake.faults.once({ method: 'POST' }, { kind: 'redirect', status: 307, location: target });
    const result = await backend.apply(add('redirect@example.com', { firstName: 'R' }));
    expect(result).toMatchObject({ status: 'error', message: expect.stringContaining('never follows redirects') });
    fake.faults.once({ method: 'GET', path: '/wholesale/customers/' }, { kind: 'redirect', status: 301, location: target });
    const refused = await backendFor(fake).getCustomer(ACME.id).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'TARGET_UNAVAILABLE', message: expect.stringContaining('redirect') });
    expect(elsewhere).toEqual([]);
    await new Promise<void>((resolve) => other.close(() => resolve()));
  });

  it('scrubs a token the server echoes (trackingId included) from every row message', async () => {
    fake.faults.echoInTrackingId = `Bearer ${TOKEN}`;
    fake.faults.once({ method: 'POST' }, { kind: 'status', status: 400, message: `Denied for access_token=${TOKEN}` });
    const result = await backend.apply(add('echo@example.com', { firstName: 'E' }));
    expect(result.status).toBe('error');
    const message = (result as { message: string }).message;
    expect(message).toContain('trackingId FAKE_');
    expect(message).not.toContain(TOKEN);
  });

  it('takes a 400 on GET /wholesale/customers/{id} as a refusal in Webex words, not as an unknown customer', async () => {
    fake.faults.once({ method: 'GET', path: '/wholesale/customers/' }, { kind: 'status', status: 400, message: 'Invalid customer id format.' });
    const refused = await backend.getCustomer(ACME.id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RunRefused);
    expect(refused).toMatchObject({ code: 'TARGET_UNAVAILABLE', message: expect.stringContaining('Invalid customer id format.') });
  });
});

describe('a customer with more subscribers than a page', () => {
  const seed = (fake: FakeWebex, count: number): void => {
    const org = fake.state.orgOf(ACME.id)!;
    for (let i = 0; i < count; i++) {
      const email = `u${String(i).padStart(3, '0')}@acme.nl`;
      const person = fake.state.addPerson(org, email, { firstName: 'U', lastName: String(i) });
      fake.state.addSubscriber(ACME.id, email, 'webex_meetings', person.id);
    }
  };

  for (const wholesaleLinks of [false, true]) {
    it(`reads all 301 subscribers by offset and max${wholesaleLinks ? ', following Link when the server sends one' : ' (no Link, as the spec declares)'}; the removal guard counts them all`, async () => {
      const fake = await startFake({ wholesaleLinks });
      seed(fake, 300);
      const backend = backendFor(fake);
      expect((await backend.getCustomer(ACME.id)).userCount).toBe(301);
      const listed: string[] = [];
      await backend.listUsers(ACME.id, (u) => listed.push(u.email));
      expect(listed).toHaveLength(301);
      expect((await backend.findUsers(ACME.id, ['u299@acme.nl'])).has('u299@acme.nl')).toBe(true);

      // 21 removals of 301 users is 7%: the guard lets them through.
      const dir = tempDir('bulkhub-paging-');
      const file = join(dir, 'remove.csv');
      writeFileSync(file, [HEADER, ...Array.from({ length: 21 }, (_, i) => removalOf(`u${String(279 + i).padStart(3, '0')}@acme.nl`))].join('\n'));
      const db = openDb(join(dir, 'journal.db'));
      const result = await runImport({ file, customerId: ACME.id, db, backend, outDir: join(dir, 'out'), logger: pino({ level: 'silent' }) });
      db.close();
      expect(result.summary).toMatchObject({ removed: 21, errors: 0 });
      expect(result.summary.refusal).toBeUndefined();
      expect((await readReport(join(dir, 'out', 'results.csv'))).slice(1).every((r) => r[2] === 'remove')).toBe(true);
      expect(fake.state.subscribers.size).toBe(280);
      rmSync(dir, { recursive: true, force: true });
      await fake.close();
    });
  }
});

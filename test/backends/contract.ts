import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Backend, OperationResult } from '../../src/backends/port.js';
import { RunRefused } from '../../src/domain/codes.js';
import type { PackageId } from '../../src/domain/packages.js';
import type { AttributeKey, DirectoryUser, Operation, UserAttributes } from '../../src/domain/user.js';

const FLAGS: readonly AttributeKey[] = ['jabberCalling', 'jabberTeams', 'basicMessaging', 'basicSpaceMeetings', 'callingViaWebex'];

/** A customer ready for the contract: two locations, one Meetings site, and its full admin. */
export interface ContractFixture {
  backend: Backend;
  customerId: string;
  locations: [string, string];
  site: string;
  adminEmail: string;
  /**
   * Where a remote API cannot keep what the embedded directory keeps (defaults: none, false).
   * Webex has no public API for the two Jabber columns, so they are never stored
   * (`unmanaged`); and a licence is assigned or not, with no "never set", so a TRUE/FALSE
   * attribute that was not given reads back FALSE (`flagsAlwaysKnown`).
   */
  unmanaged?: readonly AttributeKey[];
  flagsAlwaysKnown?: boolean;
  cleanup(): Promise<void>;
}

/**
 * The one suite every backend passes. It speaks only through the port, so the same cases run
 * against the embedded directory and against the Webex adapter with a fake server.
 */
export function describeBackendContract(name: string, setup: () => Promise<ContractFixture>): void {
  describe(`Backend contract: ${name}`, () => {
    let f: ContractFixture;
    let backend: Backend;
    let loc: string;
    let otherLoc: string;
    /** The given attributes less the ones the target cannot hold. */
    const held = (attributes: UserAttributes): UserAttributes =>
      Object.fromEntries(Object.entries(attributes).filter(([key]) => !f.unmanaged?.includes(key as AttributeKey))) as UserAttributes;
    /** A whole user's attributes as the target reads them back after an add. */
    const readBack = (attributes: UserAttributes): UserAttributes => {
      const out: Record<string, unknown> = { ...held(attributes) };
      if (f.flagsAlwaysKnown) for (const key of FLAGS) if (!f.unmanaged?.includes(key)) out[key] ??= false;
      return out as UserAttributes;
    };

    beforeEach(async () => {
      f = await setup();
      backend = f.backend;
      [loc, otherLoc] = f.locations;
    });
    afterEach(async () => {
      await f.cleanup();
    });

    const add = (email: string, attributes: UserAttributes = {}, pkg: PackageId = 'webex_meetings'): Promise<OperationResult> =>
      backend.apply({ kind: 'add', customerId: f.customerId, email, package: pkg, attributes });
    const modify = (user: DirectoryUser, changes: UserAttributes, pkg?: PackageId): Promise<OperationResult> =>
      backend.apply({ kind: 'modify', customerId: f.customerId, email: user.email, id: user.id, changes, ...(pkg && { package: pkg }) });
    const remove = (user: DirectoryUser): Promise<OperationResult> =>
      backend.apply({ kind: 'remove', customerId: f.customerId, email: user.email, id: user.id });
    const find = async (email: string): Promise<DirectoryUser | undefined> =>
      (await backend.findUsers(f.customerId, [email])).get(email);
    const must = async (email: string): Promise<DirectoryUser> => {
      const user = await find(email);
      expect(user, `${email} should exist`).toBeDefined();
      return user!;
    };
    const expectError = (result: OperationResult, code: string): void => {
      expect(result).toMatchObject({ status: 'error', code });
      expect((result as { message: string }).message.length).toBeGreaterThan(10);
    };

    const calling = (): UserAttributes => ({
      firstName: 'Anna',
      lastName: 'de Vries',
      displayName: 'Anna de Vries',
      extension: '0123',
      phoneNumber: '+31201234567',
      location: loc,
      preferredSite: f.site,
      jabberCalling: true,
      jabberTeams: false,
      basicMessaging: true,
      basicSpaceMeetings: false,
      callingViaWebex: true,
    });

    it('describes the customer and refuses an unknown one', async () => {
      const facts = await backend.getCustomer(f.customerId);
      expect(facts.customerId).toBe(f.customerId);
      expect(facts.locations.map((l) => l.toLowerCase()).sort()).toEqual([loc, otherLoc].map((l) => l.toLowerCase()).sort());
      expect(facts.sites).toEqual([f.site]);
      expect(await add('counted@example.com')).toMatchObject({ status: 'ok' });
      expect((await backend.getCustomer(f.customerId)).userCount).toBe(facts.userCount + 1);

      const refused = await backend.getCustomer('no-such-customer').catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(RunRefused);
      expect(refused).toMatchObject({ code: 'CUSTOMER_NOT_FOUND' });
    });

    it('reads back exactly what was added: strings, leading zeros, E.164 and false booleans', async () => {
      const result = await add('anna@example.com', calling(), 'webex_calling');
      expect(result.status).toBe('ok');
      const user = await must('anna@example.com');
      const { id, ...rest } = user;
      expect(rest).toEqual({ email: 'anna@example.com', package: 'webex_calling', isFullAdmin: false, ...readBack(calling()) });
      expect(user.extension).toBe('0123');
      if (result.status === 'ok' && result.id !== undefined) expect(id).toBe(result.id);

      expect(await add('bare@example.com', { firstName: 'Bare' })).toMatchObject({ status: 'ok' });
      const bare = await must('bare@example.com');
      expect(bare).toEqual({ id: bare.id, email: 'bare@example.com', package: 'webex_meetings', isFullAdmin: false, ...readBack({ firstName: 'Bare' }) });
      expect(Object.values(bare)).not.toContain(null);
    });

    it('modifies only the given attributes, and changes the package when asked', async () => {
      await add('anna@example.com', calling(), 'webex_calling');
      const before = await must('anna@example.com');
      expect(await modify(before, { displayName: 'Anna V.', jabberTeams: true, extension: '0456' })).toMatchObject({ status: 'ok' });
      expect(await must('anna@example.com')).toEqual({ ...before, ...held({ displayName: 'Anna V.', jabberTeams: true, extension: '0456' }) });

      expect(await modify(before, {}, 'webex_suite')).toMatchObject({ status: 'ok' });
      expect(await must('anna@example.com')).toEqual({ ...before, ...held({ displayName: 'Anna V.', jabberTeams: true, extension: '0456' }), package: 'webex_suite' });
    });

    it('removes a user, and reports a user that is already gone', async () => {
      await add('gone@example.com');
      const user = await must('gone@example.com');
      const count = (await backend.getCustomer(f.customerId)).userCount;
      expect(await remove(user)).toMatchObject({ status: 'ok' });
      expect(await find('gone@example.com')).toBeUndefined();
      expect((await backend.getCustomer(f.customerId)).userCount).toBe(count - 1);

      expectError(await remove(user), 'USER_NOT_FOUND');
      expectError(await modify(user, { firstName: 'Ghost' }), 'USER_NOT_FOUND');
      expect(await find('gone@example.com')).toBeUndefined();
    });

    it('refuses to add an e-mail that exists, whatever its case', async () => {
      expect(await add('Mixed.Case@Example.com', { firstName: 'First' })).toMatchObject({ status: 'ok' });
      const user = await must('mixed.case@example.com');
      expect(user.email).toBe('mixed.case@example.com');
      expectError(await add('mixed.case@example.com', { firstName: 'Second' }), 'USER_EXISTS');
      expectError(await add('MIXED.CASE@EXAMPLE.COM'), 'USER_EXISTS');
      expect((await must('mixed.case@example.com')).firstName).toBe('First');
    });

    it('keeps an extension unique within a location, not across locations', async () => {
      expect(await add('a@example.com', { location: loc, extension: '1001' }, 'webex_calling')).toMatchObject({ status: 'ok' });
      const refused = await add('b@example.com', { location: loc.toUpperCase(), extension: '1001' }, 'webex_calling');
      expectError(refused, 'EXTENSION_IN_USE');
      expect((refused as { message: string }).message).toContain('1001');
      expect(await find('b@example.com')).toBeUndefined();

      expect(await add('c@example.com', { location: otherLoc, extension: '1001' }, 'webex_calling')).toMatchObject({ status: 'ok' });
      // Moving c into a's location would give that location the extension twice.
      expectError(await modify(await must('c@example.com'), { location: loc }), 'EXTENSION_IN_USE');
      expect((await must('c@example.com')).location).toBe(otherLoc);
    });

    it('keeps a phone number unique within the customer', async () => {
      expect(await add('a@example.com', { location: loc, phoneNumber: '+31201234567' }, 'webex_calling')).toMatchObject({ status: 'ok' });
      const refused = await add('b@example.com', { location: otherLoc, phoneNumber: '+31201234567' }, 'webex_calling');
      expectError(refused, 'PHONE_NUMBER_IN_USE');
      expect((refused as { message: string }).message).toContain('+31201234567');
      await add('c@example.com', { location: otherLoc, phoneNumber: '+31207654321' }, 'webex_calling');
      expectError(await modify(await must('c@example.com'), { phoneNumber: '+31201234567' }), 'PHONE_NUMBER_IN_USE');
      expect((await must('c@example.com')).phoneNumber).toBe('+31207654321');
    });

    it('refuses a location or site the customer does not have', async () => {
      const noLocation = await add('a@example.com', { location: 'Atlantis', extension: '2001' }, 'webex_calling');
      expectError(noLocation, 'LOCATION_NOT_FOUND');
      expect((noLocation as { message: string }).message).toContain('Atlantis');
      const noSite = await add('a@example.com', { preferredSite: 'nowhere.webex.com' });
      expectError(noSite, 'SITE_NOT_FOUND');
      expect((noSite as { message: string }).message).toContain('nowhere.webex.com');
      expect(await find('a@example.com')).toBeUndefined();

      await add('b@example.com', { location: loc, extension: '2002' }, 'webex_calling');
      const b = await must('b@example.com');
      expectError(await modify(b, { location: 'Atlantis' }), 'LOCATION_NOT_FOUND');
      expectError(await modify(b, { preferredSite: 'nowhere.webex.com' }), 'SITE_NOT_FOUND');
      expect(await must('b@example.com')).toEqual(b);
    });

    it("protects the customer's full admin from removal and package changes, not from renaming", async () => {
      const admin = await must(f.adminEmail);
      expect(admin.isFullAdmin).toBe(true);
      expectError(await remove(admin), 'FULL_ADMIN_PROTECTED');
      const other = admin.package === 'webex_meetings' ? 'webex_voice' : 'webex_meetings';
      expectError(await modify(admin, {}, other), 'FULL_ADMIN_PROTECTED');
      expect(await must(f.adminEmail)).toEqual(admin);

      expect(await modify(admin, { firstName: 'Chief', lastName: 'Admin' })).toMatchObject({ status: 'ok' });
      expect(await must(f.adminEmail)).toEqual({ ...admin, firstName: 'Chief', lastName: 'Admin' });
    });

    it('looks users up in batches, leaving absent ones out of the map', async () => {
      const emails = Array.from({ length: 150 }, (_, i) => `bulk${String(i).padStart(3, '0')}@example.com`);
      const ops: Operation[] = emails.map((email) => ({ kind: 'add', customerId: f.customerId, email, package: 'webex_meetings', attributes: { firstName: email.slice(0, 7) } }));
      const results = backend.applyMany ? await backend.applyMany(ops) : await Promise.all(ops.map((op) => backend.apply(op)));
      expect(results.every((r) => r.status === 'ok')).toBe(true);

      const absent = ['absent1@example.com', 'absent2@example.com'];
      const first = await backend.findUsers(f.customerId, [...emails.slice(0, 99), absent[0]!]);
      const second = await backend.findUsers(f.customerId, [...emails.slice(99), absent[1]!]);
      expect(first.size).toBe(99);
      expect(second.size).toBe(51);
      expect([...first.keys(), ...second.keys()].sort()).toEqual(emails);
      expect(first.has(absent[0]!) || second.has(absent[1]!)).toBe(false);
      expect(second.get('bulk149@example.com')).toMatchObject({ firstName: 'bulk149', package: 'webex_meetings' });
      expect((await backend.findUsers(f.customerId, [])).size).toBe(0);
    });

    it('applies a batch with one result per operation; a refused one does not undo the others', async (ctx) => {
      if (!backend.applyMany) ctx.skip();
      const op = (email: string, extension: string): Operation => ({
        kind: 'add', customerId: f.customerId, email, package: 'webex_calling', attributes: { location: loc, extension },
      });
      const results = await backend.applyMany!([op('one@example.com', '3001'), op('two@example.com', '3001'), op('three@example.com', '3003')]);
      expect(results.map((r) => r.status)).toEqual(['ok', 'error', 'ok']);
      expect(results[1]).toMatchObject({ code: 'EXTENSION_IN_USE' });
      const found = await backend.findUsers(f.customerId, ['one@example.com', 'two@example.com', 'three@example.com']);
      expect([...found.keys()].sort()).toEqual(['one@example.com', 'three@example.com']);
    });

    it('lists every user of the customer in e-mail order', async () => {
      for (const email of ['zed@example.com', 'amy@example.com', 'mia@example.com']) await add(email);
      const listed: DirectoryUser[] = [];
      await backend.listUsers(f.customerId, (user) => listed.push(user));
      const emails = listed.map((u) => u.email);
      expect(emails).toEqual([...emails].sort());
      expect(new Set(emails)).toEqual(new Set([f.adminEmail, 'amy@example.com', 'mia@example.com', 'zed@example.com']));
      expect(listed.find((u) => u.email === 'mia@example.com')).toMatchObject({ package: 'webex_meetings', isFullAdmin: false });
    });
  });
}

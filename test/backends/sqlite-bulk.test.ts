import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteBackend, type SqliteBackend } from '../../src/backends/sqlite/backend.js';
import { addLocation, addSite, createCustomer } from '../../src/backends/sqlite/directory.js';
import { DIRECTORY_SCHEMA_VERSION, migrateDirectory } from '../../src/backends/sqlite/schema.js';
import { openDb, type Db } from '../../src/db/open.js';
import type { Operation, UserAttributes } from '../../src/domain/user.js';
import { tempDir } from '../helpers/cli.js';

/**
 * The directory's bulk path (applyMany: a window's adds in one INSERT, one audit row per window)
 * keeps every rule of the directory: each case puts one bad change among good ones, and checks
 * that exactly that one is refused, with the code a single change gets, and the others land.
 */

let dir: string;
let path: string;
let db: Db;
let backend: SqliteBackend;
const customerId = 'acme';

beforeEach(() => {
  dir = tempDir('bulkhub-bulk-');
  path = join(dir, 'directory.db');
  db = openDb(path, { durability: 'normal' });
  migrateDirectory(db);
  createCustomer(db, { id: customerId, name: 'Acme BV', adminEmail: 'admin@acme.example', package: 'webex_suite' });
  createCustomer(db, { id: 'beta', name: 'Beta BV', adminEmail: 'admin@beta.example', package: 'webex_suite' });
  addLocation(db, { customerId, name: 'Amsterdam HQ', country: 'NL' });
  addLocation(db, { customerId, name: 'Utrecht', country: 'NL' });
  addLocation(db, { customerId: 'beta', name: 'Berlin', country: 'DE' });
  addSite(db, { customerId, url: 'acme.webex.com' });
  backend = createSqliteBackend(db, { runId: 'run-1' });
});
afterEach(() => {
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

const add = (n: number, attributes: UserAttributes = {}, email = `user${n}@acme.example`, customer = customerId): Operation => ({
  kind: 'add',
  customerId: customer,
  email,
  package: 'webex_calling',
  attributes: { location: 'Amsterdam HQ', extension: String(1000 + n), phoneNumber: `+3120${String(n).padStart(7, '0')}`, preferredSite: 'acme.webex.com', ...attributes },
});
/** Twenty good adds, and `bad` in the middle of them. */
const windowWith = (bad: Operation): Operation[] => [...Array.from({ length: 10 }, (_, n) => add(n)), bad, ...Array.from({ length: 10 }, (_, n) => add(n + 10))];
const userCount = (): number => db.prepare('SELECT count(*) FROM users WHERE customer_id = ?').pluck().get(customerId) as number;
const windowAudit = (): Array<{ email: string; op: string; details: string; run_id: string; window_id: number | null; id: number | null }> =>
  db.prepare("SELECT * FROM audit WHERE window_id IS NOT NULL ORDER BY window_id").all() as never;

describe('the bulk path refuses exactly the change a single change would be refused for', () => {
  const cases: Array<[string, () => Operation, string, RegExp]> = [
    ['a phone number another user of the window has', () => add(99, { phoneNumber: '+31200000003' }), 'PHONE_NUMBER_IN_USE', /\+31200000003 is already used by another user \(user3@acme\.example\)/],
    ['an extension another user of the window has in its location', () => add(99, { extension: '1004', location: 'amsterdam hq' }), 'EXTENSION_IN_USE', /Extension 1004 .*\(user4@acme\.example\) in location "amsterdam hq"/],
    ['a location the customer does not have', () => add(99, { location: 'Atlantis' }), 'LOCATION_NOT_FOUND', /Location "Atlantis" does not exist in customer acme/],
    ["another customer's location", () => add(99, { location: 'Berlin' }), 'LOCATION_NOT_FOUND', /Location "Berlin" does not exist in customer acme/],
    ['a site the customer does not have', () => add(99, { preferredSite: 'other.webex.com' }), 'SITE_NOT_FOUND', /other\.webex\.com" does not exist in customer acme/],
    ['an e-mail that is a user of another customer', () => add(99, {}, 'admin@beta.example'), 'USER_IN_OTHER_CUSTOMER', /admin@beta\.example is already a user of customer beta/],
    ['an e-mail another add of the window has, in other case', () => add(99, {}, 'USER5@acme.example'), 'USER_EXISTS', /user5@acme\.example already exists/],
    ['an e-mail of an existing user', () => add(99, {}, 'admin@acme.example'), 'USER_EXISTS', /admin@acme\.example already exists/],
  ];
  for (const [what, bad, code, message] of cases) {
    it(`an add with ${what}`, async () => {
      const ops = windowWith(bad());
      const results = await backend.applyMany!(ops);
      expect(results[10]).toMatchObject({ status: 'error', code });
      expect(results[10]!.status === 'error' && results[10]!.message).toMatch(message);
      expect(results.filter((r) => r.status === 'ok')).toHaveLength(20);
      expect(userCount()).toBe(21); // the admin and the twenty
      // One audit row for the window, naming the twenty in window order and not the refused one.
      expect(db.prepare('SELECT count(*) FROM audit_windows').pluck().get()).toBe(1);
      expect(windowAudit().map((r) => r.email)).toEqual([...Array.from({ length: 10 }, (_, n) => `user${n}@acme.example`), ...Array.from({ length: 10 }, (_, n) => `user${n + 10}@acme.example`)]);
    });
  }

  it('a number held by a user already stored, and the full admin in a window of adds', async () => {
    await backend.applyMany!([add(1)]);
    const admin = (await backend.findUsers(customerId, ['admin@acme.example'])).get('admin@acme.example')!;
    const ops: Operation[] = [
      add(2),
      add(3, { phoneNumber: '+31200000001' }),
      { kind: 'remove', customerId, email: admin.email, id: admin.id },
      { kind: 'modify', customerId, email: admin.email, id: admin.id, package: 'webex_meetings', changes: {} },
      add(4),
    ];
    const results = await backend.applyMany!(ops);
    expect(results.map((r) => (r.status === 'ok' ? 'ok' : r.code))).toEqual(['ok', 'PHONE_NUMBER_IN_USE', 'FULL_ADMIN_PROTECTED', 'FULL_ADMIN_PROTECTED', 'ok']);
    expect((await backend.findUsers(customerId, ['admin@acme.example'])).get('admin@acme.example')).toMatchObject({ package: 'webex_suite', isFullAdmin: true });
    expect(userCount()).toBe(4);
  });

  it('keeps a location and a site in use by users it added', async () => {
    await backend.applyMany!(Array.from({ length: 50 }, (_, n) => add(n)));
    expect(() => db.prepare("DELETE FROM locations WHERE name = 'Amsterdam HQ'").run()).toThrow(/LOCATION_IN_USE/);
    expect(() => db.prepare("DELETE FROM sites WHERE url = 'acme.webex.com'").run()).toThrow(/SITE_IN_USE/);
    db.prepare("DELETE FROM locations WHERE name = 'Utrecht'").run();
  });
});

describe('the bulk path as a whole', () => {
  it('adds every user of a large window with its own id and every attribute as given', async () => {
    const ops = Array.from({ length: 1500 }, (_, n) => add(n, { jabberCalling: n % 2 === 0, jabberTeams: false, firstName: n % 3 === 0 ? undefined : `Ann ${n}` }));
    const results = await backend.applyMany!(ops);
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    const found = await backend.findUsers(customerId, ops.map((op) => op.email.toUpperCase()));
    expect(found.size).toBe(1500);
    ops.forEach((op, i) => {
      const user = found.get(op.email)!;
      expect(results[i]).toEqual({ status: 'ok', id: user.id });
      expect(user).toEqual({ id: user.id, email: op.email, package: 'webex_calling', isFullAdmin: false, ...(op.kind === 'add' ? JSON.parse(JSON.stringify(op.attributes)) : {}) });
    });
    // The audit says per user what was added, named as a change made alone says it: false kept, absent left out.
    const details = new Map(windowAudit().map((r) => [r.email, JSON.parse(r.details)]));
    expect(details.size).toBe(1500);
    expect(details.get('user3@acme.example')).toEqual({
      package: 'webex_calling',
      attributes: { lastName: undefined, extension: '1003', phoneNumber: '+31200000003', location: 'Amsterdam HQ', preferredSite: 'acme.webex.com', jabberCalling: false, jabberTeams: false },
    });
    expect(Object.keys(details.get('user4@acme.example').attributes)).toEqual(['firstName', 'extension', 'phoneNumber', 'location', 'preferredSite', 'jabberCalling', 'jabberTeams']);
    await backend.apply(add(5000, { jabberCalling: false }));
    const alone = db.prepare("SELECT details FROM audit WHERE email = 'user5000@acme.example'").pluck().get() as string;
    expect(JSON.parse(alone)).toEqual(JSON.parse(JSON.stringify({ package: 'webex_calling', attributes: add(5000, { jabberCalling: false }).kind === 'add' ? (add(5000, { jabberCalling: false }) as { attributes: object }).attributes : {} })));
  });

  it('applies modifies and removes of the window and audits them, with the run id, in one row', async () => {
    const [first, second] = await backend.applyMany!([add(1), add(2)]);
    const id1 = first!.status === 'ok' ? first!.id! : '';
    const id2 = second!.status === 'ok' ? second!.id! : '';
    backend.auditRunId = 'run-2';
    const results = await backend.applyMany!([
      { kind: 'modify', customerId, email: 'user1@acme.example', id: id1, package: 'webex_suite', changes: { firstName: 'Ann' } },
      add(3),
      { kind: 'remove', customerId, email: 'user2@acme.example', id: id2 },
      { kind: 'remove', customerId, email: 'gone@acme.example', id: '999999' },
    ]);
    expect(results.map((r) => (r.status === 'ok' ? 'ok' : r.code))).toEqual(['ok', 'ok', 'ok', 'USER_NOT_FOUND']);
    const second2 = windowAudit().filter((r) => r.run_id === 'run-2');
    expect(second2.map((r) => [r.email, r.op])).toEqual([['user1@acme.example', 'modify'], ['user3@acme.example', 'add'], ['user2@acme.example', 'remove']]);
    expect(JSON.parse(second2[0]!.details)).toEqual({ id: id1, package: { from: 'webex_calling', to: 'webex_suite' }, changes: { firstName: 'Ann' } });
    expect(JSON.parse(second2[2]!.details)).toMatchObject({ id: id2, removed: { email: 'user2@acme.example', extension: '1002' } });
    expect(new Set(second2.map((r) => r.window_id)).size).toBe(1);
    expect(second2.every((r) => r.id === null)).toBe(true);
  });

  it('leaves nothing half-applied when the window cannot be written as a whole', async () => {
    // The audit row fails (as a full disk would): neither the users nor any audit of them stay.
    db.exec("CREATE TEMP TRIGGER audit_fails BEFORE INSERT ON audit_windows BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END");
    const results = await backend.applyMany!(Array.from({ length: 30 }, (_, n) => add(n)));
    expect(results.every((r) => r.status === 'error' && r.code === 'BACKEND_ERROR')).toBe(true);
    expect(userCount()).toBe(1);
    expect(db.prepare('SELECT count(*) FROM audit_windows').pluck().get()).toBe(0);
  });

  it('leaves nothing half-applied when a window with a refused change fails as a whole', async () => {
    db.exec("CREATE TEMP TRIGGER audit_fails BEFORE INSERT ON audit_windows BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END");
    const results = await backend.applyMany!(windowWith(add(99, { location: 'Atlantis' })));
    expect(results.every((r) => r.status === 'error')).toBe(true);
    expect(userCount()).toBe(1);
  });
});

describe('directory schema 4', () => {
  /** Turns a current file back into schema 3: one `audit` table, no windows. */
  const downgradeToV3 = (): void => {
    db.exec(`DROP VIEW audit; DROP TABLE audit_windows; ALTER TABLE audit_entries RENAME TO audit;
      DELETE FROM directory_schema; INSERT INTO directory_schema (version) VALUES (3);`);
  };

  it('upgrades a file of schema 3: its audit rows stay readable in `audit`, and the bulk path works on it', async () => {
    await backend.apply(add(1));
    db.close();
    db = openDb(path);
    downgradeToV3();
    expect(db.prepare("SELECT type FROM sqlite_schema WHERE name = 'audit'").pluck().get()).toBe('table');
    db.close();

    db = openDb(path);
    backend = createSqliteBackend(db, { runId: 'run-9' });
    expect(db.prepare('SELECT version FROM directory_schema').pluck().get()).toBe(DIRECTORY_SCHEMA_VERSION);
    expect(DIRECTORY_SCHEMA_VERSION).toBe(4);
    expect(await backend.applyMany!([add(2), add(3, { location: 'Atlantis' })])).toMatchObject([{ status: 'ok' }, { status: 'error', code: 'LOCATION_NOT_FOUND' }]);
    const audit = db.prepare("SELECT email, op, run_id, window_id IS NOT NULL AS windowed FROM audit WHERE customer_id = 'acme' ORDER BY at, id").all();
    expect(audit).toEqual([
      { email: 'admin@acme.example', op: 'add', run_id: null, windowed: 0 },
      { email: 'user1@acme.example', op: 'add', run_id: 'run-1', windowed: 0 },
      { email: 'user2@acme.example', op: 'add', run_id: 'run-9', windowed: 1 },
    ]);
  });

  it('keeps the audit of a window a JSON array the database checks', () => {
    expect(() => db.prepare("INSERT INTO audit_windows (customer_id, changes) VALUES ('acme', '{\"not\": \"a list\"}')").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO audit_windows (customer_id, changes) VALUES ('acme', '[1,')").run()).toThrow(/CHECK/);
  });
});

import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateDirectory } from '../../src/backends/sqlite/schema.js';
import { openDb } from '../../src/db/open.js';
import { migrateJournal } from '../../src/journal/schema.js';
import { runCli } from '../helpers/cli.js';
import { acmeDirectory, HEADER, meetingsUser, removalOf, userLine } from '../helpers/directory.js';
import { partnerAndOrder, world, type World } from '../helpers/provisioning.js';

type Acme = ReturnType<typeof acmeDirectory>;
let acme: Acme;
beforeEach(() => (acme = acmeDirectory()));
const bulkhub = (...args: string[]) => runCli([...args, '--db', acme.db]);
const importUsers = async (lines: string[]) => {
  const result = await bulkhub('users', 'import', acme.write('u.csv', [HEADER, ...lines].join('\n')), '--customer', 'acme', '--out', join(acme.dir, `out-${Math.random()}`));
  expect(result.code, result.stderr).toBe(0);
};
const inUtrecht = (n: number) => userLine({
  email: `cal${n}@acme.nl`, extension: `10${n}`, location: 'Utrecht', preferredSite: 'acme.webex.com', jabberCalling: 'FALSE', jabberTeams: 'FALSE',
  webex_calling: 'TRUE', webex_calling_standard: 'FALSE', webex_suite: 'FALSE', webex_voice: 'FALSE', webex_meetings: 'FALSE',
});

async function refused(args: string[], code: string): Promise<string> {
  const result = await bulkhub(...args);
  expect(result.code, args.join(' ')).toBe(2);
  expect(result.said, args.join(' ')).toContain(`${code}: `);
  return result.said;
}

describe('locations rename and remove', () => {
  it('renames a typo, and the import finds the location by its new name', async () => {
    const ok = await bulkhub('locations', 'rename', '--customer', 'acme', '--name', 'utrecht', '--to', 'Utrecht Centrum', '--json');
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ customerId: 'acme', name: 'Utrecht Centrum' });
    expect(JSON.parse((await bulkhub('locations', 'list', '--customer', 'acme', '--json')).stdout).map((l: { name: string }) => l.name)).toEqual(['Amsterdam HQ', 'Utrecht Centrum']);
    await importUsers([inUtrecht(1).replace('Utrecht', 'Utrecht Centrum')]);
  });

  it('is refused while users are in it, naming how many and who; removal works once they are gone', async () => {
    await importUsers([inUtrecht(1), inUtrecht(2), inUtrecht(3), inUtrecht(4)]);
    const rename = await refused(['locations', 'rename', '--customer', 'acme', '--name', 'Utrecht', '--to', 'Utrecht 2'], 'LOCATION_IN_USE');
    expect(rename).toContain('Location "Utrecht" of customer acme cannot be renamed: 4 users (cal1@acme.nl, cal2@acme.nl, cal3@acme.nl, ...) are in it.');
    expect(await refused(['locations', 'remove', '--customer', 'acme', '--name', 'utrecht'], 'LOCATION_IN_USE')).toContain('cannot be removed');
    await importUsers([1, 2, 3, 4].map((n) => removalOf(`cal${n}@acme.nl`)));
    const removed = await bulkhub('locations', 'remove', '--customer', 'acme', '--name', 'utrecht');
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toBe('Removed location "Utrecht" from customer acme.\n');
  });

  it('refuses an unknown location (listing the known ones), a taken name, an unknown customer', async () => {
    expect(await refused(['locations', 'remove', '--customer', 'acme', '--name', 'Leiden'], 'LOCATION_NOT_FOUND')).toContain('Customer acme has no location "Leiden" (it has "Amsterdam HQ", "Utrecht")');
    expect(await refused(['locations', 'rename', '--customer', 'acme', '--name', 'Utrecht', '--to', 'amsterdam hq'], 'BAD_ARGUMENTS')).toContain('Location "Amsterdam HQ" already exists');
    await refused(['locations', 'rename', '--customer', 'nope', '--name', 'Utrecht', '--to', 'X'], 'CUSTOMER_NOT_FOUND');
    // A change of case alone is a rename.
    expect((await bulkhub('locations', 'rename', '--customer', 'acme', '--name', 'Utrecht', '--to', 'UTRECHT')).code).toBe(0);
  });
});

describe('sites rename and remove', () => {
  it('renames a typo; refused while it is a preferred site; removed once it is not', async () => {
    const typo = await bulkhub('sites', 'add', '--customer', 'acme', '--url', 'acme.webx.com');
    expect(typo.code).toBe(0);
    const renamed = await bulkhub('sites', 'rename', '--customer', 'acme', '--url', 'https://acme.webx.com/', '--to', 'acme-events.webex.com');
    expect(renamed.stdout).toBe('Renamed site https://acme.webx.com/ of customer acme to acme-events.webex.com.\n');
    expect((await bulkhub('sites', 'list', '--customer', 'acme')).stdout).toBe('acme-events.webex.com\nacme.webex.com\n');
    await importUsers([meetingsUser(1), meetingsUser(2)]);
    expect(await refused(['sites', 'remove', '--customer', 'acme', '--url', 'acme.webex.com'], 'SITE_IN_USE'))
      .toContain('Meetings site acme.webex.com of customer acme cannot be removed: it is the Preferred Webex Site of 2 users (user1@acme.nl, user2@acme.nl).');
    await refused(['sites', 'rename', '--customer', 'acme', '--url', 'acme.webex.com', '--to', 'x.webex.com'], 'SITE_IN_USE');
    await refused(['sites', 'rename', '--customer', 'acme', '--url', 'acme-events.webex.com', '--to', 'acme.webex.com'], 'BAD_ARGUMENTS');
    await refused(['sites', 'remove', '--customer', 'acme', '--url', 'nope.webex.com'], 'SITE_NOT_FOUND');
    expect((await bulkhub('sites', 'remove', '--customer', 'acme', '--url', 'acme-events.webex.com')).code).toBe(0);
  });
});

describe('customers delete', () => {
  it('is refused while the customer has users besides its full admin, or is being imported; then deletes what is its own', async () => {
    await importUsers([meetingsUser(1)]);
    const message = await refused(['customers', 'delete', 'acme'], 'CUSTOMER_IN_USE');
    expect(message).toContain('Customer acme (Acme BV) cannot be deleted: it has 1 user besides its full admin (user1@acme.nl).');
    await importUsers([removalOf('user1@acme.nl')]);

    // An import running right now (its lock held by a live process) holds the customer too.
    const conn = openDb(acme.db);
    migrateJournal(conn);
    const now = new Date().toISOString();
    conn.prepare("INSERT INTO journal_locks (customer_id, backend, owner, run_id, pid, host, acquired_at, heartbeat_at) VALUES ('acme', 'sqlite', 'x', 'run-now', ?, ?, ?, ?)").run(process.pid, hostname(), now, now);
    conn.close();
    expect(await refused(['customers', 'delete', 'acme'], 'CUSTOMER_IN_USE')).toContain('run run-now is importing into it right now');
    const c2 = openDb(acme.db);
    c2.prepare('DELETE FROM journal_locks').run();
    c2.close();

    const deleted = await bulkhub('customers', 'delete', 'acme');
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toBe('Deleted customer acme (Acme BV) with its full admin, 2 locations and 1 site.\n');
    await refused(['customers', 'show', 'acme'], 'CUSTOMER_NOT_FOUND');
    const db = openDb(acme.db);
    expect(db.prepare("SELECT count(*) FROM users WHERE customer_id = 'acme'").pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM locations').pluck().get()).toBe(0);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
    // The id is free again; the runs stay in the journal as history.
    expect((await bulkhub('customers', 'create', '--id', 'acme', '--name', 'Acme 2', '--admin-email', 'admin@acme.nl', '--package', 'webex_suite')).code).toBe(0);
    expect(JSON.parse((await bulkhub('runs', 'list', '--json')).stdout)).toHaveLength(2);
  });

  it('the full admin stays protected while its customer exists (also in a file made by the previous schema)', async () => {
    const db = new Database(acme.db);
    db.exec("DELETE FROM directory_schema; INSERT INTO directory_schema (version) VALUES (1)");
    db.close();
    const conn = openDb(acme.db);
    migrateDirectory(conn);
    expect(conn.prepare('SELECT version FROM directory_schema').pluck().get()).toBe(4);
    expect(() => conn.prepare("DELETE FROM users WHERE email = 'admin@acme.nl'").run()).toThrow(/FULL_ADMIN_PROTECTED/);
    conn.close();
  });
});

describe('templates delete, and a customer made from a template', () => {
  let w: World;
  beforeEach(() => (w = world()));
  afterEach(() => w.cleanup());

  it('a template is refused while customers were created from it; deleting the customer keeps its organisation', async () => {
    w.seed((db) => partnerAndOrder(db));
    const pid = await w.id('templates', 'create', '--name', 'Voxa SE', '--subscription', 'Sub100', '--country', 'SE', '--language', 'sv', '--auth', 'webex');
    const customer = await w.json('customers', 'create', '--name', 'Delta AB', '--admin-email', 'it@delta.se', '--package', 'webex_suite', '--template', pid,
      '--hq-name', 'Göteborg HQ', '--hq-country', 'SE', '--supported-location');
    const inUse = await w.bulkhub('templates', 'delete', pid);
    expect(inUse.code).toBe(2);
    expect(inUse.said).toContain(`TEMPLATE_IN_USE: Template ${pid} (Voxa SE) cannot be deleted: 1 customer was created from it (${customer.id}).`);
    const deleted = await w.json('customers', 'delete', customer.id);
    expect(deleted).toMatchObject({ id: customer.id, locations: 1, organisation: customer.orgId });
    expect((await w.json('orgs', 'show', customer.orgId)).id).toBe(customer.orgId);
    expect(await w.json('templates', 'delete', pid)).toEqual({ provisioningId: pid, name: 'Voxa SE' });
    expect((await w.bulkhub('templates', 'show', pid)).code).toBe(2);
  });
});

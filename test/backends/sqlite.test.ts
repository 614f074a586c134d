import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteBackend } from '../../src/backends/sqlite/backend.js';
import { addLocation, addSite, createCustomer } from '../../src/backends/sqlite/directory.js';
import { migrateDirectory } from '../../src/backends/sqlite/schema.js';
import { openDb, type Db } from '../../src/db/open.js';
import type { Operation } from '../../src/domain/user.js';
import { tempDir } from '../helpers/cli.js';
import { describeBackendContract } from './contract.js';

/** A fresh directory FILE (not :memory:) so WAL, triggers and reopening behave as in production. */
function freshDirectory(): { db: Db; dir: string; path: string; customerId: string } {
  const dir = tempDir('bulkhub-sqlite-');
  const path = join(dir, 'directory.db');
  const db = openDb(path, { durability: 'normal' });
  migrateDirectory(db);
  const customerId = createCustomer(db, { name: 'Acme BV', adminEmail: 'admin@acme.example', package: 'Webex Suite' });
  addLocation(db, { customerId, name: 'Amsterdam HQ', country: 'nl', city: 'Amsterdam' });
  addLocation(db, { customerId, name: 'Rotterdam Branch', country: 'NL' });
  addSite(db, { customerId, url: 'https://acme.webex.com/' });
  return { db, dir, path, customerId };
}

describeBackendContract('sqlite', async () => {
  const { db, dir, customerId } = freshDirectory();
  return {
    backend: createSqliteBackend(db),
    customerId,
    locations: ['Amsterdam HQ', 'Rotterdam Branch'],
    site: 'acme.webex.com',
    adminEmail: 'admin@acme.example',
    async cleanup() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('sqlite backend specifics', () => {
  const addOp = (customerId: string, email: string, extension: string): Operation => ({
    kind: 'add',
    customerId,
    email,
    package: 'webex_calling',
    attributes: { location: 'Amsterdam HQ', extension },
  });
  const auditRows = (db: Db): { email: string; op: string; run_id: string | null; details: string }[] =>
    db.prepare("SELECT email, op, run_id, details FROM audit WHERE op <> 'add' OR json_extract(details, '$.fullAdmin') IS NULL ORDER BY id").all() as never;

  it('writes one audit row per applied change, with the run id, and none for a refused one', async () => {
    const { db, dir, customerId } = freshDirectory();
    const backend = createSqliteBackend(db, { runId: 'run-1' });
    const added = await backend.apply(addOp(customerId, 'a@example.com', '1001'));
    expect(await backend.apply(addOp(customerId, 'b@example.com', '1001'))).toMatchObject({ status: 'error' });
    backend.auditRunId = 'run-2';
    const id = added.status === 'ok' ? added.id! : '';
    await backend.apply({ kind: 'modify', customerId, email: 'a@example.com', id, changes: { firstName: 'Ann' } });
    await backend.apply({ kind: 'remove', customerId, email: 'a@example.com', id });

    const rows = auditRows(db);
    expect(rows.map((r) => [r.email, r.op, r.run_id])).toEqual([
      ['a@example.com', 'add', 'run-1'],
      ['a@example.com', 'modify', 'run-2'],
      ['a@example.com', 'remove', 'run-2'],
    ]);
    expect(JSON.parse(rows[1]!.details)).toMatchObject({ changes: { firstName: 'Ann' } });
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("joins the caller's transaction: a rollback there undoes the batch and its audit rows", async () => {
    const { db, dir, customerId } = freshDirectory();
    const backend = createSqliteBackend(db);
    const outer = db.transaction(() => {
      // applyMany does its work before returning its promise, so it can run inside this function.
      void backend.applyMany!([addOp(customerId, 'x@example.com', '4001')]);
      throw new Error('journal write failed');
    });
    expect(() => outer()).toThrow('journal write failed');
    expect((await backend.findUsers(customerId, ['x@example.com'])).size).toBe(0);
    expect(auditRows(db)).toEqual([]);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps applied changes across a reopen of the file, and its close() leaves the db open', async () => {
    const { db, dir, path, customerId } = freshDirectory();
    const backend = createSqliteBackend(db);
    await backend.apply(addOp(customerId, 'kept@example.com', '5001'));
    await backend.close();
    expect(db.open).toBe(true);
    db.close();

    const again = openDb(path);
    const user = (await createSqliteBackend(again).findUsers(customerId, ['kept@example.com'])).get('kept@example.com');
    expect(user).toMatchObject({ extension: '5001', location: 'Amsterdam HQ', package: 'webex_calling' });
    again.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('words an extension conflict with the value, the location and who holds it', async () => {
    const { db, dir, customerId } = freshDirectory();
    const backend = createSqliteBackend(db);
    await backend.apply(addOp(customerId, 'holder@example.com', '1001'));
    const refused = await backend.apply(addOp(customerId, 'late@example.com', '1001'));
    expect(refused).toEqual({
      status: 'error',
      code: 'EXTENSION_IN_USE',
      message: 'Extension 1001 is already used by another user (holder@example.com) in location "Amsterdam HQ".',
    });
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

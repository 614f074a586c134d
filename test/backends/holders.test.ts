import { describe, expect, it } from 'vitest';
import { createSqliteBackend } from '../../src/backends/sqlite/backend.js';
import { addLocation, createCustomer } from '../../src/backends/sqlite/directory.js';
import { migrateDirectory } from '../../src/backends/sqlite/schema.js';
import { openDb } from '../../src/db/open.js';

describe('the directory tells who holds numbers and e-mails', () => {
  it('holders: phone numbers in E.164, extensions by location without case; otherCustomers: the customer, named', async () => {
    const db = openDb(':memory:');
    migrateDirectory(db);
    createCustomer(db, { id: 'acme', name: 'Acme BV', adminEmail: 'admin@acme.nl', package: 'webex_suite' });
    createCustomer(db, { id: 'beta', name: 'Beta BV', adminEmail: 'admin@beta.nl', package: 'webex_suite' });
    addLocation(db, { customerId: 'acme', name: 'Amsterdam HQ', country: 'NL' });
    const backend = createSqliteBackend(db);
    const add = (customerId: string, email: string, extension: string, phoneNumber: string) =>
      backend.apply({ kind: 'add', customerId, email, package: 'webex_calling', attributes: { extension, phoneNumber, location: customerId === 'acme' ? 'Amsterdam HQ' : undefined } });
    expect(await add('acme', 'anna@acme.nl', '0101', '+31201110101')).toMatchObject({ status: 'ok' });
    expect(await add('beta', 'piet@beta.nl', '0102', '+31201110102')).toMatchObject({ status: 'ok' });

    const held = await backend.holders!('acme', {
      phoneNumbers: ['+31201110101', '+31201110102', '+31201110109'],
      extensions: [{ location: 'amsterdam hq', extension: '0101' }, { location: 'Amsterdam HQ', extension: '0102' }, { location: 'Utrecht', extension: '0101' }],
    });
    expect([...held.phoneNumbers]).toEqual([['+31201110101', 'anna@acme.nl']]);
    expect([...held.extensions]).toEqual([['amsterdam hq|0101', 'anna@acme.nl']]);

    expect([...(await backend.otherCustomers!('acme', ['piet@beta.nl', 'anna@acme.nl', 'nobody@x.nl']))]).toEqual([['piet@beta.nl', '"Beta BV" (beta)']]);
    // The directory itself refuses a second customer for one e-mail.
    expect(await add('acme', 'piet@beta.nl', '0103', '+31201110103')).toMatchObject({ status: 'error', code: 'USER_IN_OTHER_CUSTOMER' });
    db.close();
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCustomer } from '../../src/backends/sqlite/directory.js';
import { mapSubscription } from '../../src/provisioning/mapping.js';
import { addSubscription } from '../../src/provisioning/subscriptions.js';
import { readPdf } from '../helpers/pdf.js';
import { customerOrg, partnerAndOrder, world, type World } from '../helpers/provisioning.js';

let w: World;
beforeEach(() => (w = world()));
afterEach(() => w.cleanup());

/** Voxa's order Sub100 (50 Meetings, 40 Calling licences) mapped to a new customer organisation, Delta AB. */
function mappedOrder(): void {
  w.seed((db) => {
    partnerAndOrder(db);
    mapSubscription(db, {
      subscriptionId: 'Sub100', for: 'customer', customerEmail: 'it@delta.se',
      createCustomerOrg: { name: 'Delta AB', vertical: 'Retail', country: 'SE' },
    });
  });
}

const refused = async (args: string[], code: string, message: RegExp | string): Promise<void> => {
  const result = await w.bulkhub(...args);
  expect(result.code, args.join(' ')).toBe(2);
  expect(result.stdout, args.join(' ')).toBe('');
  expect(result.said, args.join(' ')).toContain(`bulkhub: ${code}: `);
  if (typeof message === 'string') expect(result.said, args.join(' ')).toContain(message);
  else expect(result.said, args.join(' ')).toMatch(message);
};

describe('bulkhub services setup meetings', () => {
  it('one site gets every licence and is stored as NAME.webex.com, with the time zone and early release', async () => {
    mappedOrder();
    const result = await w.bulkhub('services', 'setup', 'meetings', 'Sub100', '--site', 'Delta', '--timezone', 'europe/stockholm', '--early-release');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Webex Meetings of Sub100 is provisioned.\n  Time zone Europe/Stockholm, early release schedule\n  delta.webex.com  50 licences');
    const sub = await w.json('subscriptions', 'show', 'Sub100');
    expect(sub.meetings).toEqual({ status: 'provisioned', timezone: 'Europe/Stockholm', earlyRelease: true, sites: [{ url: 'delta.webex.com', licences: 50 }] });
    expect(sub.state).toBe('mapped'); // Calling is still to do
    await refused(['services', 'setup', 'meetings', 'Sub100', '--site', 'other', '--timezone', 'UTC'], 'SUBSCRIPTION_STATE', 'Webex Meetings of subscription Sub100 is already provisioned');
  });

  it('several sites must add up to exactly the order\'s Meetings licences; the error says by how much they miss', async () => {
    mappedOrder();
    const setup = (...sites: string[]) => ['services', 'setup', 'meetings', 'Sub100', ...sites.flatMap((s) => ['--site', s]), '--timezone', 'Europe/Stockholm'];
    await refused(setup('delta=30', 'delta-events=15'), 'LICENCES_DO_NOT_ADD_UP',
      "The sites' licences add up to 45 (delta.webex.com=30, delta-events.webex.com=15), but subscription Sub100 has 50 Meetings licences: 5 short. Distribute exactly 50.");
    await refused(setup('delta=30', 'delta-events=30'), 'LICENCES_DO_NOT_ADD_UP', '10 too many');
    await refused(setup('delta=30', 'delta-events'), 'BAD_ARGUMENTS', 'give each its share of the 50 Meetings licences (--site NAME=LICENCES); missing for delta-events.webex.com');
    await refused(setup('delta=25', 'DELTA=25'), 'BAD_ARGUMENTS', 'Site delta.webex.com is named twice');
    await refused(setup('delta_hq'), 'BAD_ARGUMENTS', 'is not a site URL name: one DNS label');
    await refused(['services', 'setup', 'meetings', 'Sub100', '--site=delta-', '--timezone', 'UTC'], 'BAD_ARGUMENTS', 'one DNS label');
    await refused(setup('delta=0'), 'BAD_ARGUMENTS', 'should have a whole number of licences above 0');
    await refused(['services', 'setup', 'meetings', 'Sub100', '--site', 'delta', '--timezone', 'Europe/Gotham'], 'BAD_ARGUMENTS', 'Time zone "Europe/Gotham" is not an IANA time zone');
    await refused(['services', 'setup', 'meetings', 'Sub100', '--site', 'delta', '--timezone', '+01:00'], 'BAD_ARGUMENTS', 'is not an IANA time zone');
    await refused(['services', 'setup', 'meetings', 'Sub100', '--timezone', 'UTC'], 'BAD_ARGUMENTS', 'Name the site');
    await refused(['services', 'setup', 'meetings', 'Sub100', '--site', 'delta'], 'BAD_ARGUMENTS', '--timezone');
    expect((await w.json('subscriptions', 'show', 'Sub100')).meetings.status).toBe('pending');

    expect((await w.bulkhub(...setup('delta=30', 'delta-events=20'))).code).toBe(0);
    expect((await w.json('subscriptions', 'show', 'Sub100')).meetings.sites).toEqual([
      { url: 'delta.webex.com', licences: 30 },
      { url: 'delta-events.webex.com', licences: 20 },
    ]);
  });

  it('a site URL is unique across orders; setup waits for the mapping; an order without Meetings has none to set up', async () => {
    mappedOrder();
    w.seed((db) => {
      addSubscription(db, { id: 'Sub200', contactEmail: 'ops@voxa.nl', meetingsLicences: 10, callingLicences: 0 });
      addSubscription(db, { id: 'Sub300', contactEmail: 'ops@voxa.nl', meetingsLicences: 0, callingLicences: 5 });
      mapSubscription(db, { subscriptionId: 'Sub300', for: 'self' });
    });
    await w.id('services', 'setup', 'meetings', 'Sub100', '--site', 'delta', '--timezone', 'UTC', '--quiet');
    await refused(['services', 'setup', 'meetings', 'Sub200', '--site', 'delta', '--timezone', 'UTC'], 'SUBSCRIPTION_STATE', 'Subscription Sub200 is pending: map it to its organisation first');
    w.seed((db) => mapSubscription(db, { subscriptionId: 'Sub200', for: 'self' }));
    await refused(['services', 'setup', 'meetings', 'Sub200', '--site', 'Delta.webex.com', '--timezone', 'UTC'], 'BAD_ARGUMENTS', 'Site delta.webex.com already exists (subscription Sub100)');
    await refused(['services', 'setup', 'meetings', 'Sub300', '--site', 'x', '--timezone', 'UTC'], 'SUBSCRIPTION_STATE', 'Subscription Sub300 has no Webex Meetings licences');
    await refused(['services', 'setup', 'meetings', 'Sub999', '--later'], 'SUBSCRIPTION_NOT_FOUND', 'Sub999');
  });

  it('sites of an order mapped to a Wholesale customer\'s organisation become sites of that customer', async () => {
    w.seed((db) => {
      partnerAndOrder(db);
      customerOrg(db, 'org-delta', 'Delta AB', { 'it@delta.se': 1 });
      createCustomer(db, { id: 'delta', name: 'Delta AB', adminEmail: 'it@delta.se', package: 'webex_suite' });
      db.prepare(`INSERT INTO customer_orgs (customer_id, org_id) VALUES ('delta', 'org-delta')`).run();
      mapSubscription(db, { subscriptionId: 'Sub100', for: 'customer', customerEmail: 'it@delta.se' });
    });
    const setup = await w.json('services', 'setup', 'meetings', 'Sub100', '--site', 'delta=20', '--site', 'delta-events=30', '--timezone', 'Europe/Stockholm');
    expect(setup.customerSites).toEqual({ customerId: 'delta', added: ['delta.webex.com', 'delta-events.webex.com'] });
    expect((await w.bulkhub('sites', 'list', '--customer', 'delta')).stdout).toBe('delta-events.webex.com\ndelta.webex.com\n');
  });
});

describe('bulkhub services setup calling', () => {
  it('records the headquarters location; names are at most 80 characters', async () => {
    mappedOrder();
    await refused(['services', 'setup', 'calling', 'Sub100', '--location-name', 'x'.repeat(81), '--country', 'SE'], 'BAD_ARGUMENTS', 'Location name is at most 80 characters');
    await refused(['services', 'setup', 'calling', 'Sub100', '--location-name', 'HQ', '--country', 'Sweden'], 'BAD_ARGUMENTS', 'Country "Sweden" is not a 2-letter');
    await refused(['services', 'setup', 'calling', 'Sub100', '--location-name', 'HQ', '--country', 'SE', '--address-line1', 'x'.repeat(51)], 'BAD_ARGUMENTS', 'Address line 1 is at most 50 characters');
    await refused(['services', 'setup', 'calling', 'Sub100', '--country', 'SE'], 'BAD_ARGUMENTS', '--location-name NAME --country CC');
    const ok = await w.bulkhub('services', 'setup', 'calling', 'Sub100', '--location-name', 'x'.repeat(80), '--country', 'se', '--city', 'Göteborg');
    expect(ok.code).toBe(0);
    expect((await w.json('subscriptions', 'show', 'Sub100')).calling).toEqual({ status: 'provisioned', location: { name: 'x'.repeat(80), country: 'SE', city: 'Göteborg' } });
  });
});

describe('set up later, and the order summary PDF', () => {
  it('--later leaves the order unprovisioned and listed as pending, until it is set up', async () => {
    mappedOrder();
    await refused(['services', 'setup', 'meetings', 'Sub100', '--later', '--site', 'delta'], 'BAD_ARGUMENTS', '--later sets the service up later; leave out --site');
    const later = await w.bulkhub('services', 'setup', 'calling', 'Sub100', '--later');
    expect(later.stdout).toContain('Webex Calling of Sub100 will be set up later; the order stays unprovisioned (set-up-later).');
    await w.id('services', 'setup', 'meetings', 'Sub100', '--site', 'delta', '--timezone', 'Europe/Stockholm', '--quiet');
    const list = await w.bulkhub('subscriptions', 'list');
    expect(list.stdout).toMatch(/Sub100\s+set-up-later\s+customer\s+org-\S+\s+50 provisioned\s+40 later/);
    expect(list.stdout).toContain('Pending:\n  Sub100: Webex Calling: set up later (bulkhub services setup calling Sub100 ...)');
    expect((await w.json('subscriptions', 'list'))[0]).toMatchObject({ state: 'set-up-later', calling: { status: 'later' } });

    await w.id('services', 'setup', 'calling', 'Sub100', '--location-name', 'Göteborg HQ', '--country', 'SE', '--quiet');
    const done = await w.json('subscriptions', 'show', 'Sub100');
    expect(done).toMatchObject({ state: 'provisioned', pending: [] });
  });

  it('--summary writes a real PDF with the organisations, services, sites with licences and the location', async () => {
    mappedOrder();
    await w.id('services', 'setup', 'meetings', 'Sub100', '--site', 'delta=30', '--site', 'delta-events=20', '--timezone', 'Europe/Stockholm', '--quiet');
    const pdfPath = join(w.dir, 'out', 'order summary.pdf');
    const result = await w.bulkhub(
      'services', 'setup', 'calling', 'Sub100', '--location-name', 'Göteborg HQ', '--country', 'SE',
      '--address-line1', 'Lindholmspiren 7', '--zip-or-postal-code', '417 56', '--city', 'Göteborg', '--summary', pdfPath,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Order summary: ${pdfPath}`);
    const pdf = readPdf(readFileSync(pdfPath));
    expect(pdf.pages).toBe(1);
    const text = pdf.flat;
    for (const expected of [
      'Webex order summary: Sub100',
      'Provisioning contact: ops@voxa.nl',
      'Partner organisation: Voxa Telecom (org-voxa), NL, Telecommunications',
      'Customer organisation: Delta AB (',
      'Partner access: full admin',
      'Webex Meetings: provisioned',
      'Time zone: Europe/Stockholm; early release schedule: no',
      'delta.webex.com: 30 licences',
      'delta-events.webex.com: 20 licences',
      'Webex Calling: provisioned',
      'Headquarters location: Göteborg HQ',
      'Address: Lindholmspiren 7, 417 56 Göteborg, SE',
    ]) {
      expect(text).toContain(expected);
    }
    // subscriptions show can write it again at any time, with what is still to do.
    w.seed((db) => addSubscription(db, { id: 'Sub200', contactEmail: 'ops@voxa.nl', meetingsLicences: 5, callingLicences: 0 }));
    const again = await w.json('subscriptions', 'show', 'Sub200', '--summary', join(w.dir, 'pending.pdf'));
    const pending = readPdf(readFileSync(again.summary)).flat;
    expect(pending).toContain('Organisation: not mapped yet');
    expect(pending).toContain('Still to do');
  });
});

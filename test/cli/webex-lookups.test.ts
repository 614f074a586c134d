import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeWebex } from '../../src/dev/fake-webex/server.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { HEADER, meetingsUser, readReport } from '../helpers/directory.js';
import { ACME, refereeOf, startFake } from '../fake-webex/fixture.js';

/** Look-ups without curl: customers, locations and sites read from Webex, a location added, and a sub-partner's customers. */
describe('look-ups with --backend webex (the built CLI against the fake Webex)', () => {
  let fake: FakeWebex;
  let dir: string;
  beforeEach(async () => {
    fake = await startFake();
    dir = tempDir('bulkhub-webex-lookups-');
  });
  afterEach(() => fake.close());

  const env = () => ({ WEBEX_API_URL: fake.url, WEBEX_ACCESS_TOKEN: 'lookup-token', BULKHUB_WEBEX_POLL_MS: '20' });
  const run = (...args: string[]) => runCli([...args, '--db', join(dir, 'x.db')], { env: env() });

  it('customers list and show: status, provisioning errors, locations and sites', async () => {
    fake.state.customers.get(ACME.id)!.status = 'provisioned_with_errors';
    fake.state.customers.get(ACME.id)!.resourceDetails = {
      packages: [{ name: 'webex_calling', status: 'provisioned', errors: [], warnings: [{ errorCode: 2560, description: 'Calling maintenance.' }] }],
    };
    const list = await run('customers', 'list', '--backend', 'webex', '--json');
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id: ACME.id, status: 'provisioned_with_errors' })]);

    const show = await run('customers', 'show', ACME.id, '--backend', 'webex');
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('Status:        provisioned_with_errors');
    expect(show.stdout).toContain('webex_calling (warning): 2560: Calling maintenance.');
    expect(show.stdout).toMatch(/Locations: +2\n +Amsterdam HQ \(Amsterdam, NL\)\n +Rotterdam Branch/);
    expect(show.stdout).toMatch(/Sites: +1\n +acme\.webex\.com/);
    expect(show.stdout).toMatch(/Subscribers: +1/);

    const unknown = await run('customers', 'show', 'nobody', '--backend', 'webex');
    expect(unknown.code).toBe(2);
    expect(unknown.said).toContain('CUSTOMER_NOT_FOUND');
  });

  it('locations list and add (POST /locations), sites list; adding a site has no public API', async () => {
    const list = await run('locations', 'list', '--backend', 'webex', '--customer', ACME.id);
    expect(list.stdout).toMatch(/Amsterdam HQ +NL +Main Street 1, 1000 AA Amsterdam +Europe\/Amsterdam/);

    const base = ['locations', 'add', '--backend', 'webex', '--customer', ACME.id, '--name', 'Utrecht', '--country', 'nl', '--address-line1', 'Oudegracht 1', '--city', 'Utrecht', '--zip-or-postal-code', '3511 AA'];
    const incomplete = await run(...base);
    expect(incomplete.code).toBe(2);
    expect(incomplete.said).toMatch(/BAD_ARGUMENTS: .*--state-or-province, --timezone .*POST \/locations/);
    const added = await run(...base, '--state-or-province', 'UT', '--timezone', 'Europe/Amsterdam', '--language', 'nl_NL');
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('Added location "Utrecht" (NL) to customer acme in Webex');
    const location = fake.state.orgOf(ACME.id)!.locations.find((l) => l.name === 'Utrecht')!;
    expect(location).toMatchObject({ timeZone: 'Europe/Amsterdam', address: { address1: 'Oudegracht 1', city: 'Utrecht', state: 'UT', postalCode: '3511 AA', country: 'NL' } });
    const body = refereeOf(fake).exchanges.find((e) => e.method === 'POST' && e.path === '/locations')!.body;
    expect(body).toMatchObject({ preferredLanguage: 'nl_nl', announcementLanguage: 'nl_nl' });
    const again = await run(...base, '--state-or-province', 'UT', '--timezone', 'Europe/Amsterdam');
    expect(again.code).toBe(2);
    expect(again.said).toContain('already has a location named "Utrecht"');
    const local = await run(...base, '--timezone', 'Europe/Amsterdam', '--backend', 'sqlite');
    expect(local.code).toBe(2);
    expect(local.said).toMatch(/BAD_ARGUMENTS: --timezone belong to --backend webex/);

    const sites = await run('sites', 'list', '--backend', 'webex', '--customer', ACME.id, '--json');
    expect(JSON.parse(sites.stdout)).toEqual([{ url: ACME.site }]);
    const addSite = await run('sites', 'add', '--backend', 'webex', '--customer', ACME.id, '--url', 'acme-events.webex.com');
    expect(addSite.code).toBe(2);
    expect(addSite.said).toContain('NO_PUBLIC_API');
  });

  it('users export --backend webex leaves the Jabber columns blank: Webex cannot tell them', async () => {
    const out = join(dir, 'export.csv');
    const result = await runCli(['users', 'export', '--backend', 'webex', '--customer', ACME.id, '--out', out], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    const [header, admin] = await readReport(out);
    const cell = (name: string) => admin![header!.indexOf(name)];
    expect(cell('Jabber Calling')).toBe('');
    expect(cell('Jabber with Webex Teams')).toBe('');
    expect(cell('Basic Messaging')).toBe('FALSE');
    expect(cell('Webex Suite')).toBe('TRUE');
  });

  it("--sub-partner acts for a sub-partner: its customers are seen and changed only so, every wholesale call saying so", async () => {
    const beta = fake.state.seedCustomer({ id: 'beta', name: 'Beta BV', locations: ['Gent'], sites: ['beta.webex.com'], adminEmail: 'admin@beta.example', subPartnerOrgId: 'sub-org-1' });
    const without = await run('customers', 'show', beta.customerId, '--backend', 'webex');
    expect(without.code).toBe(2);
    expect(without.said).toContain('CUSTOMER_NOT_FOUND');
    const shown = await run('customers', 'show', beta.customerId, '--backend', 'webex', '--sub-partner', 'sub-org-1');
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('Gent');

    const file = join(dir, 'beta.csv');
    (await import('node:fs')).writeFileSync(file, [HEADER, meetingsUser(1, { preferredSite: 'beta.webex.com' })].join('\n'));
    const imported = await runCli(['users', 'import', file, '--backend', 'webex', '--customer', 'beta', '--sub-partner', 'sub-org-1', '--db', join(dir, 'j.db'), '--out', join(dir, 'out')], { env: env() });
    expect(imported.code, imported.stderr).toBe(0);
    expect(fake.state.subscriberByEmail('beta', 'user1@acme.nl')).toBeDefined();
    const wholesale = refereeOf(fake).exchanges.filter((e) => e.path.startsWith('/wholesale/') && e.query.get('onBehalfOfSubPartnerOrgId') === 'sub-org-1');
    expect(wholesale.map((e) => `${e.method} ${e.path.replace(/\/[^/]{20,}$/, '/{id}')}`)).toEqual(expect.arrayContaining(['GET /wholesale/customers/beta', 'GET /wholesale/subscribers', 'POST /wholesale/subscribers']));

    const local = await run('customers', 'list', '--sub-partner', 'sub-org-1');
    expect(local.code).toBe(2);
    expect(local.said).toContain('--sub-partner belongs to --backend webex');
  });
});

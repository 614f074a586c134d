import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mapSubscription } from '../../src/provisioning/mapping.js';
import { setUpMeetings } from '../../src/provisioning/services.js';
import { readReport } from '../helpers/directory.js';
import { customerOrg, partnerAndOrder, world, type World } from '../helpers/provisioning.js';

let w: World;
beforeEach(() => (w = world()));
afterEach(() => w.cleanup());

const template = ['templates', 'create', '--name', 'Voxa SE', '--subscription', 'Sub100', '--country', 'SE', '--language', 'sv-se', '--auth', 'webex'];
const hq = ['--hq-name', 'Göteborg HQ', '--hq-country', 'SE', '--hq-address-line1', 'Lindholmspiren 7', '--hq-city', 'Göteborg'];
const delta = (pid: string, ...more: string[]) => [
  'customers', 'create', '--name', 'Delta AB', '--admin-email', 'IT@delta.se', '--package', 'Webex Suite', '--template', pid, ...hq, ...more,
];

describe('bulkhub templates', () => {
  it('creates a template and prints its provisioning ID; list and show', async () => {
    w.seed((db) => partnerAndOrder(db));
    const pid = await w.id(...template);
    expect(pid).toMatch(/^prov-[a-z2-7]{12}$/);
    expect(await w.json('templates', 'show', pid)).toEqual(
      expect.objectContaining({ provisioningId: pid, name: 'Voxa SE', subscriptionId: 'Sub100', country: 'SE', language: 'sv_SE', auth: 'webex', pstnProvider: null, customers: 0 }),
    );
    expect((await w.bulkhub('templates', 'list')).stdout).toMatch(new RegExp(`${pid}\\s+Voxa SE\\s+Sub100\\s+SE\\s+sv_SE\\s+webex\\s+0`));
  });

  it('accepts a Cloud Connected PSTN provider with the vendor\'s warning', async () => {
    w.seed((db) => partnerAndOrder(db));
    const result = await w.bulkhub('templates', 'create', '--name', 'With PSTN', '--subscription', 'Sub100', '--country', 'NL', '--language', 'nl', '--auth', 'partner', '--pstn-provider', 'Telia');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^prov-[a-z2-7]{12}\n$/);
    // Without a terminal the warning is a JSON line (stderr carries JSON lines only).
    const warning = JSON.parse(result.stderr.trim());
    expect(warning).toMatchObject({ level: 40, code: 'PSTN_NOT_ADVISED' });
    expect(warning.msg).toMatch(/^bulkhub: warning PSTN_NOT_ADVISED: .*the vendor advises against it/);
    expect(await w.json('templates', 'show', result.stdout.trim())).toMatchObject({ pstnProvider: 'Telia', auth: 'partner' });
  });

  it('refuses an unknown subscription, a taken name, bad values and unknown templates', async () => {
    w.seed((db) => partnerAndOrder(db));
    await w.id(...template);
    const cases: [string[], RegExp][] = [
      [['templates', 'create', '--name', 'X', '--subscription', 'Sub9', '--country', 'SE', '--language', 'sv', '--auth', 'webex'], /SUBSCRIPTION_NOT_FOUND/],
      [[...template.slice(0, 3), 'voxa se', ...template.slice(4)], /A template named "voxa se" already exists/],
      [['templates', 'create', '--name', 'X', '--subscription', 'Sub100', '--country', 'SE', '--language', 'Swedish', '--auth', 'webex'], /Language "Swedish"/],
      [['templates', 'create', '--name', 'X', '--subscription', 'Sub100', '--country', 'SE', '--language', 'sv', '--auth', 'saml'], /--auth must be one of "webex", "partner", not "saml"/],
      [['templates', 'show', 'prov-nope'], /TEMPLATE_NOT_FOUND: No onboarding template has provisioning ID "prov-nope"/],
    ];
    for (const [args, message] of cases) {
      const result = await w.bulkhub(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.said, args.join(' ')).toMatch(message);
    }
  });
});

describe('bulkhub customers create from a template (seed 003)', () => {
  it('without the supported-location attestation nothing is created, and the reason is given', async () => {
    w.seed((db) => partnerAndOrder(db));
    const pid = await w.id(...template);
    const result = await w.bulkhub(...delta(pid));
    expect(result.code).toBe(2);
    expect(result.said).toMatch(/^bulkhub: LOCATION_NOT_ATTESTED: Customer "Delta AB" was not created: Webex provisions customers only in Webex-supported locations.*add --supported-location\.\n$/);
    expect(await w.json('customers', 'list')).toEqual([]);
    expect(await w.json('orgs', 'list')).toHaveLength(1);
  });

  it('creates the customer in a new organisation: admin is full admin with the package, HQ is the first location, the partner is full admin', async () => {
    // The template's Wholesale subscription is the partner's own order.
    w.seed((db) => {
      partnerAndOrder(db);
      mapSubscription(db, { subscriptionId: 'Sub100', for: 'self' });
    });
    const pid = await w.id(...template);
    const created = await w.json(...delta(pid, '--supported-location', '--id', 'delta'));
    expect(created).toMatchObject({ id: 'delta', name: 'Delta AB', package: 'webex_suite', adminEmail: 'it@delta.se', orgCreated: true, provisioningId: pid });
    expect(created.partnerAccess).toEqual({ partnerOrgId: 'org-voxa', role: 'full-admin' });
    expect(created.hq).toEqual({ customerId: 'delta', name: 'Göteborg HQ', country: 'SE', addressLine1: 'Lindholmspiren 7', city: 'Göteborg' });

    const customer = await w.json('customers', 'show', 'delta');
    expect(customer).toMatchObject({ userCount: 1, usersByPackage: { webex_suite: 1 }, organisation: { orgId: created.orgId, provisioningId: pid } });
    expect(customer.locations.map((l: any) => l.name)).toEqual(['Göteborg HQ']);
    expect((await w.bulkhub('users', 'export', '--customer', 'delta', '--out', `${w.dir}/users.csv`)).code).toBe(0);
    const [header, admin] = await readReport(`${w.dir}/users.csv`);
    expect(admin![0]).toBe('it@delta.se');
    expect(admin![header!.indexOf('Webex Suite')]).toBe('TRUE'); // the admin has the customer's package
    // The admin belongs to the new customer organisation: the finder matches them there.
    expect(await w.json('orgs', 'find', '--email', 'it@delta.se', '--kind', 'customer')).toMatchObject({ outcome: 'matched', role: 'admin', organisation: { id: created.orgId, name: 'Delta AB', country: 'SE' } });
    expect((await w.json('templates', 'show', pid)).customers).toBe(1);
    // The admin keeps the customer's package: no downgrade for the full admin.
    const downgrade = w.write('down.csv', 'User ID/Email (Required),Webex Calling,Webex Calling Standard,Webex Suite,Webex Voice,Webex Meetings\nit@delta.se,FALSE,FALSE,FALSE,FALSE,TRUE\n');
    const result = await w.bulkhub('users', 'import', downgrade, '--customer', 'delta', '--out', `${w.dir}/down`);
    expect(result.code).toBe(1);
    expect((await readReport(`${w.dir}/down/results.csv`))[1]!.slice(1, 5)).toEqual(['it@delta.se', 'none', 'error', 'FULL_ADMIN_PROTECTED']);
  });

  it('one template serves many customers; an existing organisation is named with --org and makes the partner provisioning admin', async () => {
    w.seed((db) => {
      partnerAndOrder(db);
      mapSubscription(db, { subscriptionId: 'Sub100', for: 'self' });
      customerOrg(db, 'org-globex', 'Globex', { 'boss@globex.se': 2 });
    });
    const pid = await w.id(...template);
    await w.id(...delta(pid, '--supported-location'));
    const refused = await w.bulkhub('customers', 'create', '--name', 'Globex', '--admin-email', 'boss@globex.se', '--package', 'webex_calling', '--template', pid, ...hq, '--supported-location');
    expect(refused.code).toBe(2);
    expect(refused.said).toContain('boss@globex.se already has an account in customer organisation org-globex (Globex). To create the customer in that organisation, add --org org-globex.');
    const globex = await w.json('customers', 'create', '--name', 'Globex', '--admin-email', 'boss@globex.se', '--package', 'webex_calling', '--template', pid, ...hq, '--supported-location', '--org', 'org-globex');
    expect(globex).toMatchObject({ orgId: 'org-globex', orgCreated: false, partnerAccess: { role: 'provisioning-admin' } });
    expect((await w.json('templates', 'show', pid)).customers).toBe(2);
    const again = await w.bulkhub('customers', 'create', '--name', 'Globex 2', '--admin-email', 'x@globex.se', '--package', 'webex_calling', '--template', pid, ...hq, '--supported-location', '--org', 'org-globex');
    expect(again.said).toMatch(/Organisation org-globex \(Globex\) already holds Wholesale customer cust-/);
  });

  it('takes the Meetings sites of the organisation\'s orders, so imports can name them', async () => {
    w.seed((db) => {
      partnerAndOrder(db);
      mapSubscription(db, { subscriptionId: 'Sub100', for: 'customer', customerEmail: 'it@delta.se', createCustomerOrg: { name: 'Delta AB', vertical: 'Retail', country: 'SE' } });
      setUpMeetings(db, { subscriptionId: 'Sub100', sites: ['delta'], timezone: 'Europe/Stockholm', earlyRelease: false });
    });
    const pid = await w.id(...template);
    const org = (await w.json('orgs', 'find', '--email', 'it@delta.se')).organisation.id;
    const created = await w.json(...delta(pid, '--supported-location', '--org', org));
    expect(created.sites).toEqual(['delta.webex.com']);
    expect((await w.bulkhub('sites', 'list', '--customer', created.id)).stdout).toBe('delta.webex.com\n');
    expect(created.partnerAccess).toEqual({ partnerOrgId: 'org-voxa', role: 'full-admin' }); // the mapping made the partner full admin; kept
  });

  it('without --org, uses the customer organisation the order was mapped to when the admin belongs to it', async () => {
    w.seed((db) => {
      partnerAndOrder(db);
      mapSubscription(db, { subscriptionId: 'Sub100', for: 'customer', customerEmail: 'it@delta.se', createCustomerOrg: { name: 'Delta AB', vertical: 'Retail', country: 'SE' } });
    });
    const pid = await w.id(...template);
    const org = (await w.json('orgs', 'find', '--email', 'it@delta.se')).organisation.id;
    const created = await w.json(...delta(pid, '--supported-location'));
    expect(created).toMatchObject({ orgId: org, orgCreated: false, partnerAccess: { partnerOrgId: 'org-voxa', role: 'full-admin' } });
    expect(await w.json('orgs', 'list')).toHaveLength(2); // the partner and Delta: no second Delta
    // That organisation now holds a customer: a second one without --org is refused as before.
    const again = await w.bulkhub(...delta(pid, '--supported-location').map((a) => (a === 'Delta AB' ? 'Delta 2' : a)));
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/it@delta\.se already has an account in customer organisation/);
  });

  it('the template options come as a group; the minimal create keeps working for scripts', async () => {
    w.seed((db) => partnerAndOrder(db));
    const pid = await w.id(...template);
    const cases: [string[], RegExp][] = [
      [['customers', 'create', '--name', 'A', '--admin-email', 'a@a.se', '--package', 'webex_suite', '--hq-name', 'HQ', '--supported-location'],
        /--hq-name, --supported-location belong to creating a customer from an onboarding template: add --template PROVISIONING_ID/],
      [['customers', 'create', '--name', 'A', '--admin-email', 'a@a.se', '--package', 'webex_suite', '--template', pid, '--supported-location'], /needs its headquarters location: --hq-name NAME --hq-country CC/],
      [['customers', 'create', '--name', 'A', '--admin-email', 'a@a.se', '--package', 'webex_suite', '--template', 'prov-nope', ...hq, '--supported-location'], /TEMPLATE_NOT_FOUND/],
      [['customers', 'create', '--name', 'A', '--admin-email', 'a@a.se', '--package', 'webex_suite', '--template', pid, ...hq, '--hq-address-line2', 'x'.repeat(51), '--supported-location'],
        /Address line 2 is at most 50 characters/],
      [['customers', 'create', '--name', 'A', '--admin-email', 'a@a.se', '--package', 'Webex Gold', '--template', pid, ...hq, '--supported-location'], /Unknown package "Webex Gold"/],
      [['customers', 'create', '--name', 'A', '--admin-email', 'a@a.se', '--package', 'webex_suite', '--template', pid, ...hq, '--supported-location', '--org', 'org-voxa'], /org-voxa \(Voxa Telecom\) is a partner organisation/],
    ];
    for (const [args, message] of cases) {
      const result = await w.bulkhub(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.said, args.join(' ')).toMatch(message);
    }
    expect(await w.json('customers', 'list')).toEqual([]);
    const plain = await w.bulkhub('customers', 'create', '--name', 'Plain', '--admin-email', 'p@plain.se', '--package', 'webex_voice');
    expect(plain).toMatchObject({ code: 0, stderr: '' });
    expect(plain.stdout).toMatch(/^cust-[a-z2-7]{8}\n$/);
    expect((await w.json('customers', 'show', plain.stdout.trim())).organisation).toBeNull();
  });
});

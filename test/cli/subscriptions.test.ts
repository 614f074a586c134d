import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOrganisation } from '../../src/provisioning/organisations.js';
import { addSubscription } from '../../src/provisioning/subscriptions.js';
import { customerOrg, partnerAndOrder, world, type World } from '../helpers/provisioning.js';

let w: World;
beforeEach(() => (w = world()));
afterEach(() => w.cleanup());

const createDelta = ['--create-customer-org', 'Delta AB', '--customer-vertical', 'Retail', '--customer-country', 'SE'];

describe('bulkhub subscriptions add / list / show', () => {
  it('records an order as pending and lists what is left to do', async () => {
    const id = await w.id('subscriptions', 'add', '--id', 'Sub100', '--contact-email', 'Ops@Voxa.nl', '--meetings-licences', '50', '--calling-licences', '0');
    expect(id).toBe('Sub100');
    const shown = await w.json('subscriptions', 'show', 'Sub100');
    expect(shown).toMatchObject({ id: 'Sub100', contactEmail: 'ops@voxa.nl', state: 'pending', meetings: { status: 'pending' }, calling: { status: 'not-ordered' } });
    expect(shown.pending).toEqual(['map it: bulkhub subscriptions map Sub100 --for customer|self|delegate']);
    const list = await w.bulkhub('subscriptions', 'list');
    expect(list.stdout).toMatch(/Sub100\s+pending\s+-\s+-\s+50 pending\s+0 not-ordered/);
    expect(list.stdout).toContain('Pending:\n  Sub100: map it');
  });

  it('refuses an order without licences, a duplicate, bad licence counts and unknown ids', async () => {
    await w.id('subscriptions', 'add', '--id', 'Sub100', '--contact-email', 'ops@voxa.nl', '--meetings-licences', '5');
    const cases: [string[], RegExp][] = [
      [['subscriptions', 'add', '--id', 'Sub200', '--contact-email', 'ops@voxa.nl'], /BAD_ARGUMENTS: An order has Meetings licences, Calling licences or both/],
      [['subscriptions', 'add', '--id', 'sub100', '--contact-email', 'ops@voxa.nl', '--calling-licences', '1'], /Subscription sub100 already exists/],
      [['subscriptions', 'add', '--id', 'Sub300', '--contact-email', 'ops@voxa.nl', '--calling-licences', '-1'], /Calling licences must be a whole number/],
      [['subscriptions', 'add', '--id', 'Sub300', '--contact-email', 'ops.voxa.nl', '--calling-licences', '1'], /not a valid e-mail address/],
      [['subscriptions', 'show', 'Sub999'], /SUBSCRIPTION_NOT_FOUND: Subscription "Sub999" does not exist/],
      [['subscriptions', 'map', 'Sub999', '--for', 'self'], /SUBSCRIPTION_NOT_FOUND/],
    ];
    for (const [args, message] of cases) {
      const result = await w.bulkhub(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.said, args.join(' ')).toMatch(message);
    }
  });
});

describe('bulkhub subscriptions map --for customer', () => {
  it('none for the customer: refuses and offers to create; creating makes the partner full admin of the new organisation', async () => {
    w.seed((db) => partnerAndOrder(db));
    const refused = await w.bulkhub('subscriptions', 'map', 'Sub100', '--for', 'customer', '--customer-email', 'it@delta.se');
    expect(refused.code).toBe(2);
    expect(refused.said).toContain('ORGANISATION_CHOICE_NEEDED: No customer organisation matches it@delta.se or uses delta.se. Create one with --create-customer-org NAME');
    expect((await w.json('subscriptions', 'show', 'Sub100')).state).toBe('pending');

    const mapped = await w.json('subscriptions', 'map', 'Sub100', '--for', 'customer', '--customer-email', 'it@delta.se', ...createDelta);
    expect(mapped.partner).toMatchObject({ id: 'org-voxa', how: 'matched', finder: 'matched' });
    expect(mapped.organisation).toMatchObject({ name: 'Delta AB', how: 'created', finder: 'none' });
    expect(mapped.partnerRole).toBe('full-admin');
    expect(mapped.subscription).toMatchObject({ state: 'mapped', mappedFor: 'customer', partnerOrgId: 'org-voxa', orgId: mapped.organisation.id });
    // The customer e-mail becomes the new organisation's admin, so the finder now matches it.
    expect(await w.json('orgs', 'find', '--email', 'it@delta.se', '--kind', 'customer')).toMatchObject({ outcome: 'matched', role: 'admin' });
    expect((await w.json('orgs', 'show', mapped.organisation.id)).partnerAccess).toEqual([{ partnerOrgId: 'org-voxa', role: 'full-admin' }]);

    const again = await w.bulkhub('subscriptions', 'map', 'Sub100', '--for', 'self');
    expect(again.code).toBe(2);
    expect(again.said).toMatch(/SUBSCRIPTION_STATE: Subscription Sub100 is already mapped/);
  });

  it('an existing customer organisation makes the partner provisioning admin; --customer-sets-up hands over through the outbox', async () => {
    w.seed((db) => {
      partnerAndOrder(db);
      customerOrg(db, 'org-delta', 'Delta AB', { 'it@delta.se': 5, 'anna@delta.se': 1 }, { 'delta.se': 'verified' });
    });
    const map = await w.bulkhub('subscriptions', 'map', 'Sub100', '--for', 'customer', '--customer-email', 'anna@delta.se', '--customer-sets-up');
    expect(map.code).toBe(0);
    expect(map.stdout).toContain('Customer organisation: Delta AB (org-delta), matched by the finder');
    expect(map.stdout).toContain('Partner access: provisioning admin. After service setup, ask the customer admin for full admin rights.');
    expect(map.stdout).toContain('Service setup is handed to the customer admin; the partner keeps access.');
    const shown = await w.json('subscriptions', 'show', 'Sub100');
    expect(shown).toMatchObject({ state: 'customer-sets-up', partnerRole: 'provisioning-admin', setupBy: 'customer' });
    expect(shown.pending[0]).toMatch(/^Webex Meetings: not set up yet, the customer admin sets it up/);

    const outbox = await w.json('outbox', 'list');
    expect(outbox).toEqual([expect.objectContaining({ to: 'anna@delta.se', subject: 'Set up your Webex services (order Sub100)', subscriptionId: 'Sub100' })]);
    expect(outbox[0].body).toContain('Your partner keeps access to your organisation');
    expect((await w.bulkhub('outbox', 'list')).stdout).toContain('to anna@delta.se\n  Subject: Set up your Webex services (order Sub100)');
    // Keeps access: the partner is still recorded on the customer organisation.
    expect((await w.json('orgs', 'show', 'org-delta')).partnerAccess).toEqual([{ partnerOrgId: 'org-voxa', role: 'provisioning-admin' }]);
  });

  it('candidates: refuses listing them; a candidate is chosen with --customer-org, and creating is refused while one is plausible', async () => {
    w.seed((db) => {
      partnerAndOrder(db);
      customerOrg(db, 'org-delta', 'Delta AB', { 'it@delta.se': 5 }, { 'delta.se': 'verified' });
      customerOrg(db, 'org-delta-old', 'Delta (trial)', { 'test@delta.se': 900 });
    });
    const refused = await w.bulkhub('subscriptions', 'map', 'Sub100', '--for', 'customer', '--customer-email', 'new@delta.se');
    expect(refused.code).toBe(2);
    expect(refused.said).toContain('ORGANISATION_CHOICE_NEEDED: No account matches new@delta.se, but 2 customer organisations use delta.se:');
    expect(refused.said).toMatch(/1\. org-delta  Delta AB \(NL\)  verified delta\.se; 1 active user of 1/);
    expect(refused.said).toMatch(/2\. org-delta-old .*\[probably not the right one/);
    expect(refused.said).toContain('Choose one with --customer-org ID.');

    const create = await w.bulkhub('subscriptions', 'map', 'Sub100', '--for', 'customer', '--customer-email', 'new@delta.se', ...createDelta);
    expect(create.code).toBe(2);
    expect(create.said).toContain('ORGANISATION_CHOICE_NEEDED');

    const chosen = await w.json('subscriptions', 'map', 'Sub100', '--for', 'customer', '--customer-email', 'new@delta.se', '--customer-org', 'org-delta');
    expect(chosen.organisation).toMatchObject({ id: 'org-delta', how: 'chosen', finder: 'candidates' });
    expect(chosen.partnerRole).toBe('provisioning-admin');
  });

  it('creating is offered when every candidate is probably not the right one', async () => {
    w.seed((db) => {
      partnerAndOrder(db);
      customerOrg(db, 'org-delta-old', 'Delta (trial)', { 'test@delta.se': 900 });
    });
    const refused = await w.bulkhub('subscriptions', 'map', 'Sub100', '--for', 'customer', '--customer-email', 'it@delta.se');
    expect(refused.said).toContain('Choose one with --customer-org ID, or create a new one with --create-customer-org NAME');
    const created = await w.json('subscriptions', 'map', 'Sub100', '--for', 'customer', '--customer-email', 'it@delta.se', ...createDelta);
    expect(created.organisation).toMatchObject({ how: 'created', finder: 'candidates' });
  });

  it('the partner organisation goes through the finder too: none means create it, with the contact as its admin', async () => {
    w.seed((db) => addSubscription(db, { id: 'Sub100', contactEmail: 'ops@newpartner.nl', meetingsLicences: 10, callingLicences: 0 }));
    const refused = await w.bulkhub('subscriptions', 'map', 'Sub100', '--for', 'customer', '--customer-email', 'it@delta.se', ...createDelta);
    expect(refused.code).toBe(2);
    expect(refused.said).toContain('No partner organisation matches ops@newpartner.nl or uses newpartner.nl. Create one with --create-partner-org NAME');
    const mapped = await w.json(
      'subscriptions', 'map', 'Sub100', '--for', 'customer', '--customer-email', 'it@delta.se', ...createDelta,
      '--create-partner-org', 'New Partner BV', '--partner-vertical', 'Telecommunications', '--partner-country', 'NL',
    );
    expect(mapped.partner).toMatchObject({ name: 'New Partner BV', how: 'created' });
    expect(await w.json('orgs', 'find', '--email', 'ops@newpartner.nl', '--kind', 'partner')).toMatchObject({ outcome: 'matched', organisation: { id: mapped.partner.id } });
  });

  it('refuses contradictory choices', async () => {
    w.seed((db) => {
      partnerAndOrder(db);
      customerOrg(db, 'org-delta', 'Delta AB', { 'it@delta.se': 5 });
      createOrganisation(db, { id: 'org-other-partner', name: 'Other', kind: 'partner', vertical: 'IT', country: 'NL' });
    });
    const cases: [string[], RegExp][] = [
      [['--for', 'customer', '--customer-email', 'it@delta.se', '--partner-org', 'org-other-partner'], /ops@voxa\.nl is an admin of org-voxa \(Voxa Telecom\), so the order maps to that partner organisation; leave out --partner-org/],
      [['--for', 'customer', '--customer-email', 'it@delta.se', ...createDelta], /it@delta\.se is an admin of org-delta .* leave out --create-customer-org/],
      [['--for', 'customer', '--customer-email', 'x@delta.se', '--customer-org', 'org-voxa'], /org-voxa \(Voxa Telecom\) is a partner organisation, not a customer organisation/],
      [['--for', 'customer', '--customer-email', 'x@delta.se', '--customer-org', 'org-nope'], /ORGANISATION_NOT_FOUND/],
      [['--for', 'customer', '--customer-vertical', 'Retail'], /--customer-vertical and --customer-country describe a new organisation: add --create-customer-org NAME/],
      [['--for', 'self', '--customer-org', 'org-delta'], /--for self does not take --customer-org/],
      [['--for', 'delegate'], /--for delegate needs --delegate-email EMAIL/],
      [['--for', 'customer', '--customer-org', 'org-delta', ...createDelta], /not both/],
      [['--for', 'nobody'], /Invalid values/],
      [['--for', 'customer', '--customer-sets-up', ...createDelta], /--customer-sets-up hands the service setup to the customer admin, but .* has no admin yet; name one with --customer-email EMAIL/],
    ];
    for (const [args, message] of cases) {
      const result = await w.bulkhub('subscriptions', 'map', 'Sub100', ...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.said, args.join(' ')).toMatch(message);
    }
    expect((await w.json('subscriptions', 'show', 'Sub100')).state).toBe('pending');
  });
});

describe('bulkhub subscriptions map --for self / delegate', () => {
  it('self maps the order to one organisation through the finder', async () => {
    w.seed((db) => partnerAndOrder(db));
    const mapped = await w.json('subscriptions', 'map', 'Sub100', '--for', 'self');
    expect(mapped.organisation).toMatchObject({ id: 'org-voxa', how: 'matched' });
    expect(mapped.partner).toBeUndefined();
    expect(mapped.subscription).toMatchObject({ mappedFor: 'self', orgId: 'org-voxa', partnerOrgId: null, state: 'mapped' });
  });

  it('delegate records who must act and tells them; that person can then map it', async () => {
    w.seed((db) => partnerAndOrder(db));
    const delegated = await w.bulkhub('subscriptions', 'map', 'Sub100', '--for', 'delegate', '--delegate-email', 'Colleague@Voxa.nl');
    expect(delegated.code).toBe(0);
    expect(delegated.stdout).toContain('Subscription Sub100 is delegated: colleague@voxa.nl must complete it');
    expect(delegated.stdout).toContain('Outbox: "Provisioning information required for order Sub100" to colleague@voxa.nl');
    const shown = await w.json('subscriptions', 'show', 'Sub100');
    expect(shown).toMatchObject({ state: 'delegated', delegateEmail: 'colleague@voxa.nl' });
    expect(shown.pending[0]).toMatch(/^waiting for colleague@voxa\.nl to complete the order/);
    expect((await w.bulkhub('subscriptions', 'list')).stdout).toMatch(/Sub100\s+delegated\s+delegate/);
    expect((await w.json('outbox', 'list', '--subscription', 'Sub100'))[0]).toMatchObject({ to: 'colleague@voxa.nl' });

    expect((await w.json('subscriptions', 'map', 'Sub100', '--for', 'self')).subscription.state).toBe('mapped');
  });
});

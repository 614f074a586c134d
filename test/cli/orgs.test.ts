import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerOrg, daysAgo, world, type World } from '../helpers/provisioning.js';

let w: World;
beforeEach(() => (w = world()));
afterEach(() => w.cleanup());

/** Acme's world: a real customer organisation, a busy one on the same domain, and a forgotten trial. */
async function acmeWorld(): Promise<void> {
  w.seed((db) => {
    customerOrg(db, 'org-acme', 'Acme BV', { 'admin@acme.nl': 3, 'piet@acme.nl': 10 }, { 'acme.nl': 'claimed' });
    customerOrg(db, 'org-acme-labs', 'Acme Labs', { 'boss@acmelabs.be': null, 'lab@acme.nl': 40 });
    customerOrg(db, 'org-acme-trial', 'Acme (trial)', { 'old@acme.nl': 500 });
  });
}

describe('bulkhub orgs find: the three outcomes', () => {
  it('matched: the e-mail belongs to a user or admin of an organisation of that kind', async () => {
    await acmeWorld();
    const admin = await w.json('orgs', 'find', '--email', 'Admin@Acme.nl', '--kind', 'customer');
    expect(admin).toMatchObject({ outcome: 'matched', email: 'admin@acme.nl', role: 'admin', organisation: { id: 'org-acme', users: 2, activeUsers: 2 } });
    const user = await w.bulkhub('orgs', 'find', '--email', 'lab@acme.nl', '--kind', 'customer');
    expect(user.stdout).toMatch(/^matched: lab@acme\.nl is a user of customer organisation org-acme-labs \(Acme Labs, NL\)/);
    // The seeds check partner organisations when mapping the partner: a customer's user is no match there.
    expect(await w.json('orgs', 'find', '--email', 'admin@acme.nl', '--kind', 'partner')).toMatchObject({ outcome: 'none', domain: 'acme.nl' });
  });

  it('candidates: no account matches but organisations use the domain; ranked, with facts and the warning flag', async () => {
    await acmeWorld();
    const found = await w.json('orgs', 'find', '--email', 'new.person@acme.nl', '--kind', 'customer');
    expect(found.outcome).toBe('candidates');
    expect(found.candidates.map((c: any) => [c.id, c.matchedBy, c.activeUsers, c.probablyNotTheRightOne])).toEqual([
      ['org-acme', 'claimed-domain', 2, false],
      ['org-acme-labs', 'user-e-mails', 0, false],
      ['org-acme-trial', 'user-e-mails', 0, true],
    ]);
    expect(found.candidates[0].domains).toEqual([{ domain: 'acme.nl', status: 'claimed' }]);
    expect(found.candidates[2].lastActivity.slice(0, 10)).toBe(daysAgo(500).slice(0, 10));

    const text = (await w.bulkhub('orgs', 'find', '--email', 'new.person@acme.nl', '--kind', 'customer')).stdout;
    expect(text).toContain('candidates: no account matches new.person@acme.nl, but 3 customer organisations use acme.nl, best first:');
    expect(text).toMatch(/1\. org-acme  Acme BV \(NL\)  claimed acme\.nl; 2 active users of 2; last activity \d{4}-/);
    expect(text).toMatch(/3\. org-acme-trial .*no verified domain.*\[probably not the right one: no verified domain and no user activity in the last 12 months\]/);
  });

  it('none: nothing matches; it offers to create one', async () => {
    await acmeWorld();
    const none = await w.bulkhub('orgs', 'find', '--email', 'it@globex.com', '--kind', 'customer');
    expect(none.code).toBe(0);
    expect(none.stdout).toBe(
      'none: no customer organisation matches it@globex.com or uses globex.com.\n' +
        '  Create one: bulkhub orgs create --name NAME --vertical VERTICAL --country CC --kind customer --domain globex.com\n',
    );
  });

  it('--domain is the global domain-based search, over both kinds unless asked', async () => {
    await acmeWorld();
    await w.id('orgs', 'create', '--id', 'org-reseller', '--name', 'Acme Reseller', '--kind', 'partner', '--vertical', 'IT', '--country', 'NL', '--domain', 'acme.nl');
    const all = await w.json('orgs', 'find', '--domain', 'ACME.nl');
    expect(all.candidates.map((c: any) => c.id)).toEqual(['org-acme', 'org-reseller', 'org-acme-labs', 'org-acme-trial']);
    expect((await w.json('orgs', 'find', '--domain', 'acme.nl', '--kind', 'partner')).candidates.map((c: any) => c.id)).toEqual(['org-reseller']);
    expect(await w.json('orgs', 'find', '--domain', 'globex.com')).toMatchObject({ outcome: 'none' });
  });
});

describe('bulkhub orgs: organisations, domains and users', () => {
  it('creates organisations, records domains and users with their activity, and shows their facts', async () => {
    const id = await w.id('orgs', 'create', '--name', 'Globex', '--vertical', 'Energy', '--country', 'de', '--domain', 'globex.com', '--domain', 'globex.de');
    expect(id).toMatch(/^org-[a-z2-7]{8}$/);
    expect((await w.bulkhub('orgs', 'add-domain', id, 'globex.com', '--verified')).stdout).toBe(`globex.com is verified by ${id}.\n`);
    expect((await w.bulkhub('orgs', 'add-user', id, '--email', 'Boss@Globex.com', '--admin', '--last-active', '2024-05-01')).stdout).toBe(
      `boss@globex.com is an admin of ${id}.\n`,
    );
    await w.id('orgs', 'add-user', id, '--email', 'new@globex.com', '--quiet');
    const shown = await w.json('orgs', 'show', id);
    expect(shown).toMatchObject({ id, name: 'Globex', kind: 'customer', vertical: 'Energy', country: 'DE', users: 2, activeUsers: 0, customerId: null });
    expect(shown.lastActivity).toBe('2024-05-01T00:00:00.000Z');
    expect(shown.members).toEqual([
      { email: 'boss@globex.com', role: 'admin', lastActive: '2024-05-01T00:00:00.000Z' },
      { email: 'new@globex.com', role: 'user', lastActive: null },
    ]);
    expect(shown.domains).toEqual([
      { domain: 'globex.com', status: 'verified' },
      { domain: 'globex.de', status: 'unverified' },
    ]);
    expect((await w.json('orgs', 'list', '--kind', 'customer')).map((o: any) => o.id)).toEqual([id]);
  });

  it('refuses what would break the directory, with exit code 2', async () => {
    await acmeWorld();
    const cases: [string[], RegExp][] = [
      [['orgs', 'create', '--name', 'X', '--country', 'NL'], /BAD_ARGUMENTS: Missing required argument: vertical/],
      [['orgs', 'create', '--name', 'X', '--vertical', 'Y', '--country', 'Holland'], /Country "Holland" is not a 2-letter/],
      [['orgs', 'create', '--id', 'org-acme', '--name', 'X', '--vertical', 'Y', '--country', 'NL'], /"org-acme" already exists/],
      [['orgs', 'add-domain', 'org-acme-labs', 'acme.nl', '--claimed'], /acme\.nl is already claimed by org-acme \(Acme BV\); only one organisation can claim a domain/],
      [['orgs', 'add-domain', 'org-acme-labs', 'acme.nl'], /--verified or --claimed/],
      [['orgs', 'add-domain', 'org-nope', 'acme.nl', '--verified'], /ORGANISATION_NOT_FOUND: Organisation "org-nope" does not exist/],
      [['orgs', 'add-domain', 'org-acme', 'not a domain', '--verified'], /is not a domain name/],
      [['orgs', 'add-user', 'org-acme-labs', '--email', 'piet@acme.nl'], /piet@acme\.nl is already a user of organisation org-acme; a Webex account belongs to one organisation/],
      [['orgs', 'add-user', 'org-acme', '--email', 'x@acme.nl', '--last-active', 'last week'], /not an ISO 8601 date/],
      [['orgs', 'find', '--kind', 'customer'], /Give --email EMAIL or --domain DOMAIN/],
      [['orgs', 'show', 'org-nope'], /ORGANISATION_NOT_FOUND/],
    ];
    for (const [args, message] of cases) {
      const result = await w.bulkhub(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.said, args.join(' ')).toMatch(message);
    }
  });
});

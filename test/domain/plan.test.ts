import { describe, expect, it } from 'vitest';
import { planContext, planRow } from '../../src/domain/plan.js';
import type { DirectoryUser, Intent } from '../../src/domain/user.js';

const ctx = planContext('acme', 'add-remove', ['Amsterdam HQ', 'Utrecht'], ['acme.webex.com']);
const callingUser: Intent = {
  kind: 'set', email: 'anna@acme.nl', package: 'webex_calling',
  attributes: { firstName: 'Anna', extension: '1001', location: 'amsterdam hq', preferredSite: 'ACME.webex.com', jabberCalling: false, jabberTeams: false },
};
const anna: DirectoryUser = {
  id: '7', email: 'anna@acme.nl', package: 'webex_calling', isFullAdmin: false,
  firstName: 'Anna', extension: '1001', location: 'Amsterdam HQ', preferredSite: 'acme.webex.com', jabberCalling: false, jabberTeams: false,
  basicMessaging: false, basicSpaceMeetings: false, callingViaWebex: false,
};

describe('planRow', () => {
  it('adds a new user, with the customer\'s own spelling of location and site', () => {
    const plan = planRow(callingUser, undefined, ctx);
    expect(plan.action).toBe('add');
    expect(plan.op).toMatchObject({ kind: 'add', package: 'webex_calling', attributes: { location: 'Amsterdam HQ', preferredSite: 'acme.webex.com' } });
    expect(plan.issues).toEqual([]);
  });

  it('an existing user with the same values is unchanged', () => {
    expect(planRow(callingUser, anna, ctx)).toEqual({ action: 'unchanged', issues: [] });
  });

  it('modifies only the fields that differ', () => {
    const intent: Intent = { kind: 'set', email: 'anna@acme.nl', attributes: { firstName: 'Anne', extension: '1001', jabberTeams: true } };
    const plan = planRow(intent, anna, ctx);
    expect(plan.action).toBe('modify');
    expect(plan.op).toEqual({ kind: 'modify', customerId: 'acme', email: 'anna@acme.nl', id: '7', changes: { firstName: 'Anne', jabberTeams: true } });
  });

  it('a flag never set counts as FALSE, so an exported FALSE is no change', () => {
    const { jabberCalling: _drop, ...withoutFlag } = anna;
    const intent: Intent = { kind: 'set', email: 'anna@acme.nl', attributes: { jabberCalling: false } };
    expect(planRow(intent, withoutFlag as DirectoryUser, ctx).action).toBe('unchanged');
  });

  it('removes an existing user; removing an absent one is ok and adds nothing', () => {
    expect(planRow({ kind: 'remove', email: 'anna@acme.nl' }, anna, ctx)).toMatchObject({ action: 'remove', op: { kind: 'remove', id: '7' } });
    const absent = planRow({ kind: 'remove', email: 'ghost@acme.nl' }, undefined, ctx);
    expect(absent).toMatchObject({ action: 'unchanged', issues: [] });
    expect(absent.op).toBeUndefined();
    expect(absent.note).toContain('nothing to remove');
  });

  it('never removes the full admin nor changes their package (seed 003)', () => {
    const admin = { ...anna, isFullAdmin: true };
    expect(planRow({ kind: 'remove', email: 'anna@acme.nl' }, admin, ctx).issues[0]!.code).toBe('FULL_ADMIN_PROTECTED');
    const downgrade: Intent = { kind: 'set', email: 'anna@acme.nl', package: 'webex_meetings', attributes: { jabberCalling: false, jabberTeams: false } };
    expect(planRow(downgrade, admin, ctx).issues[0]!.code).toBe('FULL_ADMIN_PROTECTED');
    const rename: Intent = { kind: 'set', email: 'anna@acme.nl', attributes: { firstName: 'Annemarie' } };
    expect(planRow(rename, admin, ctx).action).toBe('modify');
  });

  it('a new user needs a package', () => {
    const plan = planRow({ kind: 'set', email: 'new@acme.nl', attributes: { firstName: 'N' } }, undefined, ctx);
    expect(plan.issues[0]!.code).toBe('NO_PACKAGE_FOR_NEW_USER');
  });

  it('checks the mandatory fields of seed 004 when adding', () => {
    const bare: Intent = { kind: 'set', email: 'new@acme.nl', package: 'webex_suite', attributes: {} };
    expect(planRow(bare, undefined, ctx).issues.map((i) => i.column)).toEqual([
      'Extension or Phone Number', 'Location', 'Jabber Calling', 'Jabber with Webex Teams',
    ]);
    const meetings: Intent = { kind: 'set', email: 'new@acme.nl', package: 'webex_meetings', attributes: { jabberCalling: true, jabberTeams: true } };
    expect(planRow(meetings, undefined, ctx).action).toBe('add');
  });

  it('a change to a calling package must carry the number information', () => {
    const meetingsUser = { ...anna, package: 'webex_meetings' as const, extension: undefined, location: undefined };
    const toSuite: Intent = { kind: 'set', email: 'anna@acme.nl', package: 'webex_suite', attributes: { jabberCalling: false, jabberTeams: false } };
    expect(planRow(toSuite, meetingsUser, ctx).issues.map((i) => i.code)).toEqual(['MISSING_MANDATORY_FIELD', 'MISSING_MANDATORY_FIELD']);
    // Keeping the package: blank fields stay as they are, nothing is required.
    expect(planRow({ kind: 'set', email: 'anna@acme.nl', package: 'webex_calling', attributes: {} }, anna, ctx).action).toBe('unchanged');
  });

  it('an unknown location or site is an error that lists what the customer has', () => {
    const plan = planRow({ ...callingUser, attributes: { ...callingUser.attributes, location: 'Rotterdam', preferredSite: 'other.webex.com' } } as Intent, undefined, ctx);
    expect(plan.issues.map((i) => i.code)).toEqual(['LOCATION_NOT_FOUND', 'SITE_NOT_FOUND']);
    expect(plan.issues[0]!.message).toContain('"Amsterdam HQ", "Utrecht"');
  });

  it('warns about a missing preferred site, except for Webex Voice', () => {
    const { preferredSite: _s, ...noSite } = callingUser.attributes as Record<string, unknown>;
    const plan = planRow({ ...callingUser, attributes: noSite } as Intent, undefined, ctx);
    expect(plan.action).toBe('add');
    expect(plan.issues.map((i) => [i.code, i.severity])).toEqual([['MISSING_PREFERRED_SITE', 'warning']]);
    const voice = planRow({ ...callingUser, package: 'webex_voice', attributes: noSite } as Intent, undefined, ctx);
    expect(voice.issues).toEqual([]);
  });

  it('add-only gives a new user the default basic licences; add-remove does not', () => {
    const onlyCtx = planContext('acme', 'add-only', ['Amsterdam HQ'], ['acme.webex.com']);
    const add = planRow(callingUser, undefined, onlyCtx);
    expect(add.op?.kind === 'add' && add.op.attributes.basicMessaging).toBe(true);
    const addRemove = planRow(callingUser, undefined, ctx);
    expect(addRemove.op?.kind === 'add' && addRemove.op.attributes.basicMessaging).toBe(false);
  });
});

describe('planRow with attributes the target cannot hold (Webex: the Jabber columns)', () => {
  const webex = planContext('acme', 'add-remove', ['Amsterdam HQ'], ['acme.webex.com'], ['jabberCalling', 'jabberTeams']);
  const { jabberCalling: _c, jabberTeams: _t, ...remote } = anna;

  it('still requires them, but neither sends nor compares them', () => {
    const added = planRow({ ...callingUser, attributes: { ...callingUser.attributes, jabberCalling: true } }, undefined, webex);
    expect(added.action).toBe('add');
    expect(added.op && 'attributes' in added.op ? Object.keys(added.op.attributes) : []).not.toContain('jabberCalling');
    const { jabberTeams: _drop, ...noTeams } = callingUser.attributes;
    expect(planRow({ ...callingUser, attributes: noTeams }, undefined, webex).issues.map((i) => i.code)).toEqual(['MISSING_MANDATORY_FIELD']);
    expect(planRow({ kind: 'set', email: 'anna@acme.nl', attributes: { jabberTeams: true } }, remote as DirectoryUser, webex).action).toBe('unchanged');
  });
});

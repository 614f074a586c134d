import { describe, expect, it } from 'vitest';
import { COLUMN_KEYS, type ColumnKey } from '../../src/domain/columns.js';
import { planContext, planRow } from '../../src/domain/plan.js';
import { validateRow, type RowLayout } from '../../src/domain/row.js';
import type { DirectoryUser, Intent, UserAttributes } from '../../src/domain/user.js';

/** The issue's customer: acme, with Amsterdam HQ and Rotterdam in the Netherlands, and Göteborg in Sweden. */
const countries = { 'amsterdam hq': 'NL', rotterdam: 'NL', 'göteborg': 'SE' };
const ctx = planContext('acme', 'add-remove', ['Amsterdam HQ', 'Rotterdam', 'Göteborg'], ['acme.webex.com'], [], countries);
const onlyCtx = planContext('acme', 'add-only', ['Amsterdam HQ', 'Rotterdam'], ['acme.webex.com'], [], countries);

/** anna.jansen@acme.example, already there with extension 0101 and number +31201110101. */
const anna: DirectoryUser = {
  id: '7', email: 'anna.jansen@acme.example', package: 'webex_calling', isFullAdmin: false,
  firstName: 'Anna', lastName: 'Jansen', displayName: 'Anna Jansen', extension: '0101', phoneNumber: '+31201110101', location: 'Amsterdam HQ',
  preferredSite: 'acme.webex.com', jabberCalling: true, jabberTeams: false, basicMessaging: false, basicSpaceMeetings: false, callingViaWebex: false,
};
const calling = (email: string, attributes: UserAttributes): Intent => ({
  kind: 'set', email, package: 'webex_calling',
  attributes: { preferredSite: 'acme.webex.com', jabberCalling: true, jabberTeams: false, ...attributes },
});
const codes = (intent: Intent, current?: DirectoryUser, context = ctx) => planRow(intent, current, context).issues.map((i) => i.code);

const layout: RowLayout = { index: Object.fromEntries(COLUMN_KEYS.map((k, i) => [k, i])), width: COLUMN_KEYS.length };
const record = (values: Partial<Record<ColumnKey, string>>): string[] => COLUMN_KEYS.map((k) => values[k] ?? '');

describe('spreadsheet damage compared with what is there (an error naming both values)', () => {
  it('an extension that lost its leading zero: 0101 now, 101 in the file', () => {
    const plan = planRow({ kind: 'set', email: anna.email, attributes: { displayName: 'Anna Jansen-Bos', extension: '101', location: 'Amsterdam HQ' } }, anna, ctx);
    expect(plan.action).toBe('none');
    expect(plan.op).toBeUndefined();
    expect(plan.issues.map((i) => [i.code, i.column])).toEqual([['SPREADSHEET_DAMAGE', 'Extension']]);
    expect(plan.issues[0]!.message).toContain('the file has "101" and the user has 0101 now; the leading zero was dropped');
  });

  it('a phone number that lost its "+", or turned into scientific notation (cells a row could not read)', () => {
    const draft = (raw: string) => {
      const row = validateRow(record({ email: anna.email, phoneNumber: raw, location: 'Amsterdam HQ' }), layout, 'add-remove', { countries: new Map(Object.entries(countries)) });
      return planRow(row.draft!.intent, anna, ctx, { draft: row.draft });
    };
    expect(draft('31201110101').issues[0]).toMatchObject({ code: 'SPREADSHEET_DAMAGE', message: expect.stringContaining('the "+" was dropped') });
    expect(draft('3,12011E+10').issues[0]).toMatchObject({ code: 'SPREADSHEET_DAMAGE', message: expect.stringContaining('scientific notation') });
    expect(draft('3.12011E+10').issues[0]!.message).toContain('user has +31201110101 now');
  });

  it('a real change is no damage', () => {
    expect(planRow({ kind: 'set', email: anna.email, attributes: { extension: '0102' } }, anna, ctx).action).toBe('modify');
    expect(planRow({ kind: 'set', email: anna.email, attributes: { extension: '101' } }, { ...anna, extension: '0102' }, ctx).action).toBe('modify');
  });
});

describe('phone numbers read in the location\'s country', () => {
  it('a national number in a row without a location is read in the user\'s location', () => {
    const plan = planRow({ kind: 'set', email: anna.email, attributes: { phoneNumber: '0201110105' } }, anna, ctx);
    expect(plan.action).toBe('modify');
    expect(plan.op).toMatchObject({ changes: { phoneNumber: '+31201110105' } });
    expect(plan.intent).toMatchObject({ attributes: { phoneNumber: '+31201110105' } });
  });

  it('a national number with no location to read it in is refused', () => {
    const plan = planRow(calling('new@acme.example', { phoneNumber: '0201110105' }), undefined, ctx);
    expect(plan.issues.map((i) => i.code)).toEqual(['INVALID_PHONE_NUMBER', 'MISSING_MANDATORY_FIELD']);
    expect(plan.issues[0]!.message).toContain('neither the row nor the user has a Location');
  });

  it('a number of another country than the location is a warning', () => {
    const plan = planRow(calling('sven@acme.example', { phoneNumber: '+46313000100', location: 'Amsterdam HQ' }), undefined, ctx);
    expect(plan.action).toBe('add');
    expect(plan.issues.map((i) => [i.code, i.severity])).toEqual([['PHONE_NUMBER_COUNTRY', 'warning']]);
    expect(plan.issues[0]!.message).toContain('a number of Sweden (SE), but location "Amsterdam HQ" is in Netherlands (NL)');
    expect(codes(calling('sven@acme.example', { phoneNumber: '+46313000100', location: 'Göteborg' }))).toEqual([]);
  });
});

describe('extensions Webex reserves (error 4911), per the location\'s country', () => {
  it.each([
    ['112', 'Amsterdam HQ'], ['911', 'Rotterdam'], ['112', 'Göteborg'], ['911', 'Göteborg'],
  ])('%s in %s is an error', (extension, location) => {
    expect(codes(calling('dirk.bos@acme.example', { extension, location }))).toEqual(['EXTENSION_RESERVED']);
  });
  it('the location the user has counts when the row names none', () => {
    const plan = planRow({ kind: 'set', email: anna.email, attributes: { extension: '112' } }, anna, ctx);
    expect(plan.issues[0]).toMatchObject({ code: 'EXTENSION_RESERVED', message: expect.stringContaining('emergency number in Netherlands (NL)') });
  });
  it('999 is an extension in the Netherlands', () => {
    expect(codes(calling('dirk.bos@acme.example', { extension: '999', location: 'Rotterdam' }))).toEqual([]);
  });
});

describe('names Webex refuses for a Webex Calling user', () => {
  const long = 'Maximiliaan-Alexander Johannes';
  it('a first or last name over 30 characters or with % # < > \\ / " is an error for a calling package', () => {
    expect(codes(calling('a@acme.example', { firstName: `${long}!`, extension: '1001', location: 'Rotterdam' }))).toEqual(['INVALID_VALUE']);
    expect(codes(calling('a@acme.example', { lastName: 'Smith <IT>', extension: '1001', location: 'Rotterdam' }))).toEqual(['INVALID_VALUE']);
    expect(codes(calling('a@acme.example', { firstName: long, extension: '1001', location: 'Rotterdam' }))).toEqual([]);
  });
  it('not for Webex Meetings, nor for a name the user already has and keeps', () => {
    const meetings: Intent = { kind: 'set', email: 'm@acme.example', package: 'webex_meetings', attributes: { firstName: `${long}!`, preferredSite: 'acme.webex.com', jabberCalling: false, jabberTeams: false } };
    expect(codes(meetings)).toEqual([]);
    expect(codes({ kind: 'set', email: anna.email, attributes: { firstName: `${long}!` } }, { ...anna, firstName: `${long}!` })).toEqual([]);
  });
  it('the name a user has now, when the user moves to a calling package', () => {
    const meetingsUser: DirectoryUser = { ...anna, package: 'webex_meetings', firstName: 'A/B' };
    const plan = planRow({ kind: 'set', email: anna.email, package: 'webex_suite', attributes: { jabberCalling: true, jabberTeams: true } }, meetingsUser, ctx);
    expect(plan.issues[0]).toMatchObject({ code: 'INVALID_VALUE', message: expect.stringContaining('who moves to Webex Suite') });
  });
});

describe('every problem of a row at once', () => {
  it('a wrong site and a missing extension; a bad location and a blank Jabber cell', () => {
    const site = planRow({ kind: 'set', email: 'n@acme.example', package: 'webex_calling', attributes: { location: 'Rotterdam', preferredSite: 'other.webex.com', jabberCalling: true, jabberTeams: true } }, undefined, ctx);
    expect(site.issues.map((i) => i.code)).toEqual(['SITE_NOT_FOUND', 'MISSING_MANDATORY_FIELD']);
    const location = planRow({ kind: 'set', email: 'n@acme.example', package: 'webex_calling', attributes: { location: 'Delft', extension: '1001', jabberTeams: true } }, undefined, ctx);
    expect(location.issues.map((i) => [i.code, i.column])).toEqual([['LOCATION_NOT_FOUND', 'Location'], ['MISSING_MANDATORY_FIELD', 'Jabber Calling']]);
  });

  it('a row with errors of its own is planned for its other errors, never applied, and a cell it could not read is not "blank"', () => {
    const row = validateRow(record({ email: 'n@acme.example', extension: '1', location: 'Delft', jabberCalling: 'ja', webex_calling: 'TRUE' }), layout, 'add-remove');
    expect(row.intent).toBeUndefined();
    expect(row.issues.map((i) => i.code)).toEqual(['INVALID_EXTENSION', 'INVALID_BOOLEAN']);
    const plan = planRow(row.draft!.intent, undefined, ctx, { draft: row.draft });
    expect(plan.action).toBe('none');
    expect(plan.op).toBeUndefined();
    // Not "Extension or Phone Number is required", not "Jabber Calling is required": those cells have values to fix.
    expect(plan.issues.map((i) => [i.code, i.column])).toEqual([['LOCATION_NOT_FOUND', 'Location'], ['MISSING_MANDATORY_FIELD', 'Jabber with Webex Teams']]);
  });
});

describe('one account, one organisation', () => {
  it('a new user whose e-mail another customer has is refused, naming that customer', () => {
    const plan = planRow(calling('anna.jansen@acme.example', { extension: '1001', location: 'Rotterdam' }), undefined, ctx, { elsewhere: '"Beta BV" (beta)' });
    expect(plan.issues[0]).toMatchObject({ code: 'USER_IN_OTHER_CUSTOMER', message: expect.stringContaining('already a user of customer "Beta BV" (beta)') });
    expect(plan.op).toBeUndefined();
  });
});

describe('basic licences left blank on a new user: the row says what the user got and why', () => {
  const meetings: Intent = { kind: 'set', email: 'm@acme.example', package: 'webex_meetings', attributes: { preferredSite: 'acme.webex.com', jabberCalling: false, jabberTeams: false, basicMessaging: true } };
  it('add-remove gives none of the blank ones', () => {
    const plan = planRow(meetings, undefined, ctx);
    expect(plan.op).toMatchObject({ attributes: { basicMessaging: true, basicSpaceMeetings: false, callingViaWebex: false } });
    expect(plan.note).toBe('Added without the basic licences Basic Space Meetings, Calling via Webex: their cells are blank, and in --mode add-remove a new user gets only those marked TRUE.');
  });
  it('add-only gives the defaults', () => {
    const plan = planRow(meetings, undefined, onlyCtx);
    expect(plan.op).toMatchObject({ attributes: { basicMessaging: true, basicSpaceMeetings: true, callingViaWebex: true } });
    expect(plan.note).toContain('Added with the default basic licences Basic Space Meetings, Calling via Webex');
  });
  it('no word when the row sets them all', () => {
    const all: Intent = { ...meetings, attributes: { ...(meetings as { attributes: UserAttributes }).attributes, basicSpaceMeetings: false, callingViaWebex: true } } as Intent;
    expect(planRow(all, undefined, ctx).note).toBeUndefined();
  });
});

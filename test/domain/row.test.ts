import { describe, expect, it } from 'vitest';
import { COLUMN_KEYS, type ColumnKey } from '../../src/domain/columns.js';
import { validateRow, type RowLayout } from '../../src/domain/row.js';

const layout: RowLayout = { index: Object.fromEntries(COLUMN_KEYS.map((k, i) => [k, i])), width: COLUMN_KEYS.length };

/** A full record from named values; every other column blank. */
function record(values: Partial<Record<ColumnKey, string>>): string[] {
  return COLUMN_KEYS.map((k) => values[k] ?? '');
}

const allFalse = { webex_calling: 'FALSE', webex_calling_standard: 'FALSE', webex_suite: 'FALSE', webex_voice: 'FALSE', webex_meetings: 'FALSE' };

describe('validateRow', () => {
  it('reads a calling user into an intent, keeping the extension as text', () => {
    const row = validateRow(record({ email: 'Anna@Acme.nl', firstName: ' Anna ', extension: '0101', phoneNumber: '+31201234567', location: 'Amsterdam', webex_calling: 'TRUE', webex_suite: 'FALSE', jabberCalling: 'f', jabberTeams: 'T' }), layout, 'add-remove');
    expect(row.issues).toEqual([]);
    expect(row.key).toBe('anna@acme.nl');
    expect(row.intent).toEqual({
      kind: 'set', email: 'anna@acme.nl', package: 'webex_calling',
      attributes: { firstName: 'Anna', extension: '0101', phoneNumber: '+31201234567', location: 'Amsterdam', jabberCalling: false, jabberTeams: true },
    });
  });

  it('treats blank cells as "no change"', () => {
    const row = validateRow(record({ email: 'anna@acme.nl', displayName: 'Anna dV' }), layout, 'add-remove');
    expect(row.intent).toEqual({ kind: 'set', email: 'anna@acme.nl', attributes: { displayName: 'Anna dV' } });
  });

  it('all five package columns FALSE removes the user', () => {
    expect(validateRow(record({ email: 'anna@acme.nl', ...allFalse }), layout, 'add-remove').intent).toEqual({ kind: 'remove', email: 'anna@acme.nl' });
  });

  it('in add-only mode an all-FALSE row is ignored with a warning, never a removal', () => {
    const row = validateRow(record({ email: 'anna@acme.nl', ...allFalse }), layout, 'add-only');
    expect(row.intent).toBeUndefined();
    expect(row.issues.map((i) => [i.code, i.severity])).toEqual([['REMOVAL_IGNORED', 'warning']]);
  });

  it('add-only ignores FALSE for basic licences, add-remove honours it', () => {
    const cells = record({ email: 'a@acme.nl', basicMessaging: 'FALSE', basicSpaceMeetings: 'TRUE' });
    const honoured = validateRow(cells, layout, 'add-remove').intent;
    const ignored = validateRow(cells, layout, 'add-only').intent;
    expect(honoured?.kind === 'set' && honoured.attributes).toEqual({ basicMessaging: false, basicSpaceMeetings: true });
    expect(ignored?.kind === 'set' && ignored.attributes).toEqual({ basicSpaceMeetings: true });
  });

  it('more than one package TRUE is an error naming the packages', () => {
    const row = validateRow(record({ email: 'a@acme.nl', webex_calling: 'TRUE', webex_meetings: 'true' }), layout, 'add-remove');
    expect(row.intent).toBeUndefined();
    expect(row.issues[0]).toMatchObject({ code: 'MULTIPLE_PACKAGES', severity: 'error' });
    expect(row.issues[0]!.message).toContain('Webex Calling, Webex Meetings');
  });

  it('some package columns FALSE and the rest blank is ambiguous, so an error', () => {
    const row = validateRow(record({ email: 'a@acme.nl', webex_calling: 'FALSE' }), layout, 'add-remove');
    expect(row.issues.map((i) => i.code)).toEqual(['PARTIAL_REMOVAL']);
  });

  it('reports every bad field of a row at once, each naming its column', () => {
    const row = validateRow(record({ email: 'a@acme.nl', phoneNumber: '3.12012E+10', extension: '1', jabberCalling: 'yes' }), layout, 'add-remove');
    expect(row.issues.map((i) => [i.code, i.column])).toEqual([
      ['INVALID_EXTENSION', 'Extension'],
      ['INVALID_PHONE_NUMBER', 'Phone Number'],
      ['INVALID_BOOLEAN', 'Jabber Calling'],
    ]);
    expect(row.key).toBe('a@acme.nl');
  });

  it('a missing or invalid e-mail is an error', () => {
    expect(validateRow(record({ firstName: 'Anna' }), layout, 'add-remove').issues[0]!.code).toBe('MISSING_EMAIL');
    expect(validateRow(record({ email: 'anna' }), layout, 'add-remove').issues[0]!.code).toBe('INVALID_EMAIL');
  });

  it('a row with the wrong number of fields is one clear error', () => {
    const row = validateRow([...record({ email: 'a@acme.nl' }), 'extra'], layout, 'add-remove');
    expect(row.issues).toHaveLength(1);
    expect(row.issues[0]!.code).toBe('WRONG_FIELD_COUNT');
    expect(row.issues[0]!.message).toContain(`${COLUMN_KEYS.length + 1} fields but the header has ${COLUMN_KEYS.length}`);
  });

  it('only reads the columns the file has', () => {
    const narrow: RowLayout = { index: { email: 0, webex_meetings: 1 }, width: 2 };
    expect(validateRow(['a@acme.nl', 'TRUE'], narrow, 'add-remove').intent).toEqual({ kind: 'set', email: 'a@acme.nl', package: 'webex_meetings', attributes: {} });
    // With only one package column present, FALSE in it cannot mean "remove the user".
    expect(validateRow(['a@acme.nl', 'FALSE'], narrow, 'add-remove').issues[0]!.code).toBe('PARTIAL_REMOVAL');
  });

  it('says which ignored columns hold a value, as a note that changes neither status nor code', () => {
    const wide: RowLayout = { index: { email: 0, webex_meetings: 2 }, width: 4, ignored: [{ at: 1, name: 'User Status' }, { at: 3, name: 'Afdeling' }] };
    const row = validateRow(['a@acme.nl', 'Active', 'TRUE', ''], wide, 'add-remove');
    expect(row.intent).toBeDefined();
    expect(row.issues).toEqual([{ code: 'IGNORED_CELLS', severity: 'info', message: 'Ignored (bulkhub does not read these columns): "User Status".' }]);
    expect(validateRow(['a@acme.nl', '', 'TRUE', ' '], wide, 'add-remove').issues).toEqual([]);
  });
});

describe('where a refusal is, said once', () => {
  it('leaves out the line or column the message names already', async () => {
    const { RunRefused, whereNotSaid } = await import('../../src/domain/codes.js');
    expect(whereNotSaid('Line 2, column "First Name": a quote appears inside a value', 2, 'First Name')).toBe('');
    expect(whereNotSaid('The quoted value is never closed', 3, 'Location')).toBe(' (line 3, column "Location")');
    expect(whereNotSaid('The header "X" names the column twice', 1, 'X')).toBe(' (line 1)');
    expect(new RunRefused('INVALID_QUOTE', 'Line 12: text follows a closing quote', { line: 12 }).describe()).toBe('Line 12: text follows a closing quote');
    expect(new RunRefused('INVALID_QUOTE', 'Line 12: text follows a closing quote', { line: 121 }).describe()).toBe('Line 12: text follows a closing quote (line 121)');
  });
});

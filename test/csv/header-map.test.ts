import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHeaderMapFile, mapHeader } from '../../src/csv/header-map.js';

const EMAIL = 'User ID/Email (Required)';

describe('mapHeader', () => {
  it('maps the canonical names to their keys and positions', () => {
    const map = mapHeader([EMAIL, 'First Name', 'Phone Number', 'Webex Calling']);
    expect(map.keys).toEqual(['email', 'firstName', 'phoneNumber', 'webex_calling']);
    expect(map.index).toEqual({ email: 0, firstName: 1, phoneNumber: 2, webex_calling: 3 });
    expect(map.unknown).toEqual([]);
  });

  it.each([
    ['UserID/Email (Required)', 'email'],
    ['Call on Webex (1:1 call, non-PSTN)', 'callingViaWebex'],
    ['Webex Calling [Sub123]', 'webex_calling'],
    ['Voorkeurssite voor Webex', 'preferredSite'],
    ['Locatie', 'location'],
    ['Basisberichten', 'basicMessaging'],
    ['  phone   NUMBER ', 'phoneNumber'],
    ['FIRST\u00A0NAME', 'firstName'],
    ['Last\u200BName', 'lastName'],
    ['\uFF2C\uFF4F\uFF43\uFF41\uFF54\uFF49\uFF4F\uFF4E', 'location'], // full-width "Location"
  ])('maps %j to %s', (name, key) => {
    const names = key === 'email' ? [name] : [name, EMAIL];
    expect(mapHeader(names).keys[0]).toBe(key);
  });

  it('lists unknown columns, but not our report columns, read-only export columns or a trailing empty cell', () => {
    const map = mapHeader([EMAIL, 'Afdeling', 'Error Code', 'Error Message', 'User Status', 'Kostenplaats', '', ' ']);
    expect(map.unknown).toEqual(['Afdeling', 'Kostenplaats']);
    expect(map.keys).toEqual(['email', null, null, null, null, null, null, null]);
    expect(map.names).toHaveLength(8);
  });

  it('reports an unnamed column in the middle, whose values would be lost', () => {
    expect(mapHeader([EMAIL, '', 'First Name']).unknown).toEqual(['']);
  });

  it('accepts extra aliases aimed at a canonical name or a key', () => {
    const map = mapHeader([EMAIL, 'Mobiel', 'Vestiging'], { mobiel: 'Phone Number', ' VESTIGING ': 'location' });
    expect(map.index).toEqual({ email: 0, phoneNumber: 1, location: 2 });
  });

  it('refuses extra aliases that name no column, or that would change a built-in name', () => {
    expect(() => mapHeader([EMAIL], { Mobiel: 'Mobile Phone' })).toThrow(expect.objectContaining({ code: 'BAD_HEADER_MAP' }));
    expect(() => mapHeader([EMAIL], { Locatie: 'preferredSite' })).toThrow(
      expect.objectContaining({ code: 'BAD_HEADER_MAP', message: expect.stringContaining('already means "Location"') }),
    );
  });

  it('refuses two cells for one column, naming both and their positions', () => {
    const names = [EMAIL, 'First Name', 'Last Name', 'Display Name', 'Extension', 'Phone Number', 'Location', 'Jabber Calling', 'Telefoonnummer'];
    expect(() => mapHeader(names)).toThrow(
      expect.objectContaining({
        code: 'DUPLICATE_COLUMN',
        column: 'Phone Number',
        message: expect.stringContaining('"Phone Number" (column 6) and "Telefoonnummer" (column 9)'),
      }),
    );
  });

  it('refuses a header without an e-mail column, listing what it found and the likely typo', () => {
    expect(() => mapHeader(['User ID/Emial (Required)', 'First Name'])).toThrow(
      expect.objectContaining({
        code: 'MISSING_EMAIL_COLUMN',
        message: expect.stringMatching(/Found: "User ID\/Emial \(Required\)", "First Name"\. Did you mean "User ID\/Emial \(Required\)"/),
      }),
    );
    expect(() => mapHeader(['Naam', 'Telefoon'])).toThrow(expect.objectContaining({ message: expect.not.stringContaining('Did you mean') }));
  });

  it('says the file seems to have no header row when the first row holds an address', () => {
    expect(() => mapHeader(['anna@acme.nl', 'Anna', 'Smit'])).toThrow(
      expect.objectContaining({ code: 'MISSING_EMAIL_COLUMN', message: expect.stringContaining('no header row') }),
    );
  });
});

describe('loadHeaderMapFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhub-headermap-'));
  const write = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('reads a JSON object and returns the targets as keys', async () => {
    const path = write('ok.json', '\uFEFF{ "Mobiel": "Phone Number", "Vestiging": "location" }');
    await expect(loadHeaderMapFile(path)).resolves.toEqual({ Mobiel: 'phoneNumber', Vestiging: 'location' });
  });

  it.each([
    ['not JSON', '{ Mobiel: 1 ', /not valid JSON/],
    ['an array', '["Phone Number"]', /one JSON object/],
    ['a number target', '{ "Mobiel": 6 }', /all strings/],
    ['an empty header text', '{ " ": "Location" }', /header text is empty/],
    ['an unknown target', '{ "Mobiel": "Mobile" }', /"Mobile", which is not a column/],
    ['a number under __proto__', '{ "__proto__": 5 }', /"__proto__" maps to 5, which is not a string/],
    ['an object under __proto__', '{ "Mobiel": "Phone Number", "__proto__": { "x": "Location" } }', /"__proto__" maps to \{"x":"Location"\}/],
    ['more entries than the limit', JSON.stringify(Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`h${i}`, 'Location']))), /10001 entries; at most 10000/],
  ])('refuses %s with BAD_HEADER_MAP', async (_case, text, message) => {
    await expect(loadHeaderMapFile(write('bad.json', text))).rejects.toMatchObject({ code: 'BAD_HEADER_MAP', message: expect.stringMatching(message) });
  });

  it('maps a header text "__proto__" like any other, never dropping it', async () => {
    const map = await loadHeaderMapFile(write('proto.json', '{ "__proto__": "Phone Number" }'));
    expect(Object.entries(map)).toEqual([['__proto__', 'phoneNumber']]);
    expect(mapHeader([EMAIL, '__proto__'], map).index.phoneNumber).toBe(1);
  });

  it('refuses a missing file with BAD_HEADER_MAP', async () => {
    await expect(loadHeaderMapFile(join(dir, 'nope.json'))).rejects.toMatchObject({ code: 'BAD_HEADER_MAP', message: expect.stringContaining('ENOENT') });
  });
});

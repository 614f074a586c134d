import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { acmeDirectory, readReport } from '../helpers/directory.js';

/** acme (helpers/directory.ts): Amsterdam HQ and Utrecht in NL, acme.webex.com, admin@acme.nl. */
async function importInto(acme: ReturnType<typeof acmeDirectory>, name: string, text: string, ...more: string[]) {
  const file = acme.write(`${name}.csv`, text);
  const out = join(acme.dir, name);
  const result = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--out', out, ...more]);
  const read = async () => ({
    rows: (await readReport(join(out, 'results.csv'))).slice(1),
    summary: JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Record<string, any>,
  });
  return { ...result, ...(existsSync(join(out, 'results.csv')) ? await read() : { rows: [] as string[][], summary: {} as Record<string, any> }) };
}

const MEETINGS_HEADER = 'User ID/Email (Required),First Name,Last Name,Preferred Webex Site,Jabber Calling,Jabber with Webex Teams';
const packages = 'Webex Calling,Webex Calling Standard,Webex Suite,Webex Voice,Webex Meetings';

describe('invisible and line-separating characters are row errors, named', () => {
  it.each([['\u200B', 'U+200B'], ['\u2028', 'U+2028'], ['\u00AD', 'U+00AD'], ['\u061C', 'U+061C'], ['\u180E', 'U+180E'], ['\u2060', 'U+2060']])(
    '%j in a name', async (char, code) => {
      const acme = acmeDirectory();
      const file = ['User ID/Email (Required),First Name,Preferred Webex Site,Jabber Calling,Jabber with Webex Teams,Webex Meetings',
        `a@acme.nl,An${char}na,acme.webex.com,FALSE,FALSE,TRUE`].join('\n');
      const run = await importInto(acme, 'hidden', file);
      expect(run.code).toBe(1);
      expect(run.rows[0]!.slice(2, 5)).toEqual(['none', 'error', 'INVALID_VALUE']);
      expect(run.rows[0]![5]).toContain(code);
    });
});

describe('Excel\'s TRUE and FALSE in another language are read', () => {
  it('WAAR/ONWAAR, SANT/FALSKT, VERO/FALSO', async () => {
    const acme = acmeDirectory();
    const file = [`${MEETINGS_HEADER},${packages}`,
      'a@acme.nl,A,A,acme.webex.com,ONWAAR,WAAR,ONWAAR,ONWAAR,ONWAAR,ONWAAR,WAAR',
      'b@acme.nl,B,B,acme.webex.com,FALSKT,SANT,FALSKT,FALSKT,FALSKT,FALSKT,SANT',
      'c@acme.nl,C,C,acme.webex.com,FALSO,VERO,FALSO,FALSO,FALSO,FALSO,VERO'].join('\n');
    const run = await importInto(acme, 'words', file);
    expect(run.code).toBe(0);
    expect(run.rows.map((r) => r.slice(2, 4))).toEqual([['add', 'ok'], ['add', 'ok'], ['add', 'ok']]);
  });
});

describe('decorated headers', () => {
  it('a decorated package column is that column, with a warning in the summary', async () => {
    const acme = acmeDirectory();
    const file = [`${MEETINGS_HEADER},Webex Meetings (Suspended) [Sub100]`, 'a@acme.nl,A,A,acme.webex.com,FALSE,FALSE,TRUE'].join('\n');
    const run = await importInto(acme, 'decorated', file);
    expect(run.code).toBe(0);
    expect(run.rows[0]!.slice(2, 4)).toEqual(['add', 'ok']);
    expect(run.summary.fileWarnings).toEqual([{ code: 'DECORATED_COLUMN', message: expect.stringContaining('"Webex Meetings (Suspended) [Sub100]" is read as the column "Webex Meetings"') }]);
    expect(run.summary.warnings).toBe(1);
    expect(run.stdout).toContain('DECORATED_COLUMN: The header "Webex Meetings (Suspended) [Sub100]" is read as the column "Webex Meetings"');
  });

  it('a header that looks like a package column but cannot be read refuses the file: nothing is applied', async () => {
    const acme = acmeDirectory();
    const file = [`${MEETINGS_HEADER},Webex Calling,Webex Calling Standrad,Webex Suite,Webex Voice,Webex Meetings`, 'a@acme.nl,A,A,acme.webex.com,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,TRUE'].join('\n');
    const run = await importInto(acme, 'unreadable', file);
    expect(run.code).toBe(2);
    expect(run.said).toContain('UNREADABLE_PACKAGE_COLUMN: The header "Webex Calling Standrad" (column 8) looks like the package column "Webex Calling Standard"');
    const exported = await runCli(['users', 'export', '--customer', 'acme', '--db', acme.db]);
    expect(exported.stdout).not.toContain('a@acme.nl');
  });
});

describe('what was ignored is visible', () => {
  it('ignored columns are listed in summary.json and the printed summary, as one warning; a row says which of its cells were ignored', async () => {
    const acme = acmeDirectory();
    const file = [`${MEETINGS_HEADER},User Status,Afdeling,Webex Meetings`, 'a@acme.nl,A,A,acme.webex.com,FALSE,FALSE,Active,Sales,TRUE', 'b@acme.nl,B,B,acme.webex.com,FALSE,FALSE,,,TRUE'].join('\n');
    const run = await importInto(acme, 'ignored', file);
    expect(run.code).toBe(0);
    expect(run.summary.ignoredColumns).toEqual(['User Status', 'Afdeling']);
    expect(run.summary.warnings).toBe(1);
    expect(run.summary.fileWarnings[0]).toMatchObject({ code: 'UNKNOWN_COLUMN', message: expect.stringContaining('"User Status", "Afdeling"') });
    expect(run.stdout).toContain('UNKNOWN_COLUMN: Ignored columns');
    expect(run.rows[0]![5]).toContain('Ignored (bulkhub does not read these columns): "User Status", "Afdeling".');
    expect(run.rows[1]![5]).not.toContain('Ignored');
  });
});

describe('every problem of a row at once, the first code in the code column', () => {
  it('a wrong site with a missing extension; a bad location with a blank Jabber cell; a bad cell with an unknown location', async () => {
    const acme = acmeDirectory();
    const header = 'User ID/Email (Required),Extension,Location,Preferred Webex Site,Jabber Calling,Jabber with Webex Teams,Webex Calling,Webex Calling Standard,Webex Suite,Webex Voice,Webex Meetings';
    const run = await importInto(acme, 'all', [header,
      'a@acme.nl,,Utrecht,other.webex.com,TRUE,TRUE,TRUE,FALSE,FALSE,FALSE,FALSE',
      'b@acme.nl,1001,Delft,acme.webex.com,,TRUE,TRUE,FALSE,FALSE,FALSE,FALSE',
      'c@acme.nl,1,Delft,acme.webex.com,maybe,TRUE,TRUE,FALSE,FALSE,FALSE,FALSE'].join('\n'));
    expect(run.code).toBe(1);
    expect(run.rows.map((r) => r.slice(0, 5))).toEqual([
      ['2', 'a@acme.nl', 'none', 'error', 'SITE_NOT_FOUND'],
      ['3', 'b@acme.nl', 'none', 'error', 'LOCATION_NOT_FOUND'],
      ['4', 'c@acme.nl', 'none', 'error', 'INVALID_EXTENSION'],
    ]);
    const messages = run.rows.map((r) => r[5]!.split(' | '));
    expect(messages[0]).toEqual([expect.stringContaining('"other.webex.com" is not a Webex site'), expect.stringContaining('Extension or Phone Number is required')]);
    expect(messages[1]).toEqual([expect.stringContaining('"Delft" is not a location'), expect.stringContaining('Jabber Calling is required')]);
    expect(messages[2]).toEqual([expect.stringContaining('found "1"'), expect.stringContaining('Jabber Calling: expected TRUE or FALSE'), expect.stringContaining('"Delft" is not a location')]);
    // The results.csv contract keeps its six columns.
    expect((await readReport(join(acme.dir, 'all', 'results.csv')))[0]).toEqual(['line', 'email', 'action', 'status', 'code', 'message']);
  });
});

describe('basic licences left blank on a new user', () => {
  it('each mode says on the row what the user got and why', async () => {
    const acme = acmeDirectory();
    const header = `${MEETINGS_HEADER},${packages},Basic Messaging,Basic Space Meetings,Calling via Webex`;
    const addRemove = await importInto(acme, 'licences', [header, 'a@acme.nl,A,A,acme.webex.com,FALSE,FALSE,,,,,TRUE,TRUE,,'].join('\n'));
    expect(addRemove.rows[0]!.slice(2, 6)).toEqual(['add', 'ok', '',
      'Added without the basic licences Basic Space Meetings, Calling via Webex: their cells are blank, and in --mode add-remove a new user gets only those marked TRUE.']);
    const addOnly = await importInto(acme, 'licences-only', [header, 'b@acme.nl,B,B,acme.webex.com,FALSE,FALSE,,,,,TRUE,TRUE,FALSE,'].join('\n'), '--mode', 'add-only');
    expect(addOnly.rows[0]![5]).toContain('Added with the default basic licences Basic Space Meetings, Calling via Webex: in --mode add-only');
    const exported = (await runCli(['users', 'export', '--customer', 'acme', '--db', acme.db])).stdout;
    expect(exported).toMatch(/a@acme\.nl,.*,TRUE,FALSE,FALSE\r?\n/);
    expect(exported).toMatch(/b@acme\.nl,.*,TRUE,TRUE,TRUE\r?\n/);
  });
});

describe('one account, one organisation', () => {
  it('an e-mail another customer has is refused on the row, naming that customer; customers create refuses another customer\'s admin', async () => {
    const acme = acmeDirectory();
    const beta = await runCli(['customers', 'create', '--id', 'beta', '--name', 'Beta BV', '--admin-email', 'boss@beta.nl', '--package', 'Webex Meetings', '--db', acme.db]);
    expect(beta.code).toBe(0);
    const run = await importInto(acme, 'elsewhere', ['User ID/Email (Required),Preferred Webex Site,Jabber Calling,Jabber with Webex Teams,Webex Meetings',
      'boss@beta.nl,acme.webex.com,FALSE,FALSE,TRUE'].join('\n'));
    expect(run.rows[0]!.slice(2, 5)).toEqual(['none', 'error', 'USER_IN_OTHER_CUSTOMER']);
    expect(run.rows[0]![5]).toContain('boss@beta.nl is already a user of customer "Beta BV" (beta)');

    const again = await runCli(['customers', 'create', '--id', 'gamma', '--name', 'Gamma BV', '--admin-email', 'Admin@Acme.nl', '--package', 'Webex Meetings', '--db', acme.db]);
    expect(again.code).toBe(2);
    expect(again.said).toContain('BAD_ARGUMENTS: admin@acme.nl is already the admin of customer "Acme BV" (acme), and a Webex account belongs to one organisation');
    expect((await runCli(['customers', 'list', '--db', acme.db, '--json'])).stdout).not.toContain('gamma');
  });
});

describe('messages a partner can act on', () => {
  it('a pipe-delimited file is told about its delimiter', async () => {
    const acme = acmeDirectory();
    const run = await importInto(acme, 'pipes', ['User ID/Email (Required)|First Name|Webex Meetings', 'a@acme.nl|A|TRUE'].join('\n'));
    expect(run.code).toBe(2);
    expect(run.said).toContain('MISSING_EMAIL_COLUMN: The header has no "User ID/Email (Required)" column as bulkhub reads it: the header line separates its columns with "|"');
  });

  it('a non-ASCII e-mail names the character', async () => {
    const acme = acmeDirectory();
    const run = await importInto(acme, 'umlaut', [MEETINGS_HEADER + ',Webex Meetings', 'anna.jänsen@acme.nl,A,A,acme.webex.com,FALSE,FALSE,TRUE'].join('\n'));
    expect(run.rows[0]![4]).toBe('INVALID_EMAIL');
    expect(run.rows[0]![5]).toContain('has "ä" (U+00E4) before "@"');
  });

  it('a refusal names its line once', async () => {
    const acme = acmeDirectory();
    const run = await importInto(acme, 'quote', [MEETINGS_HEADER, 'a@acme.nl,A"B,A,acme.webex.com,FALSE,FALSE'].join('\n'));
    expect(run.code).toBe(2);
    expect(run.said).toMatch(/INVALID_QUOTE: Line 2, column "First Name": /);
    expect(run.said).not.toMatch(/\(line 2/);
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteBackend } from '../../src/backends/sqlite/backend.js';
import { openDb } from '../../src/db/open.js';
import { runCli } from '../helpers/cli.js';
import { acmeDirectory, readReport } from '../helpers/directory.js';

/**
 * The customer: acme, with Amsterdam HQ and Rotterdam in NL, the site acme.webex.com,
 * and anna.jansen@acme.example already there with extension 0101 and number +31201110101.
 */
async function acme(): Promise<{ dir: string; db: string; run(name: string, lines: string[], ...more: string[]): Promise<Run> }> {
  const { dir, db: dbPath } = acmeDirectory({ adminEmail: 'admin@acme.example', locations: [{ name: 'Amsterdam HQ', country: 'NL' }, { name: 'Rotterdam', country: 'NL' }] });
  const db = openDb(dbPath);
  const backend = createSqliteBackend(db);
  const added = await backend.apply({
    kind: 'add', customerId: 'acme', email: 'anna.jansen@acme.example', package: 'webex_calling',
    attributes: { firstName: 'Anna', lastName: 'Jansen', displayName: 'Anna Jansen', extension: '0101', phoneNumber: '+31201110101', location: 'Amsterdam HQ',
      preferredSite: 'acme.webex.com', jabberCalling: true, jabberTeams: false },
  });
  expect(added.status).toBe('ok');
  db.close();
  return {
    dir,
    db: dbPath,
    async run(name, lines, ...more) {
      const file = join(dir, `${name}.csv`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      const out = join(dir, name);
      const result = await runCli(['users', 'import', file, '--customer', 'acme', '--db', dbPath, '--out', out, ...more]);
      const results = await readReport(join(out, 'results.csv'));
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Record<string, unknown>;
      return { code: result.code, stdout: result.stdout, stderr: result.stderr, rows: results.slice(1), summary, out };
    },
  };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  rows: string[][];
  summary: Record<string, unknown>;
  out: string;
}

const HEADER = 'User ID/Email (Required),First Name,Last Name,Display Name,Extension,Phone Number,Location,Preferred Webex Site,Jabber Calling,Jabber with Webex Teams,Webex Calling,Webex Calling Standard,Webex Suite,Webex Voice,Webex Meetings';
/** A new Webex Calling user of acme, the way. */
const callingRow = (email: string, first: string, last: string, extension: string, phone: string, location: string): string =>
  `${email},${first},${last},${first} ${last},${extension},${phone},${location},acme.webex.com,TRUE,FALSE,TRUE,FALSE,FALSE,FALSE,FALSE`;

async function exported(db: string): Promise<string> {
  const result = await runCli(['users', 'export', '--customer', 'acme', '--db', db]);
  expect(result.code).toBe(0);
  return result.stdout;
}

describe('the issue\'s examples: values a spreadsheet damaged and values Webex refuses, caught on the row', () => {
  it('an extension that lost its leading zero is refused, naming 0101 now and 101 in the file; nothing changes', async () => {
    const acmeCo = await acme();
    const header = 'User ID/Email (Required),First Name,Last Name,Display Name,Extension,Location,Webex Calling,Webex Calling Standard,Webex Suite,Webex Voice,Webex Meetings';
    const run = await acmeCo.run('zero', [header, 'anna.jansen@acme.example,Anna,Jansen,Anna Jansen-Bos,101,Amsterdam HQ,TRUE,FALSE,FALSE,FALSE,FALSE']);
    expect(run.code).toBe(1);
    expect(run.rows[0]!.slice(0, 5)).toEqual(['2', 'anna.jansen@acme.example', 'none', 'error', 'SPREADSHEET_DAMAGE']);
    expect(run.rows[0]![5]).toContain('Extension: the file has "101" and the user has 0101 now; the leading zero was dropped');
    expect(await exported(acmeCo.db)).toContain('anna.jansen@acme.example,Anna,Jansen,Anna Jansen,0101,');
  });

  it('the (0) trunk prefix: stored as +31201110104; anna\'s number written so is in use, in the dry run too', async () => {
    const acmeCo = await acme();
    const lines = [HEADER, callingRow('eva.kok@acme.example', 'Eva', 'Kok', '0104', '+31 (0)20 111 0104', 'Amsterdam HQ'),
      callingRow('dirk.bos@acme.example', 'Dirk', 'Bos', '0105', '+31 (0)20 111 0101', 'Amsterdam HQ')];
    const dry = await acmeCo.run('trunk-dry', lines, '--dry-run');
    expect(dry.rows.map((r) => r.slice(0, 5))).toEqual([
      ['2', 'eva.kok@acme.example', 'add', 'ok', ''],
      ['3', 'dirk.bos@acme.example', 'add', 'error', 'PHONE_NUMBER_IN_USE'],
    ]);
    expect(dry.rows[1]![5]).toContain('+31201110101 is already used by another user (anna.jansen@acme.example)');
    const real = await acmeCo.run('trunk', lines);
    expect(real.code).toBe(1);
    expect(await exported(acmeCo.db)).toContain("eva.kok@acme.example,Eva,Kok,Eva Kok,0104,'+31201110104,Amsterdam HQ");
  });

  it('emergency numbers as extensions are refused, per the location\'s country', async () => {
    const acmeCo = await acme();
    const run = await acmeCo.run('emergency', [HEADER, callingRow('dirk.bos@acme.example', 'Dirk', 'Bos', '112', '', 'Amsterdam HQ'),
      callingRow('eva.kok@acme.example', 'Eva', 'Kok', '911', '', 'Rotterdam'), callingRow('piet@acme.example', 'Piet', 'Smit', '999', '', 'Rotterdam')]);
    expect(run.rows.map((r) => r.slice(0, 5))).toEqual([
      ['2', 'dirk.bos@acme.example', 'none', 'error', 'EXTENSION_RESERVED'],
      ['3', 'eva.kok@acme.example', 'none', 'error', 'EXTENSION_RESERVED'],
      ['4', 'piet@acme.example', 'add', 'ok', ''],
    ]);
    expect(run.rows[0]![5]).toBe('Extension: 112 is an emergency number in Netherlands (NL), and Webex refuses an emergency number as an extension (Webex error 4911). Choose another extension.');
  });

  it('national numbers in an NL location: 0201110105 is +31201110105; 201110106 gets the national reading, not Egypt', async () => {
    const acmeCo = await acme();
    const run = await acmeCo.run('national', [HEADER, callingRow('eva.kok@acme.example', 'Eva', 'Kok', '', '0201110105', 'Rotterdam'),
      callingRow('dirk.bos@acme.example', 'Dirk', 'Bos', '', '201110106', 'Rotterdam'),
      // No Location in the row: read in the user's own location.
      'anna.jansen@acme.example,,,,,020 111 0107,,,,,,,,,']);
    expect(run.rows.map((r) => r.slice(0, 5))).toEqual([
      ['2', 'eva.kok@acme.example', 'add', 'ok', ''],
      ['3', 'dirk.bos@acme.example', 'none', 'error', 'INVALID_PHONE_NUMBER'],
      ['4', 'anna.jansen@acme.example', 'modify', 'ok', ''],
    ]);
    expect(run.rows[1]![5]).toContain('it reads as 020 111 0106 in Netherlands (NL), which is +31201110106');
    expect(run.rows[1]![5]).not.toContain('+201110106');
    const now = await exported(acmeCo.db);
    expect(now).toContain("eva.kok@acme.example,Eva,Kok,Eva Kok,,'+31201110105,Rotterdam");
    expect(now).toContain("anna.jansen@acme.example,Anna,Jansen,Anna Jansen,0101,'+31201110107,Amsterdam HQ");
  });

  it('a duplicate written two ways is one number: both rows are refused', async () => {
    const acmeCo = await acme();
    const run = await acmeCo.run('twice', [HEADER, callingRow('eva.kok@acme.example', 'Eva', 'Kok', '', '020 111 0199', 'Rotterdam'),
      callingRow('dirk.bos@acme.example', 'Dirk', 'Bos', '', '+31 (0)20 111 0199', 'Rotterdam')]);
    expect(run.rows.map((r) => r[4])).toEqual(['DUPLICATE_PHONE_NUMBER', 'DUPLICATE_PHONE_NUMBER']);
    expect(run.rows[0]![5]).toContain('+31201110199 is given to the users on lines 2 and 3');
  });
});

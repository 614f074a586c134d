import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { acmeDirectory, HEADER, readReport, userLine } from '../helpers/directory.js';

/** Acme (locations Amsterdam HQ and Utrecht, site acme.webex.com) with one calling user who has +31201234500. */
function acme() {
  const world = acmeDirectory();
  const db = openDb(world.db);
  db.prepare(`INSERT INTO users (customer_id, email, package, phone_number, location) VALUES ('acme', 'old@acme.nl', 'webex_calling', '+31201234500', 'Utrecht')`).run();
  db.close();
  const bulkhub = (...args: string[]): Promise<CliResult> => runCli(['--db', world.db, ...args], { cwd: world.dir });
  return { ...world, bulkhub };
}

const BRANCHES = 'Location Name,Country,Address Line 1,City,Zip or Postal Code\nRotterdam,NL,Coolsingel 40,Rotterdam,3011 AD\nUtrecht,nl,,,\n';

const calling = (email: string, pkg: 'webex_calling' | 'webex_calling_standard' | 'webex_suite', location: string, extra: Record<string, string> = {}) =>
  userLine({ email, location, preferredSite: 'acme.webex.com', jabberCalling: 'TRUE', jabberTeams: 'TRUE', [pkg]: 'TRUE', ...extra });

const USERS = [
  HEADER,
  calling('anna@acme.nl', 'webex_suite', 'Rotterdam'),
  calling('bram@acme.nl', 'webex_calling', 'Utrecht', { phoneNumber: '+31201234501' }),
  calling('cees@acme.nl', 'webex_calling_standard', 'Amsterdam HQ'),
  calling('dirk@acme.nl', 'webex_calling', 'Utrecht', { extension: '4001' }),
  userLine({ email: 'eva@acme.nl', preferredSite: 'acme.webex.com', jabberCalling: 'FALSE', jabberTeams: 'TRUE', webex_meetings: 'TRUE' }),
].join('\n');

describe('bulkhub customers setup', () => {
  it('adds the branches, gives calling users without a number a free one from the pool, and imports through the pipeline', async () => {
    const w = acme();
    const out = join(w.dir, 'setup');
    const result = await w.bulkhub(
      'customers', 'setup', 'acme', '--locations', w.write('branches.csv', BRANCHES), '--users', w.write('users.csv', USERS),
      '--number-pool', '+31201234500-+31201234599', '--out', out,
    );
    expect(result.stderr).not.toContain('bulkhub:');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Locations: 1 added (Rotterdam); already there: Utrecht');
    // +31201234500 is taken in the customer and +31201234501 in the file: the next free ones, in file order.
    expect(result.stdout).toContain(`Phone numbers from the pool (2), written into ${join(out, 'users-with-numbers.csv')}:\n    anna@acme.nl  +31201234502\n    cees@acme.nl  +31201234503`);
    expect(result.stdout).toMatch(/Users: run \S+: 5 rows: 5 added, 0 modified, 0 removed, 0 unchanged, 0 warnings, 0 errors/);
    expect(result.stdout).toContain(`Reports: ${out}`);
    expect((await readReport(join(out, 'results.csv'))).slice(1).map((r) => r[3])).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);

    await w.bulkhub('users', 'export', '--customer', 'acme', '--out', join(w.dir, 'now.csv'));
    const [header, ...users] = await readReport(join(w.dir, 'now.csv'));
    // Reports neutralise cells for spreadsheets: +31... is written '+31...
    const phone = (email: string) => users.find((u) => u[0] === email)![header!.indexOf('Phone Number')]!.replace(/^'/, '');
    expect([phone('anna@acme.nl'), phone('bram@acme.nl'), phone('cees@acme.nl'), phone('dirk@acme.nl'), phone('eva@acme.nl')]).toEqual([
      '+31201234502', '+31201234501', '+31201234503', '', '',
    ]);
    const locations = JSON.parse((await w.bulkhub('locations', 'list', '--customer', 'acme', '--json')).stdout);
    expect(locations.find((l: { name: string }) => l.name === 'Rotterdam')).toEqual({
      customerId: 'acme', name: 'Rotterdam', country: 'NL', addressLine1: 'Coolsingel 40', city: 'Rotterdam', zipOrPostalCode: '3011 AD',
    });

    // Running the same setup again changes nothing and hands out no new numbers.
    const again = await w.bulkhub('customers', 'setup', 'acme', '--locations', join(w.dir, 'branches.csv'), '--users', join(w.dir, 'users.csv'),
      '--number-pool', '+31201234500-+31201234599', '--out', join(w.dir, 'again'), '--json');
    expect(again.code).toBe(0);
    const summary = JSON.parse(again.stdout);
    expect(summary.locations).toEqual({ added: [], existing: ['Rotterdam', 'Utrecht'] });
    expect(summary.numbers).toEqual([]);
    expect(summary.import.summary).toMatchObject({ rows: 5, unchanged: 5, errors: 0 });
  });

  it('refuses before any change when the pool has too few free numbers', async () => {
    const w = acme();
    const result = await w.bulkhub('customers', 'setup', 'acme', '--locations', w.write('branches.csv', BRANCHES), '--users', w.write('users.csv', USERS),
      '--number-pool', '+31201234500-+31201234502', '--out', join(w.dir, 'setup'));
    expect(result.code).toBe(2);
    expect(result.said).toContain('NUMBER_POOL_EXHAUSTED: 2 users with a calling package have no Extension or Phone Number, but the number pool +31201234500-+31201234502 has only 1 free number');
    expect(result.said).toContain('Without a number: cees@acme.nl (line 4)');
    const shown = JSON.parse((await w.bulkhub('customers', 'show', 'acme', '--json')).stdout);
    expect(shown.userCount).toBe(2);
    expect(shown.locations.map((l: { name: string }) => l.name)).toEqual(['Amsterdam HQ', 'Utrecht']);
  });

  it('without a pool, a calling user without a number is the import\'s row error', async () => {
    const w = acme();
    const result = await w.bulkhub('customers', 'setup', 'acme', '--users', w.write('users.csv', USERS), '--locations', w.write('b.csv', BRANCHES), '--out', join(w.dir, 'setup'));
    expect(result.code).toBe(1);
    expect(existsSync(join(w.dir, 'setup', 'users-with-numbers.csv'))).toBe(false);
    const rows = await readReport(join(w.dir, 'setup', 'results.csv'));
    expect(rows.filter((r) => r[3] === 'error').map((r) => [r[1], r[4]])).toEqual([
      ['anna@acme.nl', 'MISSING_MANDATORY_FIELD'],
      ['cees@acme.nl', 'MISSING_MANDATORY_FIELD'],
    ]);
  });

  it('checks the whole locations file first and names every bad line', async () => {
    const w = acme();
    const cases: [string, RegExp][] = [
      [`Location Name,Country\nRotterdam,NL\nDen Haag,Netherlands\n${'x'.repeat(81)},NL\nrotterdam,NL\n`,
        /line 3: Country "Netherlands" is not a 2-letter ISO 3166 code[\s\S]*line 4: Location Name is at most 80 characters[\s\S]*line 5: Location "rotterdam" is already on line 2/],
      ['Name,Land\nRotterdam,NL\n', /the header must name the columns Location Name, Country, .*; unknown: Land/],
      ['Location Name,Country\nUtrecht,BE\n', /Line 2: location "Utrecht" already exists in customer acme in NL, not BE/],
      ['Location Name;Country\n"Rotterdam;NL\n', /not a valid CSV/],
    ];
    for (const [text, message] of cases) {
      const result = await w.bulkhub('customers', 'setup', 'acme', '--locations', w.write('bad.csv', text));
      expect(result.code, text).toBe(2);
      expect(result.said, text).toMatch(message);
    }
    const semicolons = await w.bulkhub('customers', 'setup', 'acme', '--locations', w.write('ok.csv', '\uFEFFLocation Name;Country;City\nDen Haag;NL;Den Haag\n'));
    expect(semicolons.stdout).toBe('Customer acme set up.\n  Locations: 1 added (Den Haag)\n');
    expect(JSON.parse((await w.bulkhub('locations', 'list', '--customer', 'acme', '--json')).stdout).map((l: { name: string }) => l.name)).toEqual([
      'Amsterdam HQ', 'Den Haag', 'Utrecht',
    ]);
  });

  it('refuses bad arguments and unknown customers', async () => {
    const w = acme();
    const users = w.write('users.csv', USERS);
    const cases: [string[], RegExp][] = [
      [['customers', 'setup', 'acme'], /Give what to set up: --locations FILE\.csv, --users FILE\.csv, or both/],
      [['customers', 'setup', 'acme', '--locations', w.write('b.csv', BRANCHES), '--number-pool', '+31201234500-+31201234599'], /--number-pool numbers the users of --users/],
      [['customers', 'setup', 'acme', '--users', users, '--number-pool', '0201234500-0201234599'], /Number pool "0201234500-0201234599" is not a range/],
      [['customers', 'setup', 'nope', '--users', users], /CUSTOMER_NOT_FOUND/],
    ];
    for (const [args, message] of cases) {
      const result = await w.bulkhub(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.said, args.join(' ')).toMatch(message);
    }
    expect(readFileSync(users, 'utf8')).toBe(USERS); // the input is never rewritten in place
  });
});

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempDir, type CliResult } from '../helpers/cli.js';

let dir: string;
let bulkhub: (...args: string[]) => Promise<CliResult>;

beforeEach(() => {
  dir = tempDir('bulkhub-cli-directory-');
  bulkhub = (...args) => runCli(['--db', join(dir, 'bulkhub.db'), ...args]);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const json = (result: CliResult): unknown => {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
};

describe('bulkhub customers / locations / sites', () => {
  it('creates a customer and prints only its id, generated or given', async () => {
    const generated = await bulkhub('customers', 'create', '--name', 'Acme BV', '--admin-email', 'Admin@Acme.com', '--package', 'Webex Suite');
    expect(generated.code).toBe(0);
    expect(generated.stdout).toMatch(/^cust-[a-z2-7]{8}\n$/);

    const given = await bulkhub('customers', 'create', '--id', 'globex', '--name', 'Globex', '--admin-email', 'ceo@globex.com', '--package', 'webex_calling', '--json');
    expect(json(given)).toEqual({ id: 'globex', name: 'Globex', package: 'webex_calling', adminEmail: 'ceo@globex.com' });

    const list = json(await bulkhub('customers', 'list', '--json')) as { id: string; package: string; adminEmail: string; userCount: number }[];
    expect(list.map((c) => [c.id, c.package, c.adminEmail, c.userCount])).toEqual([
      [generated.stdout.trim(), 'webex_suite', 'admin@acme.com', 1],
      ['globex', 'webex_calling', 'ceo@globex.com', 1],
    ]);
  });

  it('refuses an unknown package, a taken id and missing options with exit code 2', async () => {
    const unknown = await bulkhub('customers', 'create', '--name', 'X', '--admin-email', 'a@x.com', '--package', 'Webex Gold');
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.said).toContain('BAD_ARGUMENTS: Unknown package "Webex Gold"');
    expect(unknown.said).toContain('"Webex Calling Standard" (webex_calling_standard)');

    expect((await bulkhub('customers', 'create', '--id', 'acme', '--name', 'A', '--admin-email', 'a@a.com', '--package', 'webex_voice')).code).toBe(0);
    const taken = await bulkhub('customers', 'create', '--id', 'acme', '--name', 'B', '--admin-email', 'b@b.com', '--package', 'webex_voice');
    expect(taken.code).toBe(2);
    expect(taken.said).toMatch(/Customer id "acme" already exists/);

    const missing = await bulkhub('customers', 'create', '--name', 'No Admin');
    expect(missing.code).toBe(2);
    expect(missing.said).toMatch(/admin-email/);
    expect((await bulkhub('customers')).code).toBe(2);
  });

  it('adds locations and sites, and shows them with the customer', async () => {
    await bulkhub('customers', 'create', '--id', 'acme', '--name', 'Acme BV', '--admin-email', 'admin@acme.com', '--package', 'Webex Calling');
    const hq = await bulkhub(
      'locations', 'add', '--customer', 'acme', '--name', 'Amsterdam HQ', '--country', 'nl',
      '--address-line1', 'Dam 1', '--city', 'Amsterdam', '--zip-or-postal-code', '1012 JS',
    );
    expect(hq).toMatchObject({ code: 0, stdout: 'Added location "Amsterdam HQ" (NL) to customer acme.\n' });
    expect((await bulkhub('locations', 'add', '--customer', 'acme', '--name', 'Utrecht', '--country', 'NL', '--quiet')).stdout).toBe('');
    const site = json(await bulkhub('sites', 'add', '--customer', 'acme', '--url', 'https://ACME.webex.com/', '--json'));
    expect(site).toEqual({ customerId: 'acme', url: 'acme.webex.com' });

    expect(json(await bulkhub('locations', 'list', '--customer', 'acme', '--json'))).toEqual([
      { customerId: 'acme', name: 'Amsterdam HQ', country: 'NL', addressLine1: 'Dam 1', city: 'Amsterdam', zipOrPostalCode: '1012 JS' },
      { customerId: 'acme', name: 'Utrecht', country: 'NL' },
    ]);
    expect((await bulkhub('sites', 'list', '--customer', 'acme')).stdout).toBe('acme.webex.com\n');

    const shown = json(await bulkhub('customers', 'show', 'acme', '--json')) as Record<string, unknown>;
    expect(shown).toMatchObject({
      id: 'acme',
      package: 'webex_calling',
      userCount: 1,
      usersByPackage: { webex_calling: 1, webex_suite: 0 },
      sites: [{ url: 'acme.webex.com' }],
    });
    expect((shown.locations as unknown[]).length).toBe(2);
    const text = await bulkhub('customers', 'show', 'acme');
    expect(text.stdout).toContain('Customer acme: Acme BV');
    expect(text.stdout).toMatch(/Webex Calling\s+1/);
  });

  it('refuses bad locations and sites, and an unknown customer, with exit code 2', async () => {
    await bulkhub('customers', 'create', '--id', 'acme', '--name', 'Acme', '--admin-email', 'admin@acme.com', '--package', 'webex_meetings');
    const cases: [string[], RegExp][] = [
      [['locations', 'add', '--customer', 'acme', '--name', 'HQ', '--country', 'Netherlands'], /BAD_ARGUMENTS: Country "Netherlands" is not a 2-letter/],
      [['locations', 'add', '--customer', 'acme', '--name', 'x'.repeat(81), '--country', 'NL'], /at most 80 characters/],
      [['locations', 'add', '--customer', 'nope', '--name', 'HQ', '--country', 'NL'], /CUSTOMER_NOT_FOUND: Customer "nope"/],
      [['sites', 'add', '--customer', 'acme', '--url', 'https://acme.webex.com/join'], /not a Webex site URL/],
      [['sites', 'list', '--customer', 'nope'], /CUSTOMER_NOT_FOUND/],
      [['customers', 'show', 'nope'], /CUSTOMER_NOT_FOUND.*bulkhub customers create/],
    ];
    for (const [args, message] of cases) {
      const result = await bulkhub(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.said, args.join(' ')).toMatch(message);
    }
    expect(json(await bulkhub('locations', 'list', '--customer', 'acme', '--json'))).toEqual([]);
  });
});

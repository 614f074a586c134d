import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeWebex } from '../../src/dev/fake-webex/server.js';
import { runCli } from '../helpers/cli.js';
import { acmeDirectory, HEADER, meetingsUser, readReport, userLine } from '../helpers/directory.js';
import { ACME, startFake } from '../fake-webex/fixture.js';

const NO_PACKAGE = { webex_calling: 'FALSE', webex_calling_standard: 'FALSE', webex_suite: 'FALSE', webex_voice: 'FALSE', webex_meetings: 'FALSE' };
const voice = (email: string, extra: Record<string, string> = {}) =>
  userLine({ email, firstName: 'Vo', lastName: 'Ice', location: 'Amsterdam HQ', jabberCalling: 'FALSE', jabberTeams: 'FALSE', ...NO_PACKAGE, webex_voice: 'TRUE', ...extra });

/**
 * The dry run tells the truth for its target: what Webex enforces beyond seed 004 is checked by
 * `users validate --backend webex` without --precheck, and the real run then meets no surprise.
 */
describe('users validate --backend webex: the rules Webex enforces beyond seed 004', () => {
  let fake: FakeWebex;
  const local = acmeDirectory();
  beforeEach(async () => {
    fake = await startFake();
  });
  afterEach(() => fake.close());

  it('wants a number or an extension for Webex Voice, and no calling fields for Webex Meetings; the directory does not', async () => {
    const file = local.write('in.csv', [
      HEADER,
      voice('voice-bare@acme.nl'),
      voice('voice-ext@acme.nl', { extension: '4001' }),
      meetingsUser(1, { extension: '4002' }),
      meetingsUser(2),
    ].join('\n'));
    const env = { WEBEX_API_URL: fake.url, WEBEX_ACCESS_TOKEN: 'any-token' };
    const webex = await runCli(['users', 'validate', file, '--backend', 'webex', '--customer', ACME.id, '--db', join(local.dir, 'journal.db'), '--out', join(local.dir, 'webex')], { env });
    expect(webex.code).toBe(1);
    const rows = (await readReport(join(local.dir, 'webex', 'results.csv'))).slice(1);
    expect(rows.map((r) => r.slice(1, 5))).toEqual([
      ['voice-bare@acme.nl', 'none', 'error', 'MISSING_MANDATORY_FIELD'],
      ['voice-ext@acme.nl', 'add', 'ok', ''],
      ['user1@acme.nl', 'none', 'error', 'NOT_A_CALLING_USER'],
      ['user2@acme.nl', 'add', 'ok', ''],
    ]);
    expect(rows[0]![5]).toContain('calling-enabled');
    expect(rows[2]![5]).toMatch(/^Extension: Webex sets an extension/);
    expect(fake.state.mutations).toEqual([]);

    // The real run after the fix meets nothing the dry run did not show.
    const fixed = local.write('fixed.csv', [HEADER, voice('voice-bare@acme.nl', { phoneNumber: '+31201234599' }), voice('voice-ext@acme.nl', { extension: '4001' }), meetingsUser(1), meetingsUser(2)].join('\n'));
    const run = await runCli(['users', 'import', fixed, '--backend', 'webex', '--customer', ACME.id, '--db', join(local.dir, 'journal.db'), '--out', join(local.dir, 'run')], { env });
    expect(run.code).toBe(0);

    // Seed 004's table alone asks neither, so the embedded directory takes both rows.
    const sqlite = await runCli(['users', 'validate', file, '--customer', 'acme', '--db', local.db, '--out', join(local.dir, 'sqlite')]);
    expect(sqlite.code).toBe(0);
  });
});

describe('customers create --template refuses a name with "%" for either target', () => {
  const local = acmeDirectory();
  const args = ['customers', 'create', '--name', '100% Bakkerij', '--admin-email', 'inkoop@bakkerij.nl', '--package', 'Webex Suite', '--template', 'prov-123', '--hq-name', 'HQ', '--hq-country', 'NL'];

  it('in the embedded directory, before anything else is looked at', async () => {
    const result = await runCli([...args, '--supported-location', '--db', local.db]);
    expect(result.code).toBe(2);
    expect(result.said).toMatch(/BAD_ARGUMENTS: The customer name "100% Bakkerij" contains "%"/);
  });

  it('in Webex, before anything is sent (and before the attestation is asked for)', async () => {
    const fake = await startFake();
    const result = await runCli([...args, '--backend', 'webex', '--timezone', 'Europe/Amsterdam', '--hq-address-line1', 'Damrak 1', '--hq-city', 'Amsterdam'], {
      env: { WEBEX_API_URL: fake.url, WEBEX_ACCESS_TOKEN: 'any-token' },
    });
    expect(result.code).toBe(2);
    expect(result.said).toMatch(/BAD_ARGUMENTS: The customer name "100% Bakkerij" contains "%"/);
    expect(fake.stats.requests).toBe(0);
    await fake.close();
  });
});

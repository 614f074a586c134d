import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeWebex } from '../../src/dev/fake-webex/server.js';
import { runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { startFake } from '../fake-webex/fixture.js';

/** `customers create --backend webex` and the commands without a public API, through the built CLI against the fake Webex. */

const canary = `canary-${randomUUID()}`;

/** The full command; `--option value` pairs in `more` replace the defaults of the same name. */
const create = (...more: string[]): string[] => {
  const options: Record<string, string> = {
    '--name': 'Delta Bryggeri AB', '--admin-email': 'Inkop@Delta.se', '--package': 'Webex Suite',
    '--template': 'prov-from-partner-hub', '--hq-name': 'Göteborg HQ', '--hq-country': 'se',
    '--hq-address-line1': 'Kungsgatan 1', '--hq-city': 'Göteborg', '--hq-zip-or-postal-code': '411 19',
    '--timezone': 'Europe/Stockholm', '--language': 'sv_SE',
  };
  const flags: string[] = [];
  for (let i = 0; i < more.length; i++) {
    if (more[i + 1] !== undefined && !more[i + 1]!.startsWith('--')) options[more[i]!] = more[++i]!;
    else flags.push(more[i]!);
  }
  return ['customers', 'create', '--backend', 'webex', ...Object.entries(options).flat(), '--supported-location', ...flags];
};

describe('customers create --backend webex (the built CLI against the fake Webex)', () => {
  let fake: FakeWebex;
  let dir: string;
  const outputs: CliResult[] = [];
  beforeEach(async () => {
    fake = await startFake({ token: canary });
    dir = tempDir('bulkhub-webex-customers-');
  });
  afterEach(async () => {
    for (const r of outputs.splice(0)) expect(r.stdout + r.stderr).not.toContain(canary);
    await fake.close();
  });

  const run = async (args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> => {
    const result = await runCli([...args, '--db', join(dir, 'b.db')], {
      env: { WEBEX_API_URL: fake.url, WEBEX_ACCESS_TOKEN: canary, BULKHUB_WEBEX_POLL_MS: '20', ...env },
    });
    outputs.push(result);
    return result;
  };
  const created = () => [...fake.state.customers.values()].filter((c) => c.request !== undefined);

  it('provisions through POST /wholesale/customers, polls, prints the customer id, and sends the right body', async () => {
    fake.world.provisioning = { polls: 3, outcome: 'provisioned' };
    const result = await run(create('--external-id', 'delta-42'));
    expect(result.stderr).not.toContain('Error:');
    expect(result.code).toBe(0);
    const [customer] = created();
    expect(customer).toBeDefined();
    expect(result.stdout.trim()).toBe(customer!.id);
    expect(result.said).toContain(`customer ${customer!.id} provisioned`);
    expect(customer!.status).toBe('provisioned');
    const address = { addressLine1: 'Kungsgatan 1', city: 'Göteborg', zipOrPostalCode: '411 19', country: 'SE' };
    expect(customer!.request).toEqual({
      provisioningId: 'prov-from-partner-hub',
      packages: ['webex_suite'],
      externalId: 'delta-42',
      address,
      customerInfo: { name: 'Delta Bryggeri AB', primaryEmail: 'inkop@delta.se', language: 'sv_SE' },
      provisioningParameters: {
        calling: { location: { name: 'Göteborg HQ', address, timezone: 'Europe/Stockholm', language: 'sv_se' } },
        meetings: { timezone: 'Europe/Stockholm' },
      },
    });
  });

  it('generates and prints an external id; a Meetings package gets no Calling location; --json gives the outcome', async () => {
    const result = await run(create('--package', 'webex_meetings', '--json'));
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as { id: string; externalId: string; outcome: string };
    expect(json).toMatchObject({ outcome: 'provisioned', externalId: expect.stringMatching(/^bulkhub-/) });
    expect(result.said).toContain(json.externalId);
    const body = created()[0]!.request as { externalId: string; packages: string[]; provisioningParameters: object };
    expect(body.externalId).toBe(json.externalId);
    expect(body.packages).toEqual(['webex_meetings']);
    expect(body.provisioningParameters).toEqual({ meetings: { timezone: 'Europe/Stockholm' } });
  });

  it('provisioned_with_errors exits 1 with the Webex details', async () => {
    const maintenance = { errorCode: 2560, description: 'One or more Webex Calling services are unavailable due to maintenance, unable to start provisioning.' };
    fake.world.provisioning = { polls: 1, outcome: 'provisioned_with_errors', errors: [maintenance] };
    const result = await run(create());
    expect(result.code).toBe(1);
    expect(result.stdout.trim()).toBe(created()[0]!.id);
    expect(result.said).toContain('provisioned_with_errors');
    expect(result.said).toContain(`2560: ${maintenance.description}`);
  });

  it('error exits 2 with the Webex details', async () => {
    fake.world.provisioning = { polls: 2, outcome: 'error', errors: [{ errorCode: 1001, description: 'Provisioning denied.' }] };
    const result = await run(create());
    expect(result.code).toBe(2);
    expect(result.said).toContain('CUSTOMER_PROVISIONING_FAILED');
    expect(result.said).toContain('1001: Provisioning denied.');
  });

  it('a timeout exits 2 saying the customer is still provisioning and how to check later', async () => {
    fake.world.provisioning = { polls: 100_000, outcome: 'provisioned' };
    const result = await run(create('--timeout-seconds', '0.3'));
    expect(result.code).toBe(2);
    const id = created()[0]!.id;
    expect(result.stdout.trim()).toBe(id);
    expect(result.said).toContain('CUSTOMER_STILL_PROVISIONING');
    expect(result.said).toContain('still provisioning');
    expect(result.said).toContain(`GET /wholesale/customers/${id}`);
  });

  it('refuses without a token, a name with "%", and without --supported-location, sending nothing', async () => {
    const noToken = await run(create(), { WEBEX_ACCESS_TOKEN: undefined });
    expect(noToken.code).toBe(2);
    expect(noToken.said).toMatch(/BAD_ARGUMENTS: .*WEBEX_ACCESS_TOKEN/);
    const percent = await run(create('--name', '100% Bakkerij'));
    expect(percent.code).toBe(2);
    expect(percent.said).toMatch(/BAD_ARGUMENTS: .*"%"/);
    const notAttested = await run(create().filter((a) => a !== '--supported-location'));
    expect(notAttested.code).toBe(2);
    expect(notAttested.said).toContain('LOCATION_NOT_ATTESTED');
    expect(created()).toEqual([]);
  });

  it('the Webex-only options are refused by the local form', async () => {
    const result = await run(['customers', 'create', '--name', 'Acme', '--admin-email', 'a@acme.com', '--package', 'webex_calling', '--timezone', 'UTC']);
    expect(result.code).toBe(2);
    expect(result.said).toMatch(/BAD_ARGUMENTS: --timezone .*--backend webex/);
  });

  const refused: Array<[string, string[]]> = [
    ['orgs', ['orgs', 'find', '--email', 'inkop@delta.se', '--kind', 'customer']],
    ['orgs', ['orgs', 'list']],
    ['subscriptions', ['subscriptions', 'list']],
    ['services', ['services', 'setup', 'meetings', 'Sub100200', '--site', 'delta=30', '--timezone', 'Europe/Stockholm']],
    ['templates', ['templates', 'list']],
    ['sites', ['sites', 'add', '--customer', 'acme', '--url', 'acme-events.webex.com']],
  ];
  it.each(refused)('%s with --backend webex exits 2 with NO_PUBLIC_API and sends nothing', async (_family, args) => {
    const before = fake.state.mutations.length;
    const result = await run([...args, '--backend', 'webex']);
    expect(result.code).toBe(2);
    expect(result.said).toMatch(/^bulkhub: NO_PUBLIC_API: Webex has no public API for .*Partner Hub or Control Hub/);
    expect(result.stdout).toBe('');
    expect(fake.state.mutations.length).toBe(before);
  });

  it('the same commands with --backend sqlite (the default) work as before', async () => {
    for (const args of [['orgs', 'list'], ['templates', 'list', '--backend', 'sqlite'], ['subscriptions', 'list']]) {
      const result = await run(args);
      expect(result.code, result.stderr).toBe(0);
    }
  });
});

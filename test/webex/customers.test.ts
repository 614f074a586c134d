import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { provisionCustomer, type ProvisionRequest } from '../../src/backends/webex/customers.js';
import { WebexClient, WebexError } from '../../src/backends/webex/http.js';
import type { FakeWebex } from '../../src/dev/fake-webex/server.js';
import { startFake, TOKEN } from '../fake-webex/fixture.js';

const request = (externalId: string): ProvisionRequest => ({
  provisioningId: 'prov-123',
  packages: ['webex_calling', 'webex_meetings'],
  externalId,
  address: { addressLine1: 'Damrak 1', city: 'Amsterdam', zipOrPostalCode: '1012 LG', country: 'NL' },
  customerInfo: { name: 'Bakkerij BV', primaryEmail: 'admin@bakkerij.nl', language: 'nl' },
  provisioningParameters: {
    calling: { location: { name: 'Amsterdam HQ', address: { addressLine1: 'Damrak 1', city: 'Amsterdam', country: 'NL' }, timezone: 'Europe/Amsterdam', language: 'nl_nl' } },
    meetings: { timezone: 'Europe/Amsterdam' },
  },
});

describe('provisionCustomer against the fake Webex', () => {
  let fake: FakeWebex;
  let client: WebexClient;
  const poll = { pollIntervalMs: 20, timeoutMs: 2_000 };
  beforeEach(async () => {
    fake = await startFake();
    client = new WebexClient({ baseUrl: fake.url, token: TOKEN, backoff: { baseMs: 10, capMs: 50 } });
  });
  afterEach(() => fake.close());

  it('posts, follows Location and polls until provisioned', async () => {
    fake.world.provisioning = { polls: 3, outcome: 'provisioned' };
    const result = await provisionCustomer(client, request('ext-1'), poll);
    expect(result).toMatchObject({ outcome: 'provisioned', status: 'provisioned', problems: [], polls: 3 });
    expect(result.orgId).toBeTruthy();
    expect(fake.state.customers.get(result.customerId)?.externalId).toBe('ext-1');
  });

  it('reports provisioned_with_errors and error with their details', async () => {
    const maintenance = { errorCode: 2560, description: 'One or more Webex Calling services are unavailable due to maintenance, unable to start provisioning.' };
    fake.world.provisioning = { polls: 1, outcome: 'provisioned_with_errors', errors: [maintenance] };
    expect(await provisionCustomer(client, request('ext-2'), poll)).toMatchObject({ outcome: 'provisioned_with_errors', problems: [`2560: ${maintenance.description}`] });
    fake.world.provisioning = { polls: 2, outcome: 'error', errors: [{ errorCode: 1001, description: 'Denied.' }] };
    const failed = await provisionCustomer(client, request('ext-3'), poll);
    expect(failed).toMatchObject({ outcome: 'error', problems: ['1001: Denied.'] });
    expect(failed.orgId).toBeUndefined();
  });

  it('stops polling at the timeout and says the customer is still provisioning', async () => {
    fake.world.provisioning = { polls: 10_000, outcome: 'provisioned' };
    const result = await provisionCustomer(client, request('ext-4'), { pollIntervalMs: 20, timeoutMs: 200 });
    expect(result).toMatchObject({ outcome: 'timed_out', status: 'provisioning', problems: [expect.stringContaining('still provisioning')] });
  });

  it('does not provision twice when the reply to the POST is lost', async () => {
    fake.faults.once({ method: 'POST', path: '/wholesale/customers' }, { kind: 'drop-after-apply' });
    const result = await provisionCustomer(client, request('ext-5'), poll);
    expect(result.outcome).toBe('provisioned');
    expect(fake.state.mutations.filter((m) => m.what === 'customer-created')).toHaveLength(1);
  });

  it('refuses a request Webex refuses, with its words', async () => {
    const bad = { ...request('ext-6'), customerInfo: { name: '100% Bakkerij', primaryEmail: 'a@b.nl' } };
    const refused = await provisionCustomer(client, bad, poll).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WebexError);
    expect((refused as WebexError).describe()).toMatch(/cannot include the "%".*trackingId/);
  });
});

import { expect } from 'vitest';
import { createWebexBackend } from '../../src/backends/webex/backend.js';
import { WEBEX_UNMANAGED } from '../../src/backends/webex/backend.js';
import { describeBackendContract } from './contract.js';
import { ACME, TOKEN, refereeOf, startFake } from '../fake-webex/fixture.js';

// The same contract as the embedded directory, through the Webex adapter and the fake Webex;
// every request of the whole run and every answer is checked against Cisco's published spec
// (the fake's close() fails the test with whatever the spec refused).
describeBackendContract('webex (fake server)', async () => {
  const fake = await startFake();
  return {
    backend: createWebexBackend({ baseUrl: fake.url, token: TOKEN, timeoutMs: 5_000, moves: { pollMs: 20, timeoutMs: 5_000 } }),
    customerId: ACME.id,
    locations: ACME.locations,
    site: ACME.site,
    adminEmail: ACME.adminEmail,
    unmanaged: WEBEX_UNMANAGED,
    flagsAlwaysKnown: true,
    async cleanup() {
      expect(fake.state.duplicates()).toEqual([]);
      expect(refereeOf(fake).checked).toBeGreaterThan(0);
      await fake.close();
    },
  };
});

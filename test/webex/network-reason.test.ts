import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { networkReason } from '../../src/backends/webex/retry.js';

/** A port on 127.0.0.1 with nothing listening: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

describe('networkReason: why a request got no answer, as the system said it', () => {
  it('a refused connection names the code, the address and the port', async () => {
    const port = await closedPort();
    const error = await fetch(`http://127.0.0.1:${port}/v1/people`).catch((e: unknown) => e);
    expect(networkReason(error)).toBe(`ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('fetch\'s own refusal without a code gives its message, never just "Error"', async () => {
    const error = await fetch('http://127.0.0.1:9/v1/people').catch((e: unknown) => e);
    expect(networkReason(error)).toBe('bad port');
  });

  it('reads through an AggregateError (one error per address of a host name)', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:8080'), { code: 'ECONNREFUSED', address: '::1', port: 8080 });
    const error = new TypeError('fetch failed', { cause: new AggregateError([refused], 'connect failed') });
    expect(networkReason(error)).toBe('ECONNREFUSED ::1:8080');
    const unknownHost = new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND webex.example'), { code: 'ENOTFOUND', hostname: 'webex.example' }) });
    expect(networkReason(unknownHost)).toBe('ENOTFOUND webex.example');
  });
});

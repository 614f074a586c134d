import { describe, expect, it } from 'vitest';
import { nextLink } from '../../src/backends/webex/http.js';
import { fullJitter, parseRetryAfter, scrubSecrets, verdictForNetworkError, verdictForStatus } from '../../src/backends/webex/retry.js';

const rules = { defaultMs: 5_000, capMs: 60_000 };
const NOW = Date.parse('2025-03-01T12:00:00Z');

describe('Retry-After', () => {
  it('reads delay-seconds, capped', () => {
    expect(parseRetryAfter('0', NOW, rules)).toBe(0);
    expect(parseRetryAfter('7', NOW, rules)).toBe(7_000);
    expect(parseRetryAfter(' 2 ', NOW, rules)).toBe(2_000);
    expect(parseRetryAfter('1.5', NOW, rules)).toBe(1_500);
    expect(parseRetryAfter('3600', NOW, rules)).toBe(60_000);
    expect(parseRetryAfter('2025', NOW, rules)).toBe(60_000); // digits are seconds, even when they look like a year
  });

  it('reads an HTTP date; a date in the past means now; capped', () => {
    expect(parseRetryAfter('Sat, 01 Mar 2025 12:00:09 GMT', NOW, rules)).toBe(9_000);
    expect(parseRetryAfter('Sat, 01 Mar 2025 11:00:00 GMT', NOW, rules)).toBe(0);
    expect(parseRetryAfter('Sun, 02 Mar 2025 12:00:00 GMT', NOW, rules)).toBe(60_000);
  });

  it('falls back to the default for a missing or malformed value', () => {
    for (const bad of [undefined, null, '', '   ', '-5', 'soon', '5s', 'NaN', '1e3', 'Mon, 99 Foo 2025']) {
      expect(parseRetryAfter(bad, NOW, rules), String(bad)).toBe(5_000);
    }
  });
});

describe('full jitter backoff', () => {
  const backoff = { baseMs: 100, capMs: 1_000 };
  it('waits between 0 and the exponential ceiling, capped', () => {
    expect(fullJitter(0, backoff, () => 0.999)).toBe(99);
    expect(fullJitter(3, backoff, () => 0.5)).toBe(400);
    expect(fullJitter(10, backoff, () => 0.999)).toBe(999);
    expect(fullJitter(100, backoff, () => 0)).toBe(0);
  });

  it('spreads the waits of workers that failed together', () => {
    const waits = Array.from({ length: 200 }, () => fullJitter(4, backoff));
    expect(Math.min(...waits)).toBeLessThan(200);
    expect(Math.max(...waits)).toBeGreaterThan(800);
  });
});

describe('what a failure means', () => {
  it('classifies statuses: throttled, retry, doubt, done', () => {
    expect(verdictForStatus(429)).toBe('throttled');
    expect(verdictForStatus(423)).toBe('throttled');
    expect(verdictForStatus(503)).toBe('retry');
    for (const s of [500, 502, 504]) expect(verdictForStatus(s)).toBe('doubt');
    for (const s of [200, 202, 204, 400, 401, 403, 404, 409]) expect(verdictForStatus(s)).toBe('done');
  });

  it('a refused connection was never sent; a reset or a timeout may have landed', () => {
    expect(verdictForNetworkError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))).toBe('retry');
    expect(verdictForNetworkError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }))).toBe('doubt');
    expect(verdictForNetworkError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'UND_ERR_SOCKET' } }))).toBe('doubt');
    expect(verdictForNetworkError(new DOMException('timed out', 'TimeoutError'))).toBe('doubt');
  });
});

describe('secrets and links', () => {
  it('scrubs bearer tokens and the literal token from any text', () => {
    expect(scrubSecrets('Authorization: Bearer abc.def-123 failed')).toBe('Authorization: Bearer [redacted] failed');
    expect(scrubSecrets('{"h":"bearer xyz"}')).toBe('{"h":"Bearer [redacted]"}');
    expect(scrubSecrets('token canary-123 in a url ?t=canary-123', 'canary-123')).toBe('token [redacted] in a url ?t=[redacted]');
  });

  it('scrubs every secret-shaped value, and leaves ordinary words alone', () => {
    expect(scrubSecrets('trackingId NA_1_canary/+= echoed', 'canary/+=')).toBe('trackingId NA_1_[redacted] echoed');
    expect(scrubSecrets('url ?x=canary%2F%2B%3D', 'canary/+=')).toBe('url ?x=[redacted]');
    expect(scrubSecrets('Authorization: Basic dXNlcjpwdw== sent')).toBe('Authorization: Basic [redacted] sent');
    expect(scrubSecrets('"authorization":"abc123"')).toBe('"authorization":"[redacted]"');
    expect(scrubSecrets('?access_token=abc&x=1 {"refresh_token": "def"} client_secret=ghi')).toBe('?access_token=[redacted]&x=1 {"refresh_token": "[redacted]"} client_secret=[redacted]');
    expect(scrubSecrets('jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl here')).toBe('jwt [redacted] here');
    const words = 'Basic Messaging assigned; Check WEBEX_ACCESS_TOKEN and its scopes; subscriber Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIvMQ';
    expect(scrubSecrets(words, 'some-token')).toBe(words);
  });

  it('finds the rel="next" link among others', () => {
    expect(nextLink('<https://x/v1/a?offset=100>; rel="next", <https://x/v1/a?offset=0>; rel="first"')).toBe('https://x/v1/a?offset=100');
    expect(nextLink('<https://x/v1/a?offset=0>; rel="first", <https://x/v1/a?offset=200>; rel=next')).toBe('https://x/v1/a?offset=200');
    expect(nextLink('<https://x/v1/a?offset=0>; rel="prev"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });
});

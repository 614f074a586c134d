/**
 * The pure rules of talking to Webex under faults: how long a `Retry-After` says to wait, how
 * long to back off after a failure, and which failures are safe to send again. No I/O here, so
 * every rule is unit-tested without a server (test/webex/retry.test.ts).
 */

export interface RetryAfterRules {
  /** Used when the header is absent or malformed (the Webex SDKs use 5 s). */
  defaultMs: number;
  /** Never wait longer than this on one answer, whatever the server says (the SDKs cap at 60 s). */
  capMs: number;
}

export const RETRY_AFTER_RULES: RetryAfterRules = { defaultMs: 5_000, capMs: 60_000 };

/**
 * Reads `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Webex documents
 * seconds, but a proxy may send a date, and a malformed value must not stall or spin a run:
 * it falls back to the default. A date in the past means "now".
 */
export function parseRetryAfter(value: string | null | undefined, now: number, rules: RetryAfterRules = RETRY_AFTER_RULES): number {
  const text = value?.trim() ?? '';
  if (text === '') return rules.defaultMs;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.min(Math.round(Number(text) * 1000), rules.capMs);
  // A date has letters (a weekday, a month); Date.parse alone would also accept "2024".
  if (/[a-z]/i.test(text)) {
    const at = Date.parse(text);
    if (Number.isFinite(at)) return Math.min(Math.max(at - now, 0), rules.capMs);
  }
  return rules.defaultMs;
}

export interface BackoffRules {
  baseMs: number;
  capMs: number;
}

export const BACKOFF_RULES: BackoffRules = { baseMs: 250, capMs: 10_000 };

/**
 * "Full jitter" (AWS Architecture Blog, Exponential Backoff And Jitter): a random wait between 0
 * and the exponential ceiling. Spreading the waits is what stops many workers that failed
 * together from retrying together. `attempt` counts from 0.
 */
export function fullJitter(attempt: number, rules: BackoffRules = BACKOFF_RULES, random: () => number = Math.random): number {
  const ceiling = Math.min(rules.capMs, rules.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/**
 * What one attempt's outcome means for the next step.
 * - `done`: a final answer (2xx, or a 4xx the row must report).
 * - `throttled`: 429/423, not processed; wait `Retry-After`, then send again (any method).
 * - `retry`: surely not processed (503, a connection refused before sending): back off, send again.
 * - `doubt`: the request may have been applied (a timeout after sending, a dropped
 *   connection, 500/502/504). Safe to repeat only for an idempotent request; otherwise the
 *   caller must look the resource up first.
 */
export type Verdict = 'done' | 'throttled' | 'retry' | 'doubt';

export function verdictForStatus(status: number): Verdict {
  if (status === 429 || status === 423) return 'throttled';
  if (status === 503) return 'retry';
  if (status === 500 || status === 502 || status === 504) return 'doubt';
  return 'done';
}

/** Network error codes that mean the request never left this machine. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** A fetch that threw: refused before sending is safe to repeat; anything later is in doubt. */
export function verdictForNetworkError(error: unknown): Verdict {
  const code = networkCode(error);
  return code !== undefined && NOT_SENT.has(code) ? 'retry' : 'doubt';
}

/** The code of a fetch failure (undici puts it on `cause`), or the error's name for a timeout. */
export function networkCode(error: unknown): string | undefined {
  const e = error as { name?: string; code?: string; cause?: { code?: string; name?: string } } | undefined;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'TIMEOUT';
  return e?.cause?.code ?? e?.code ?? e?.cause?.name;
}

/**
 * Hides every secret-shaped value in a text we build from errors, URLs, headers or server words:
 * the configured token itself (also URL-encoded), `Bearer ...` and `Authorization: ...`,
 * `access_token`/`refresh_token`/`client_secret` pairs in a query or JSON, and JWTs (`eyJ...`
 * in three dotted parts). A server that echoes what it was sent (say in a TrackingID) must not
 * carry the token into a report, the journal or a log.
 */
export function scrubSecrets(text: string, token?: string): string {
  let out = text;
  if (token && token.length >= 4) {
    for (const form of new Set([token, encodeURIComponent(token)])) out = out.split(form).join('[redacted]');
  }
  out = out.replace(/\bBearer\s+[^\s"',;]+/gi, 'Bearer [redacted]');
  out = out.replace(/\b(Authorization["']?\s*[:=]\s*["']?)(Basic\s+)?(?!Bearer\b)[^\s"',;]+/gi, (_, head: string, basic: string | undefined) => `${head}${basic ?? ''}[redacted]`);
  out = out.replace(/\b(access_token|refresh_token|id_token|client_secret|token)(["']?\s*[:=]\s*["']?)[^\s"'&,;]+/gi, '$1$2[redacted]');
  out = out.replace(/\beyJ[\w-]{6,}\.[\w-]{6,}\.[\w-]+/g, '[redacted]');
  return out;
}

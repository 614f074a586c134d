import { setTimeout as sleep } from 'node:timers/promises';
import { AdaptiveLimiter } from './limiter.js';
import {
  BACKOFF_RULES,
  fullJitter,
  networkCode,
  parseRetryAfter,
  RETRY_AFTER_RULES,
  scrubSecrets,
  verdictForNetworkError,
  verdictForStatus,
  type BackoffRules,
  type RetryAfterRules,
  type Verdict,
} from './retry.js';

export const DEFAULT_BASE_URL = 'https://webexapis.com/v1';

export interface WebexClientOptions {
  baseUrl?: string;
  /** From the environment only; it goes into the Authorization header and nowhere else. */
  token: string;
  /** Per attempt. A reply slower than this counts as an unclear outcome. */
  timeoutMs?: number;
  /** Attempts per request for faults (5xx, timeouts, dropped connections). */
  maxTries?: number;
  /** Waits on 429/423 per request before giving up (each is "not processed", so cheap to repeat). */
  maxThrottles?: number;
  retryAfter?: RetryAfterRules;
  backoff?: BackoffRules;
  /** The limiter shared by every worker; one is made from `maxConcurrency` when absent. */
  limiter?: AdaptiveLimiter;
  maxConcurrency?: number;
  random?: () => number;
  logger?: { warn(obj: object, msg: string): void; debug(obj: object, msg: string): void };
  /**
   * A sub-partner's organisation id: every wholesale call then acts on its behalf
   * (`onBehalfOfSubPartnerOrgId`, which every Wholesale operation of the spec takes).
   */
  subPartnerOrgId?: string;
}

export interface WebexResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
  trackingId: string | undefined;
  /** True when the answer came from looking the effect up after an unclear outcome. */
  reconciled?: boolean;
  /** True when an earlier attempt of this request ended in doubt (it may have landed). */
  doubted?: boolean;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Safe to send again after an unclear outcome. Default: true for GET, PUT, PATCH. */
  idempotent?: boolean;
  /**
   * For a request that is not idempotent: after an unclear outcome, look its effect up before
   * sending again. A response means "it landed" and is returned as the request's answer.
   */
  reconcile?: () => Promise<WebexResponse | undefined>;
}

/**
 * How a list goes on past its first page. `link`: follow `Link: rel="next"` (Webex's paging).
 * `offset`: the Wholesale lists declare `offset` and `max` and no `Link`; a full page means there
 * may be more, asked for with the next offset (a `Link` is still followed when one comes).
 */
export interface ListOptions {
  paging?: 'link' | 'offset';
  /** The page size asked for (`max`); with offset paging, a shorter page is the last. */
  max?: number;
}

export interface WebexErrorDetail {
  description?: string;
  errorCode?: number | string;
}

/** A request that failed for good: a 4xx, or faults until the tries ran out. */
export class WebexError extends Error {
  override readonly name = 'WebexError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly trackingId: string | undefined,
    readonly details: WebexErrorDetail[] = [],
    readonly errorCode: number | string | undefined = undefined,
    /** An earlier attempt ended in doubt: the change may have landed anyway. */
    readonly doubted = false,
  ) {
    super(message);
  }

  /** The server's words with the trackingId, the way a row's message shows them. */
  describe(): string {
    return `${this.message}${this.trackingId ? ` (trackingId ${this.trackingId})` : ''}`;
  }

  /** Every error code and description the server sent, for matching. */
  get allText(): string {
    return [this.message, String(this.errorCode ?? ''), ...this.details.map((d) => `${d.errorCode ?? ''} ${d.description ?? ''}`)].join(' ');
  }
}

/**
 * The one way to Webex: JSON over global fetch, the bearer token, timeouts, Retry-After, full
 * jitter backoff, reconciliation before re-sending a request whose outcome is unknown, and the
 * shared adaptive limiter. Every message it builds is scrubbed of the token.
 */
export class WebexClient {
  readonly baseUrl: string;
  readonly limiter: AdaptiveLimiter;
  private readonly origin: string;
  private readonly token: string;
  private readonly timeoutMs: number;
  private readonly maxTries: number;
  private readonly maxThrottles: number;
  private readonly retryAfter: RetryAfterRules;
  private readonly backoff: BackoffRules;
  private readonly random: () => number;
  private readonly logger: WebexClientOptions['logger'];
  private readonly subPartnerOrgId: string | undefined;
  /** Requests sent, by outcome: for the measurements and the tests. */
  readonly stats = { sent: 0, throttled: 0, retried: 0, doubted: 0, reconciled: 0 };

  constructor(options: WebexClientOptions) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.origin = new URL(this.baseUrl).origin;
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxTries = options.maxTries ?? 6;
    this.maxThrottles = options.maxThrottles ?? 30;
    this.retryAfter = options.retryAfter ?? RETRY_AFTER_RULES;
    this.backoff = options.backoff ?? BACKOFF_RULES;
    this.random = options.random ?? Math.random;
    this.limiter = options.limiter ?? new AdaptiveLimiter({ maxConcurrency: options.maxConcurrency ?? 8 });
    this.logger = options.logger;
    this.subPartnerOrgId = options.subPartnerOrgId;
  }

  get<T>(path: string, query?: Query): Promise<WebexResponse<T>> {
    return this.request<T>('GET', path, { ...(query && { query }) });
  }

  /** Every item of a list, page by page (see ListOptions). */
  async *list<T>(path: string, query: Query = {}, options: ListOptions = {}): AsyncGenerator<T[]> {
    const max = options.max ?? (typeof query.max === 'number' ? query.max : undefined);
    let url: string | undefined = this.url(path, { ...query, ...(max !== undefined && { max }) });
    let offset = 0;
    let previous: string | undefined;
    while (url) {
      const response: WebexResponse<{ items?: T[] }> = await this.send<{ items?: T[] }>('GET', url, {});
      const items = response.body?.items ?? [];
      yield items;
      const link = nextLink(response.headers.get('link'));
      if (link) {
        // The next link comes from the server: never send the token to another host.
        if (new URL(link, url).origin !== this.origin) throw new WebexError(`Webex sent a next-page link to another host (${new URL(link, url).origin}); not followed.`, undefined, response.trackingId);
        url = new URL(link, url).toString();
      } else if (options.paging === 'offset' && max !== undefined && items.length >= max) {
        // A server that ignored the offset would send the same page forever: stop there.
        const first = JSON.stringify(items[0]);
        if (first === previous) throw new WebexError(`Webex sent the same page again for offset ${offset + items.length} of ${path}; the list cannot be read to its end.`, undefined, response.trackingId);
        previous = first;
        offset += items.length;
        url = this.url(path, { ...query, max, offset });
      } else url = undefined;
    }
  }

  request<T>(method: string, path: string, options: RequestOptions = {}): Promise<WebexResponse<T>> {
    return this.send<T>(method, this.url(path, options.query ?? {}), options);
  }

  private url(path: string, query: Query): string {
    const url = new URL(this.baseUrl + (path.startsWith('/') ? path : `/${path}`));
    const onBehalf = this.subPartnerOrgId !== undefined && path.startsWith('/wholesale/') ? { onBehalfOfSubPartnerOrgId: this.subPartnerOrgId } : {};
    for (const [key, value] of Object.entries({ ...query, ...onBehalf })) if (value !== undefined) url.searchParams.set(key, String(value));
    return url.toString();
  }

  private async send<T>(method: string, url: string, options: RequestOptions): Promise<WebexResponse<T>> {
    const idempotent = options.idempotent ?? ['GET', 'PUT', 'PATCH', 'HEAD'].includes(method);
    const where = `${method} ${new URL(url).pathname}`;
    let tries = 0;
    let throttles = 0;
    let doubted = false;
    let last = '';
    let lastTracking: string | undefined;
    let unknownOutcome = false;
    for (;;) {
      let verdict: Verdict;
      let waitMs = 0;
      const release = await this.limiter.acquire();
      this.stats.sent++;
      try {
        const response = await fetch(url, {
          method,
          headers: {
            Authorization: `Bearer ${this.token}`,
            Accept: 'application/json',
            ...(options.body !== undefined && { 'Content-Type': 'application/json' }),
          },
          ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
          signal: AbortSignal.timeout(this.timeoutMs),
          // Never follow a redirect: it would carry the token to wherever it points.
          redirect: 'manual',
        });
        const body = await readBody(response);
        release();
        const rawTracking = response.headers.get('trackingid') ?? (body as { trackingId?: unknown } | undefined)?.trackingId;
        const trackingId = typeof rawTracking === 'string' ? scrubSecrets(rawTracking, this.token) : undefined;
        lastTracking = trackingId ?? lastTracking;
        verdict = verdictForStatus(response.status);
        if (verdict === 'done') {
          this.limiter.calm();
          if (response.status >= 300 && response.status < 400) throw this.redirectError(response, trackingId, doubted);
          if (response.status < 400) return { status: response.status, body: body as T, headers: response.headers, trackingId, ...(doubted && { doubted }) };
          throw this.errorFrom(response.status, body, trackingId, doubted);
        }
        last = `HTTP ${response.status}${messageOf(body) ? `: ${messageOf(body)}` : ''}`;
        if (verdict === 'throttled') {
          waitMs = parseRetryAfter(response.headers.get('retry-after'), Date.now(), this.retryAfter);
          this.limiter.throttled(waitMs);
        } else if (response.status === 503 && response.headers.has('retry-after')) {
          waitMs = parseRetryAfter(response.headers.get('retry-after'), Date.now(), this.retryAfter);
        }
      } catch (error) {
        release();
        if (error instanceof WebexError) throw error;
        verdict = verdictForNetworkError(error);
        const code = networkCode(error);
        last = code === 'TIMEOUT' ? `no reply within ${this.timeoutMs} ms` : `connection failed (${code ?? 'unknown'})`;
      }

      if (verdict === 'throttled') {
        this.stats.throttled++;
        if (++throttles > this.maxThrottles) break;
        this.logger?.debug({ request: where, waitMs, trackingId: lastTracking }, 'Webex asked to wait; every worker pauses');
        await sleep(waitMs);
        continue;
      }
      if (verdict === 'doubt') {
        doubted = true;
        this.stats.doubted++;
        if (!idempotent && options.reconcile) {
          // The change may have landed: look before sending it again.
          const settled = await options.reconcile();
          if (settled) {
            this.stats.reconciled++;
            this.logger?.warn({ request: where, after: scrubSecrets(last, this.token), trackingId: lastTracking }, 'unclear reply; the change was found applied');
            return { ...settled, body: settled.body as T, reconciled: true, doubted: true };
          }
        } else if (!idempotent) {
          unknownOutcome = true; // cannot tell, and must not risk doing it twice
          break;
        }
      }
      if (++tries >= this.maxTries) break;
      this.stats.retried++;
      const backoffMs = Math.max(waitMs, fullJitter(tries - 1, this.backoff, this.random));
      this.logger?.debug({ request: where, after: scrubSecrets(last, this.token), backoffMs, trackingId: lastTracking }, 'retrying');
      await sleep(backoffMs);
    }
    const what = throttles > this.maxThrottles
      ? `still throttled after ${throttles - 1} waits`
      : unknownOutcome ? 'the outcome is unknown and the request is not safe to repeat' : `gave up after ${tries} tries`;
    throw new WebexError(scrubSecrets(`Webex ${where}: ${what}; last: ${last}`, this.token), undefined, lastTracking, [], undefined, doubted);
  }

  private redirectError(response: Response, trackingId: string | undefined, doubted: boolean): WebexError {
    const location = response.headers.get('location');
    let target = 'no Location';
    if (location) {
      try {
        target = new URL(location, this.baseUrl).origin;
      } catch {
        target = 'an unreadable Location';
      }
    }
    return new WebexError(
      scrubSecrets(`Webex answered HTTP ${response.status}, a redirect (to ${target}); bulkhub never follows redirects, so the token only goes to ${this.origin}. Check WEBEX_API_URL`, this.token),
      response.status,
      trackingId,
      [],
      undefined,
      doubted,
    );
  }

  private errorFrom(status: number, body: unknown, trackingId: string | undefined, doubted: boolean): WebexError {
    const b = (body ?? {}) as { message?: string; errors?: WebexErrorDetail[]; error?: Array<{ code?: number | string; message?: string }>; errorCode?: number | string };
    // Most Webex errors carry `errors[{errorCode, description}]`; Webex Calling's jobs `error[{code, message}]`.
    const listed = Array.isArray(b.errors) ? b.errors : Array.isArray(b.error) ? b.error.map((e) => ({ errorCode: e.code, description: e.message })) : [];
    const details = listed.map((d) => ({
      ...(d.errorCode !== undefined && { errorCode: d.errorCode }),
      ...(typeof d.description === 'string' && { description: scrubSecrets(d.description, this.token) }),
    }));
    const words = [b.message, ...details.map((d) => d.description)].filter((w): w is string => typeof w === 'string' && w.length > 0);
    const unique = [...new Set(words)].join('; ') || (typeof body === 'string' && body ? body.slice(0, 200) : `HTTP ${status}`);
    return new WebexError(scrubSecrets(`${unique} (HTTP ${status})`, this.token), status, trackingId, details, b.errorCode ?? details[0]?.errorCode, doubted);
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function messageOf(body: unknown): string | undefined {
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}

/** The `rel="next"` target of an RFC 8288 `Link` header. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /<([^>]+)>\s*;(.*)/.exec(part.trim());
    if (match && /rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(match[2]!)) return match[1];
  }
  return undefined;
}

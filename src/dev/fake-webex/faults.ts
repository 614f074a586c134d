/**
 * What can go wrong, on demand: the fake's rate limit (a token bucket), one-off faults aimed at
 * a request, 429 bursts, and seeded random faults for the load test. Dev and test code only.
 */

/** What happens to one request. */
export type Fault =
  /** Answer with this status (and Retry-After) without doing anything. */
  | { kind: 'status'; status: number; retryAfter?: string; message?: string }
  /** Do the change, then answer with this status (a 500 that still landed). */
  | { kind: 'status-after-apply'; status: number; message?: string }
  /** Do the change, then close the connection without answering. */
  | { kind: 'drop-after-apply' }
  /** Close the connection without doing anything. */
  | { kind: 'drop' }
  /** Do the change, then answer after `ms`. */
  | { kind: 'slow'; ms: number }
  /** Answer with a redirect (3xx) to `location`, doing nothing. */
  | { kind: 'redirect'; status: number; location: string };

export interface FaultMatch {
  method?: string;
  /** A substring or a pattern of the path (after /v1). */
  path?: string | RegExp;
  /** The e-mail the request is about (body, query, or the subscriber/person it names). */
  email?: string;
}

interface Armed {
  match: FaultMatch;
  fault: Fault;
  times: number;
}

export interface RandomFaults {
  seed?: number;
  /** Share of requests answered 500/502/504 (half of them after applying) or 503. */
  serverError?: number;
  /** The statuses `serverError` picks from (default 500, 502, 503, 504). */
  serverErrorStatuses?: number[];
  /** Share of changing requests applied and then dropped without an answer. */
  dropAfterApply?: number;
  /** Share of requests answered late (`slowMs`) after applying. */
  slow?: number;
  slowMs?: number;
}

/** mulberry32: small, seeded, good enough to make a fault pattern repeatable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A token bucket: `perSecond` tokens a second, holding at most `burst`. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(readonly perSecond: number, readonly burst: number = perSecond, private readonly now: () => number = Date.now) {
    this.tokens = burst;
    this.at = now();
  }

  /** Takes a token, or says how many whole seconds until one is there (the Retry-After). */
  take(): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - this.tokens) / this.perSecond)) };
  }
}

export class Faults {
  private armed: Armed[] = [];
  private throttledUntil = 0;
  private throttleRetryAfter = '1';
  random: RandomFaults = {};
  private rng: () => number = Math.random;
  /** E-mails whose add comes back 202 `pending_user_migration`. */
  readonly pendingMigration = new Set<string>();
  /** E-mails whose package changes fail with a seed-004 licence error until the package is unassigned. */
  readonly licenceError = new Map<string, string>();
  /**
   * E-mails whose next `PUT /people` is partly applied and then refused (the People API spec: "a
   * PUT request that returns an error response code may still have altered some values"): the
   * names land, the rest does not, the answer is 400.
   */
  readonly partialPersonUpdate = new Set<string>();
  /**
   * E-mails whose next licence PATCH assigns only some of the licences it adds (the spec's 206:
   * "Some licenses were successfully assigned, but others could not be assigned"): the last one is left out.
   */
  readonly partialLicences = new Set<string>();
  /** E-mails whose subscriber is provisioned with these `errors[]` (the Subscriber's "errors that occurred during that last attempt"). */
  readonly subscriberErrors = new Map<string, Array<{ errorCode: number; description: string }>>();
  /** When set, every TrackingID (header and body) carries this text: a server that echoes what it was sent. */
  echoInTrackingId: string | undefined;

  /** Arms a fault for the next `times` requests that match. */
  once(match: FaultMatch, fault: Fault, times = 1): void {
    this.armed.push({ match: { ...match, ...(match.email && { email: match.email.toLowerCase() }) }, fault, times });
  }

  /** Every request gets 429 with this Retry-After for `ms`: a burst of throttling. */
  throttleFor(ms: number, retryAfter = '1'): void {
    this.throttledUntil = Date.now() + ms;
    this.throttleRetryAfter = retryAfter;
  }

  setRandom(random: RandomFaults): void {
    this.random = random;
    this.rng = seededRandom(random.seed ?? 1);
  }

  /** The trackingId of an answer (with the echo, when one is set). */
  trackingIdFor(id: string): string {
    return this.echoInTrackingId === undefined ? id : `${id}_${this.echoInTrackingId}`;
  }

  throttled(): string | undefined {
    return Date.now() < this.throttledUntil ? this.throttleRetryAfter : undefined;
  }

  /** The fault for this request: an armed one first, else maybe a random one. */
  pick(method: string, path: string, email: string | undefined): Fault | undefined {
    const hit = this.armed.find((a) => matches(a.match, method, path, email));
    if (hit) {
      if (--hit.times <= 0) this.armed = this.armed.filter((a) => a !== hit);
      return hit.fault;
    }
    const r = this.random;
    const changing = method !== 'GET';
    const roll = this.rng();
    let edge = r.serverError ?? 0;
    if (roll < edge) {
      const statuses = r.serverErrorStatuses ?? [500, 502, 503, 504];
      const status = statuses[Math.floor(this.rng() * statuses.length)]!;
      return status !== 503 && changing && this.rng() < 0.5 ? { kind: 'status-after-apply', status } : { kind: 'status', status };
    }
    edge += changing ? (r.dropAfterApply ?? 0) : 0;
    if (roll < edge) return { kind: 'drop-after-apply' };
    edge += r.slow ?? 0;
    if (roll < edge) return { kind: 'slow', ms: r.slowMs ?? 1500 };
    return undefined;
  }
}

function matches(m: FaultMatch, method: string, path: string, email: string | undefined): boolean {
  if (m.method && m.method !== method) return false;
  if (m.path !== undefined && !(typeof m.path === 'string' ? path.includes(m.path) : m.path.test(path))) return false;
  if (m.email !== undefined && m.email !== email?.toLowerCase()) return false;
  return true;
}

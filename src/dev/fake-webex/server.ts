import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Faults, TokenBucket, type RandomFaults } from './faults.js';
import * as h from './handlers.js';
import { FakeState } from './state.js';

export interface FakeWebexOptions {
  /** Accept only this token (any non-empty bearer token when unset). */
  token?: string;
  /** Requests a second the fake admits (a token bucket holding one second's worth); none when unset. */
  rateLimit?: number;
  /** Time each request takes, picked uniformly in [min, max] ms: replies are never instant. */
  latencyMs?: [number, number];
  random?: RandomFaults;
  port?: number;
  /** Wholesale lists also send `Link: rel="next"` (the spec declares none; default false). */
  wholesaleLinks?: boolean;
  /** Called with every request and the answer it got (none when the connection was dropped): the tests' spec referee. */
  onExchange?: (exchange: Exchange) => void;
}

/** One request to the fake and its answer, for whoever checks them. */
export interface Exchange {
  method: string;
  /** Path after /v1. */
  path: string;
  query: URLSearchParams;
  body: unknown;
  reply?: { status: number; body: unknown; headers: Record<string, string> };
}

export interface FakeStats {
  requests: number;
  /** Requests the rate limit let through. */
  admitted: number;
  throttled: number;
  byStatus: Record<number, number>;
  firstAt: number;
  lastAt: number;
  /** Admitted requests per whole second since the first request. */
  perSecond: number[];
}

/**
 * A fake Webex on 127.0.0.1: Wholesale customers and subscribers, People, Licenses, Locations
 * and Roles, with documented error bodies (`message`, `errors[]`, `trackingId`), a rate limit
 * that answers 429 + Retry-After, and faults on demand. For tests and `npm run fake-webex`.
 */
export class FakeWebex {
  readonly state = new FakeState();
  readonly faults = new Faults();
  readonly world: h.World;
  stats: FakeStats = FakeWebex.emptyStats();
  /** Every Authorization header value seen, so tests can check what was sent. */
  readonly tokensSeen = new Set<string>();
  private server: Server | undefined;
  private bucket: TokenBucket | undefined;
  private tracking = 0;
  url = '';

  constructor(private readonly options: FakeWebexOptions = {}) {
    this.world = {
      state: this.state,
      faults: this.faults,
      provisioning: { polls: 2, outcome: 'provisioned' },
      wholesaleLinks: options.wholesaleLinks ?? false,
      moveJobs: new Map(),
      moveJobPolls: 2,
    };
    if (options.rateLimit) this.bucket = new TokenBucket(options.rateLimit);
    if (options.random) this.faults.setRandom(options.random);
  }

  static emptyStats(): FakeStats {
    return { requests: 0, admitted: 0, throttled: 0, byStatus: {}, firstAt: 0, lastAt: 0, perSecond: [] };
  }

  setRateLimit(perSecond: number | undefined): void {
    this.bucket = perSecond ? new TokenBucket(perSecond) : undefined;
  }

  resetStats(): void {
    this.stats = FakeWebex.emptyStats();
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve) => this.server!.listen(this.options.port ?? 0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/v1`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const now = Date.now();
    const s = this.stats;
    s.requests++;
    if (!s.firstAt) s.firstAt = now;
    s.lastAt = now;
    const trackingId = this.faults.trackingIdFor(`FAKE_${process.pid}_${++this.tracking}`);
    const body = await readJson(req);
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const r: h.Req = { method: req.method ?? 'GET', path: url.pathname.replace(/^\/v1/, ''), query: url.searchParams, body, base: `http://${req.headers.host}/v1` };
    const exchange: Exchange = { method: r.method, path: r.path, query: r.query, body };
    const observe = (): void => this.options.onExchange?.(exchange);
    const send = (reply: h.Reply): void => {
      s.byStatus[reply.status] = (s.byStatus[reply.status] ?? 0) + 1;
      // An error body of the spec's ErrorResponse shape carries the trackingId too.
      const withTracking = reply.status >= 400 && reply.body && typeof reply.body === 'object' && 'message' in reply.body ? { ...reply.body, trackingId } : reply.body;
      const headers = { TrackingID: trackingId, ...(withTracking !== undefined && { 'Content-Type': 'application/json' }), ...reply.headers };
      res.writeHead(reply.status, headers);
      res.end(withTracking === undefined ? undefined : JSON.stringify(withTracking));
      exchange.reply = { status: reply.status, body: withTracking, headers };
      observe();
    };
    const drop = (): void => {
      req.socket.destroy();
      observe();
    };
    const throttle = (retryAfter: string): void => {
      s.throttled++;
      send(h.errorReply(429, 'Too Many Requests', { headers: { 'Retry-After': retryAfter } }));
    };

    const auth = req.headers.authorization ?? '';
    this.tokensSeen.add(auth);
    const token = /^Bearer (\S+)$/.exec(auth)?.[1];
    if (!token || (this.options.token !== undefined && token !== this.options.token)) {
      return send(h.errorReply(401, 'The request requires a valid access token set in the Authorization request header.'));
    }
    const burst = this.faults.throttled();
    if (burst !== undefined) return throttle(burst);
    const admitted = this.bucket?.take() ?? { ok: true as const };
    if (!admitted.ok) return throttle(String(admitted.retryAfterSeconds));
    s.admitted++;
    const second = Math.floor((now - s.firstAt) / 1000);
    s.perSecond[second] = (s.perSecond[second] ?? 0) + 1;

    const [min, max] = this.options.latencyMs ?? [0, 0];
    if (max > 0) await sleep(min + Math.random() * (max - min));

    const fault = this.faults.pick(r.method, r.path, h.emailOf(this.world, r));
    if (fault?.kind === 'drop') return drop();
    if (fault?.kind === 'status') {
      if (fault.status === 429 || fault.status === 423) s.throttled++;
      return send(h.errorReply(fault.status, fault.message ?? `Fault injected: HTTP ${fault.status}`, fault.retryAfter === undefined ? {} : { headers: { 'Retry-After': fault.retryAfter } }));
    }
    if (fault?.kind === 'redirect') return send({ status: fault.status, headers: { Location: fault.location } });
    const reply = this.route(r);
    if (fault?.kind === 'drop-after-apply') return drop();
    if (fault?.kind === 'status-after-apply') return send(h.errorReply(fault.status, fault.message ?? `Fault injected after applying: HTTP ${fault.status}`));
    if (fault?.kind === 'slow') await sleep(fault.ms);
    if (!res.destroyed) send(reply);
    else observe();
  }

  private route(r: h.Req): h.Reply {
    const w = this.world;
    const m = r.method;
    const id = (pattern: RegExp): string | undefined => {
      const found = pattern.exec(r.path);
      return found ? decodeURIComponent(found[1]!) : undefined;
    };
    const sub = id(/^\/wholesale\/subscribers\/([^/]+)$/);
    const person = id(/^\/people\/([^/]+)$/);
    const customer = id(/^\/wholesale\/customers\/([^/]+)$/);
    const job = id(/^\/telephony\/config\/jobs\/person\/moveLocation\/([^/]+)$/);
    const jobErrors = id(/^\/telephony\/config\/jobs\/person\/moveLocation\/([^/]+)\/errors$/);
    if (r.path === '/wholesale/subscribers/validate' && m === 'POST') return h.validateSubscriber(w, r);
    if (r.path === '/wholesale/subscribers' && m === 'GET') return h.listSubscribers(w, r);
    if (r.path === '/wholesale/subscribers' && m === 'POST') return h.createSubscriber(w, r);
    if (sub && m === 'GET') return h.getSubscriber(w, r, sub);
    if (sub && m === 'PUT') return h.changePackage(w, r, sub);
    if (sub && m === 'DELETE') return h.deleteSubscriber(w, r, sub);
    if (r.path === '/people' && m === 'GET') return h.listPeople(w, r);
    if (person && m === 'GET') return h.getPerson(w, r, person);
    if (person && m === 'PUT') return h.putPerson(w, r, person);
    if (r.path === '/licenses' && m === 'GET') return h.listLicenses(w, r);
    if (r.path === '/licenses/users' && m === 'PATCH') return h.patchLicences(w, r);
    if (r.path === '/locations' && m === 'GET') return h.listLocations(w, r);
    if (r.path === '/roles' && m === 'GET') return h.listRoles();
    if (r.path === '/wholesale/customers' && m === 'GET') return h.listCustomers(w, r);
    if (r.path === '/wholesale/customers' && m === 'POST') return h.createCustomer(w, r);
    if (customer && m === 'GET') return h.getCustomer(w, r, customer);
    if (r.path === '/locations' && m === 'POST') return h.createLocation(w, r);
    if (r.path === '/telephony/config/jobs/person/moveLocation' && m === 'POST') return h.moveUsers(w, r);
    if (job && m === 'GET') return h.getMoveJob(w, job);
    if (jobErrors && m === 'GET') return h.listMoveJobErrors(w, jobErrors);
    return h.errorReply(404, `No such endpoint in the fake: ${m} ${r.path}`);
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

import { RunRefused } from '../../domain/codes.js';
import type { AttributeKey, DirectoryUser, Operation } from '../../domain/user.js';
import { LOOKUP_BATCH_SIZE, type Backend, type CustomerFacts, type OperationResult } from '../port.js';
import { webexIssues } from '../../domain/webex-rules.js';
import { addUser, currentAttributes, isFullAdmin, modifyUser, precheckUser, removeUser, type ApplyContext } from './apply.js';
import { getWholesaleCustomer } from './customers.js';
import { WebexClient, WebexError, type WebexClientOptions } from './http.js';
import { loadOrgFacts, type OrgFacts } from './locations.js';
import { MOVE_DEFAULTS, type MoveOptions } from './moves.js';
import { getPerson, type Person } from './people.js';
import { refuse, stopIfUnauthorised } from './refusals.js';
import { scrubSecrets } from './retry.js';
import { findSubscriber, listSubscribers, packageOf, PAGE_SIZE, type Subscriber } from './subscribers.js';

export const BACKEND_NAME = 'webex';

/** Webex has no public API for the Jabber columns: validated, never compared nor sent. */
export const WEBEX_UNMANAGED: readonly AttributeKey[] = ['jabberCalling', 'jabberTeams'];

export interface WebexBackendOptions extends WebexClientOptions {
  /** Use this client instead of making one (tests share one to read its stats). */
  client?: WebexClient;
  /** How long a list of the customer's subscribers may answer lookups while nothing is written. */
  snapshotMs?: number;
  /** How the Move Users job of a location change is waited for. */
  moves?: MoveOptions;
  /**
   * How many of the customer's persons `getCustomer` starts reading ahead of the first lookup
   * (0: none). See `ReadAhead`. Default READ_AHEAD (one lookup batch).
   */
  readAhead?: number;
}

/** One lookup batch (LOOKUP_BATCH_SIZE): what the pipeline asks for first. */
export const READ_AHEAD = LOOKUP_BATCH_SIZE;

export interface WebexBackend extends Backend {
  readonly client: WebexClient;
  /** Resolves once the persons `getCustomer` read ahead are all in (or given up on). */
  readAheadSettled(): Promise<void>;
}

/**
 * Persons read while the pipeline starts (it reads, validates and plans the file's first rows
 * before its first lookup, a second or more in which nothing goes to Webex and the rate limit's
 * allowance is lost). The persons of the subscribers `getCustomer` just listed are read then;
 * the first lookup that asks for one takes its answer, once. Reading stops at the first lookup
 * (from there on the lookups ask for exactly what they need), at the first write, and at
 * `close()`; an answer is good for the lookups of the subscriber list it came with (same
 * generation, younger than `snapshotMs`). A read that failed is simply read again by the lookup.
 */
interface ReadAhead {
  customerId: string;
  generation: number;
  takenAt: number;
  persons: Map<string, Promise<Person | undefined>>;
  stopped: boolean;
  settled: Promise<void>;
}

interface Snapshot {
  customerId: string;
  generation: number;
  takenAt: number;
  byEmail: Map<string, Subscriber>;
}

/**
 * Webex Wholesale as a backend. A subscriber (package, status) plus its person (names,
 * numbers, location, licences, site) is one `DirectoryUser`, whose id is the subscriber id.
 *
 * Lookups: the pipeline asks for up to 100 e-mails at a time, several batches in a row per
 * window. Listing the customer's subscribers (100 a page) once answers all batches of a window;
 * the list is dropped as soon as this adapter writes anything, so every window still sees
 * fresh state. A small batch against a big customer is answered e-mail by e-mail instead.
 */
export function createWebexBackend(options: WebexBackendOptions): WebexBackend {
  const client = options.client ?? new WebexClient(options);
  const snapshotMs = options.snapshotMs ?? 10_000;
  const orgs = new Map<string, Promise<OrgFacts>>();
  let generation = 0;
  let snapshot: Snapshot | undefined;
  let readAhead: ReadAhead | undefined;
  const counts = new Map<string, number>();

  const fail = (error: unknown, doing: string): never => {
    if (error instanceof RunRefused) throw error;
    const words = error instanceof WebexError ? error.describe() : error instanceof Error ? error.message : String(error);
    if (error instanceof WebexError && (error.status === 401 || error.status === 403)) {
      throw new RunRefused('TARGET_UNAVAILABLE', scrubSecrets(`Webex refused the token while ${doing}: ${words}. Check WEBEX_ACCESS_TOKEN and its scopes.`, options.token));
    }
    throw new RunRefused('TARGET_UNAVAILABLE', scrubSecrets(`Webex could not be used while ${doing}: ${words}`, options.token));
  };

  async function customerOrg(customerId: string): Promise<string> {
    const customer = await getWholesaleCustomer(client, customerId);
    if (!customer) throw new RunRefused('CUSTOMER_NOT_FOUND', `Webex knows no Wholesale customer with id ${customerId}.`);
    if (!customer.orgId) {
      throw new RunRefused('CUSTOMER_NOT_FOUND', `Wholesale customer ${customerId} has no organisation yet (status ${customer.status}); wait until it is provisioned.`);
    }
    return customer.orgId;
  }

  function facts(customerId: string, reload = false): Promise<OrgFacts> {
    let loading = reload ? undefined : orgs.get(customerId);
    if (!loading) {
      loading = customerOrg(customerId).then((orgId) => loadOrgFacts(client, customerId, orgId));
      loading.catch(() => orgs.delete(customerId));
      orgs.set(customerId, loading);
    }
    return loading;
  }

  async function context(customerId: string): Promise<ApplyContext> {
    return { client, facts: await facts(customerId), token: options.token, moves: options.moves ?? MOVE_DEFAULTS };
  }

  async function takeSnapshot(customerId: string): Promise<Snapshot> {
    const byEmail = new Map<string, Subscriber>();
    const startedAt = generation;
    for await (const page of listSubscribers(client, customerId)) for (const s of page) byEmail.set(s.email.toLowerCase(), s);
    counts.set(customerId, byEmail.size);
    const taken = { customerId, generation: startedAt, takenAt: Date.now(), byEmail };
    if (startedAt === generation) snapshot = taken;
    return taken;
  }

  async function subscribersFor(customerId: string, emails: readonly string[]): Promise<Map<string, Subscriber>> {
    const fresh = snapshot && snapshot.customerId === customerId && snapshot.generation === generation && Date.now() - snapshot.takenAt < snapshotMs;
    const count = counts.get(customerId);
    if (!fresh && count !== undefined && Math.ceil(count / PAGE_SIZE) > emails.length) {
      const found = new Map<string, Subscriber>();
      await Promise.all(emails.map(async (email) => {
        const s = await findSubscriber(client, customerId, email);
        if (s) found.set(email, s);
      }));
      return found;
    }
    const list = fresh ? snapshot! : await takeSnapshot(customerId);
    return new Map(emails.flatMap((e) => (list.byEmail.has(e) ? [[e, list.byEmail.get(e)!] as const] : [])));
  }

  /** Starts reading the persons of a subscriber list taken just now (see ReadAhead). */
  function startReadAhead(list: Snapshot): void {
    stopReadAhead();
    const limit = options.readAhead ?? READ_AHEAD;
    const ids = [...list.byEmail.values()].flatMap((s) => (s.personId && packageOf(s) !== undefined ? [s.personId] : [])).slice(0, limit);
    if (ids.length === 0 || list.generation !== generation) return;
    const ahead: ReadAhead = { customerId: list.customerId, generation: list.generation, takenAt: list.takenAt, persons: new Map(), stopped: false, settled: Promise.resolve() };
    let next = 0;
    // As many readers as requests may be in flight: the limiter paces them like any others.
    const reader = async (): Promise<void> => {
      while (next < ids.length && !ahead.stopped && ahead.generation === generation) {
        const id = ids[next++]!;
        const person = getPerson(client, id).catch(() => undefined);
        ahead.persons.set(id, person);
        await person;
      }
    };
    ahead.settled = Promise.all(Array.from({ length: Math.min(ids.length, client.limiter.concurrency) }, reader)).then(() => undefined);
    readAhead = ahead;
  }

  function stopReadAhead(): void {
    if (readAhead) readAhead.stopped = true;
  }

  /** GET /people/{id} of each (the only answer with the person's roles and licences), or its read-ahead answer. */
  async function peopleOf(customerId: string, ids: readonly string[]): Promise<Map<string, Person>> {
    stopReadAhead();
    const ahead = readAhead && readAhead.customerId === customerId && readAhead.generation === generation && Date.now() - readAhead.takenAt < snapshotMs ? readAhead : undefined;
    const people = await Promise.all(ids.map(async (id) => {
      const early = ahead?.persons.get(id);
      ahead?.persons.delete(id); // one lookup each: a later lookup (the apply window's) reads afresh
      return (early && (await early)) ?? getPerson(client, id);
    }));
    return new Map(people.map((p) => [p.id, p]));
  }

  async function usersOf(customerId: string, subscribers: Subscriber[]): Promise<DirectoryUser[]> {
    const org = await facts(customerId);
    const ours = subscribers.filter((s) => packageOf(s) !== undefined); // a package this tool does not handle (e.g. Customer Assist): not ours to plan
    const ids = ours.flatMap((s) => (s.personId ? [s.personId] : []));
    const people = ids.length > 0 ? await peopleOf(customerId, ids) : new Map<string, Person>();
    return ours.map((s) => {
      const person = s.personId ? people.get(s.personId) : undefined;
      return { id: s.id, email: s.email.toLowerCase(), package: packageOf(s)!, isFullAdmin: isFullAdmin(org, person), ...(person && currentAttributes(org, person)) };
    });
  }

  /** Every write bumps the generation: a list taken before it no longer answers lookups. */
  async function writing(op: Operation, body: (ctx: ApplyContext) => Promise<OperationResult>): Promise<OperationResult> {
    let ctx: ApplyContext;
    try {
      ctx = await context(op.customerId);
    } catch (error) {
      stopIfUnauthorised(error, `reading customer ${op.customerId}`, options.token);
      return refuse('BACKEND_ERROR', scrubSecrets(`Webex: could not read customer ${op.customerId}: ${error instanceof Error ? error.message : String(error)}`, options.token));
    }
    generation++;
    stopReadAhead();
    try {
      const result = scrubbed(await body(ctx));
      if (result.status === 'ok' && op.kind !== 'modify') counts.set(op.customerId, (counts.get(op.customerId) ?? 0) + (op.kind === 'add' ? 1 : -1));
      return result;
    } catch (error) {
      // The flows turn every Webex answer into a result; this is for the unexpected.
      stopIfUnauthorised(error, `${op.kind} of ${op.email}`, options.token);
      return refuse('BACKEND_ERROR', scrubSecrets(`Webex: ${op.kind} of ${op.email} failed: ${error instanceof Error ? error.message : String(error)}`, options.token));
    } finally {
      generation++;
    }
  }

  /** Whatever a result carries into the journal and the reports, without a secret-shaped value. */
  function scrubbed(result: OperationResult): OperationResult {
    const clean = (text: string): string => scrubSecrets(text, options.token);
    if (result.status === 'error') return { ...result, message: clean(result.message) };
    return {
      ...result,
      ...(result.note !== undefined && { note: clean(result.note) }),
      ...(result.warning && { warning: { ...result.warning, message: clean(result.warning.message) } }),
    };
  }

  return {
    name: BACKEND_NAME,
    client,
    unmanaged: WEBEX_UNMANAGED,
    rules: webexIssues,

    async getCustomer(customerId: string): Promise<CustomerFacts> {
      try {
        // The subscribers need only the customer id: listed while the organisation is read.
        // Its persons are read from the moment it is in (see ReadAhead), whatever the organisation's reads still take.
        const listing = takeSnapshot(customerId).then((list) => {
          startReadAhead(list);
          return list;
        });
        listing.catch(() => undefined); // an unknown customer is said by facts(), first
        const org = await facts(customerId, true);
        const list = await listing;
        return { customerId, name: customerId, locations: org.locations.map((l) => l.name), sites: org.sites, userCount: list.byEmail.size,
          locationCountries: Object.fromEntries(org.locations.flatMap((l) => (l.address?.country ? [[l.name.toLowerCase(), l.address.country.toUpperCase()]] : []))) };
      } catch (error) {
        stopReadAhead();
        return fail(error, `reading customer ${customerId}`);
      }
    },

    async findUsers(customerId: string, emails: readonly string[]): Promise<Map<string, DirectoryUser>> {
      const wanted = [...new Set(emails.map((e) => e.toLowerCase()))];
      if (wanted.length === 0) return new Map();
      try {
        const subscribers = await subscribersFor(customerId, wanted);
        const users = await usersOf(customerId, [...subscribers.values()]);
        return new Map(users.map((u) => [u.email, u]));
      } catch (error) {
        return fail(error, `looking up users of customer ${customerId}`);
      }
    },

    apply(op: Operation): Promise<OperationResult> {
      if (op.kind === 'add') return writing(op, (ctx) => addUser(ctx, op));
      if (op.kind === 'modify') return writing(op, (ctx) => modifyUser(ctx, op));
      return writing(op, (ctx) => removeUser(ctx, op));
    },

    async precheck(op: Operation): Promise<OperationResult> {
      try {
        return scrubbed(await precheckUser(await context(op.customerId), op));
      } catch (error) {
        stopIfUnauthorised(error, 'the precheck', options.token);
        return refuse('BACKEND_ERROR', scrubSecrets(`Webex precheck failed: ${error instanceof Error ? error.message : String(error)}`, options.token));
      }
    },

    async listUsers(customerId: string, onUser: (user: DirectoryUser) => void): Promise<void> {
      try {
        const all: Subscriber[] = [];
        for await (const page of listSubscribers(client, customerId)) all.push(...page);
        const users: DirectoryUser[] = [];
        for (let i = 0; i < all.length; i += PAGE_SIZE) users.push(...(await usersOf(customerId, all.slice(i, i + PAGE_SIZE))));
        users.sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
        for (const user of users) onUser(user);
      } catch (error) {
        fail(error, `listing users of customer ${customerId}`);
      }
    },

    readAheadSettled(): Promise<void> {
      return readAhead?.settled ?? Promise.resolve();
    },

    async close(): Promise<void> {
      stopReadAhead();
    },
  };
}

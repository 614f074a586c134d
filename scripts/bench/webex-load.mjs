#!/usr/bin/env node
// Webex throughput under faults: an import through the built adapter against the built fake
// Webex, which runs in a process of its own (as Webex is elsewhere) with a rate limit and random
// faults; then a check that nothing was lost or doubled. Prints one JSON line: the request rate
// the fake admitted, as a fraction of its limit.
//
//   node scripts/bench/webex-load.mjs [--rows 300] [--limit 50] [--server-error 0.05] [--drop 0.02] [--seed 7] [--concurrency 16] [--trace FILE]
//
// `--trace FILE` writes, as JSON lines, every request as the adapter sent it (sent and answered,
// ms from the start; method, path, status), the limiter's state every 50 ms and the pipeline's
// calls into the adapter (getCustomer, findUsers, apply): where a run's time goes.
//
// Faults (issue 10): `--server-error` of the answers are 500 or 503 (half of the 500s to a change
// come after it was applied), `--drop` of the changing requests have their connection dropped
// after the change was applied. Run by `npm run bench` (the Webex step); needs `npm run build`.
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '300' },
    limit: { type: 'string', default: '50' },
    'server-error': { type: 'string', default: '0.05' },
    drop: { type: 'string', default: '0.02' },
    seed: { type: 'string', default: '7' },
    concurrency: { type: 'string', default: '16' },
    serve: { type: 'boolean', default: false },
    trace: { type: 'string' },
  },
});
const dist = (path) => import(join(root, 'dist', path));
const LOCATIONS = ['Amsterdam HQ', 'Rotterdam Branch'];
const ROWS = Number(values.rows);
const LIMIT = Number(values.limit);
// A fifth of the rows change existing users (every fifth of those moves to Webex Calling), a
// fifteenth remove one, the rest add Webex Voice users with an extension.
const modified = Math.floor(ROWS / 5);
const removed = Math.floor(ROWS / 15);
const added = ROWS - modified - removed;
const existing = (i) => `old${String(i).padStart(4, '0')}@acme.nl`;
const fresh = (i) => `new${String(i).padStart(4, '0')}@acme.nl`;
const movedExtension = (i) => (i % 5 === 0 ? String(3000 + i) : undefined);

if (values.serve) await serve();
else await measure();

/** The fake Webex, in this child process: seeded, armed on request, and asked at the end what it holds. */
async function serve() {
  const { FakeWebex } = await dist('src/dev/fake-webex/server.js');
  const fake = await new FakeWebex({ latencyMs: [20, 60] }).start();
  fake.world.moveJobPolls = 1;
  const { org } = fake.state.seedCustomer({ id: 'acme', name: 'Acme BV', locations: LOCATIONS, sites: ['acme.webex.com'], adminEmail: 'admin@acme.example' });
  for (let i = 0; i < modified + removed; i++) {
    const person = fake.state.addPerson(org, existing(i), { firstName: 'Old', lastName: `User ${i}`, displayName: `Old User ${i}` });
    fake.state.addSubscriber('acme', existing(i), 'webex_meetings', person.id);
  }
  process.on('message', async (message) => {
    if (message.cmd === 'arm') {
      fake.setRateLimit(LIMIT);
      fake.faults.setRandom({ seed: Number(values.seed), serverError: Number(values['server-error']), serverErrorStatuses: [500, 503], dropAfterApply: Number(values.drop) });
      fake.resetStats();
      process.send({ armed: true });
    } else if (message.cmd === 'report') {
      fake.faults.setRandom({});
      process.send({ stats: fake.stats, problems: problemsOf(fake, org) });
      await fake.close();
      process.exit(0);
    }
  });
  process.send({ url: fake.url });
}

/** Nothing lost, nothing doubled: every row's change is there once. */
function problemsOf(fake, org) {
  const problems = [];
  if (fake.state.duplicates().length > 0) problems.push(`duplicate subscribers: ${fake.state.duplicates().join(', ')}`);
  const creations = fake.state.creations();
  for (let i = 0; i < added; i++) {
    const s = fake.state.subscriberByEmail('acme', fresh(i));
    const p = s?.personId ? org.people.get(s.personId) : undefined;
    if ((creations.get(fresh(i)) ?? 0) !== 1) problems.push(`${fresh(i)} created ${creations.get(fresh(i)) ?? 0} times`);
    if (s?.package !== 'webex_voice' || p?.extension !== String(10000 + i)) problems.push(`${fresh(i)} not as asked`);
  }
  for (let i = 0; i < modified; i++) {
    const s = fake.state.subscriberByEmail('acme', existing(i));
    const p = s?.personId ? org.people.get(s.personId) : undefined;
    if (p?.lastName !== `Renamed ${i}`) problems.push(`${existing(i)} not renamed`);
    if (movedExtension(i) && (s?.package !== 'webex_calling' || p?.extension !== movedExtension(i))) problems.push(`${existing(i)} not moved to Webex Calling`);
  }
  for (let i = 0; i < removed; i++) if (fake.state.subscriberByEmail('acme', existing(modified + i))) problems.push(`${existing(modified + i)} not removed`);
  return problems;
}

async function measure() {
  const { createWebexBackend } = await dist('src/backends/webex/backend.js');
  const { runImport } = await dist('src/import/run-import.js');
  const { openDb } = await dist('src/db/open.js');
  const { COLUMN_KEYS, COLUMNS } = await dist('src/domain/columns.js');

  const child = fork(fileURLToPath(import.meta.url), [...process.argv.slice(2), '--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise((resolve) => child.once('message', resolve));
  const { url } = await next();

  const line = (cells) => COLUMN_KEYS.map((k) => cells[k] ?? '').join(',');
  const none = { webex_calling: 'FALSE', webex_calling_standard: 'FALSE', webex_suite: 'FALSE', webex_voice: 'FALSE', webex_meetings: 'FALSE' };
  const lines = [COLUMN_KEYS.map((k) => COLUMNS[k]).join(',')];
  for (let i = 0; i < modified; i++) {
    const extension = movedExtension(i);
    lines.push(line({ email: existing(i), lastName: `Renamed ${i}`,
      ...(extension && { extension, location: LOCATIONS[1], jabberCalling: 'TRUE', jabberTeams: 'TRUE', ...none, webex_calling: 'TRUE' }) }));
  }
  for (let i = 0; i < removed; i++) lines.push(line({ email: existing(modified + i), ...none }));
  for (let i = 0; i < added; i++) {
    lines.push(line({ email: fresh(i), firstName: 'New', lastName: `User ${i}`, extension: String(10000 + i), location: LOCATIONS[i % 2],
      jabberCalling: 'FALSE', jabberTeams: 'TRUE', ...none, webex_voice: 'TRUE' }));
  }
  const dir = mkdtempSync(join(tmpdir(), 'bulkhub-webex-bench-'));
  const file = join(dir, 'load.csv');
  writeFileSync(file, lines.join('\n'));

  child.send({ cmd: 'arm' });
  await next();
  const concurrency = Number(values.concurrency);
  const trace = values.trace ? traceRequests() : undefined;
  const backend = createWebexBackend({ baseUrl: url, token: 'bench-token', maxConcurrency: concurrency, timeoutMs: 5_000, moves: { pollMs: 200, timeoutMs: 30_000 } });
  trace?.watch(backend);
  const db = openDb(join(dir, 'journal.db'));
  const silent = { info() {}, warn() {}, error() {}, debug() {}, child() { return silent; } };
  const started = Date.now();
  const result = await runImport({ file, customerId: 'acme', db, backend, allowRemovals: true, outDir: join(dir, 'out'), concurrency, logger: silent });
  const seconds = (Date.now() - started) / 1000;
  trace?.write(values.trace, started);
  db.close();
  child.send({ cmd: 'report' });
  const { stats: s, problems } = await next();

  const report = readFileSync(join(dir, 'out', 'results.csv'), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1);
  if (report.length !== ROWS) problems.push(`${report.length} rows reported, not ${ROWS}`);
  const errors = report.filter((r) => /,error,/.test(r));
  if (errors.length > 0) problems.push(`${errors.length} rows in error, e.g. ${errors[0]}`);

  const span = (s.lastAt - s.firstAt) / 1000;
  // The bucket's opening burst (one second's worth) is not counted.
  const fraction = (s.admitted - LIMIT) / span / LIMIT;
  const out = {
    rows: ROWS, limit: LIMIT, seconds: Number(seconds.toFixed(1)), admitted: s.admitted, span: Number(span.toFixed(1)),
    perSecond: Number((s.admitted / span).toFixed(1)), fraction: Number(fraction.toFixed(3)), throttled429: s.throttled, byStatus: s.byStatus,
    client: backend.client.stats, finalConcurrency: backend.client.limiter.concurrency, finalRate: Number(backend.client.limiter.rate.toFixed(1)),
    summary: { added: result.summary.added, modified: result.summary.modified, removed: result.summary.removed, errors: result.summary.errors },
    problems,
    ...(process.env.BENCH_WEBEX_TRACE === '1' && { trace: s.perSecond }),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  rmSync(dir, { recursive: true, force: true });
  process.exit(problems.length === 0 ? 0 : 1);
}

/**
 * `--trace FILE`: every request as the adapter saw it (sent, answered, method, path, status) and
 * the limiter's state every 50 ms, as JSON lines, to see where a run's time goes.
 */
function traceRequests() {
  const events = [];
  const samples = [];
  const calls = [];
  const original = globalThis.fetch;
  globalThis.fetch = async (url, init) => {
    const event = { sent: Date.now(), method: init?.method ?? 'GET', path: new URL(url).pathname.replace(/^\/v1/, '') };
    events.push(event);
    try {
      const response = await original(url, init);
      event.status = response.status;
      return response;
    } catch (error) {
      event.status = 'dropped';
      throw error;
    } finally {
      event.answered = Date.now();
    }
  };
  let limiter;
  const sampler = setInterval(() => {
    if (limiter) samples.push({ at: Date.now(), rate: limiter.rate, concurrency: limiter.concurrency, inFlight: limiter.inFlight, queued: limiter.waiters.length });
  }, 50);
  return {
    watch(backend) {
      limiter = backend.client.limiter;
      // The pipeline's calls into the adapter, to tell its stages apart.
      for (const name of ['getCustomer', 'findUsers', 'apply']) {
        const call = backend[name];
        backend[name] = async (...args) => {
          const event = { call: name, size: Array.isArray(args[1]) ? args[1].length : undefined, started: Date.now() };
          calls.push(event);
          try {
            return await call(...args);
          } finally {
            event.ended = Date.now();
          }
        };
      }
    },
    write(file, started) {
      clearInterval(sampler);
      globalThis.fetch = original;
      const lines = [...events.map((e) => ({ ...e, sent: e.sent - started, answered: e.answered - started })), ...samples.map((s) => ({ ...s, at: s.at - started })),
        ...calls.map((c) => ({ ...c, started: c.started - started, ended: c.ended - started }))];
      writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    },
  };
}

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCustomer, addSite } from '../../src/backends/sqlite/directory.js';
import { openDb } from '../../src/db/open.js';
import type { FakeWebex } from '../../src/dev/fake-webex/server.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { acmeDirectory, HEADER, meetingsUser, userLine } from '../helpers/directory.js';
import { ACME, startFake } from '../fake-webex/fixture.js';

const manifestAt = (dir: string, manifest: unknown): string => {
  const path = join(dir, 'nightly.json');
  writeFileSync(path, typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  return path;
};

describe('bulkhub batch on the embedded directory', () => {
  it('imports every entry, goes on past a customer that fails, one combined summary and the highest exit code', async () => {
    const acme = acmeDirectory();
    const db = openDb(acme.db);
    createCustomer(db, { id: 'globex', name: 'Globex', adminEmail: 'admin@globex.nl', package: 'webex_meetings' });
    addSite(db, { customerId: 'globex', url: 'acme.webex.com' });
    db.close();
    acme.write('acme.csv', `${HEADER}\n${meetingsUser(1)}\n${meetingsUser(2)}\n`);
    acme.write('globex.csv', `${HEADER}\n${meetingsUser(3).replace('user3@acme.nl', 'user3@globex.nl')}\n${userLine({ email: 'broken@globex.nl', webex_meetings: 'maybe' })}\n`);
    acme.write('nobody.csv', `${HEADER}\n${meetingsUser(4)}\n`);
    const manifest = manifestAt(acme.dir, {
      defaults: { mode: 'add-remove' },
      entries: [
        { customer: 'acme', file: 'acme.csv', out: 'reports/acme' },
        { customer: 'nobody', file: 'nobody.csv', out: 'reports/nobody' },
        { customer: 'globex', file: 'globex.csv', out: 'reports/globex' },
      ],
    });
    const result = await runCli(['batch', manifest, '--db', acme.db, '--json', '--summary', join(acme.dir, 'batch.json')], { cwd: tempDir() });
    expect(result.code, result.stderr).toBe(2);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      exitCode: 2,
      database: acme.db,
      totals: { entries: 3, completed: 2, refused: 0, failed: 1, rows: 4, added: 3, errors: 1 },
    });
    expect(summary.entries.map((e: { customer: string; exitCode: number; outcome: string }) => [e.customer, e.exitCode, e.outcome])).toEqual([
      ['acme', 0, 'completed'],
      ['nobody', 2, 'failed'],
      ['globex', 1, 'completed'],
    ]);
    expect(summary.entries[1].refusal.code).toBe('CUSTOMER_NOT_FOUND');
    expect(summary.entries[0].reports).toBe(join(acme.dir, 'reports', 'acme'));
    expect(existsSync(join(acme.dir, 'reports', 'globex', 'errors.csv'))).toBe(true);
    expect(JSON.parse(readFileSync(join(acme.dir, 'batch.json'), 'utf8'))).toEqual(summary);
    // Each entry is an ordinary run of the journal.
    const runs = JSON.parse((await runCli(['runs', 'list', '--json', '--db', acme.db])).stdout) as { customerId: string }[];
    expect(runs.map((r) => r.customerId).sort()).toEqual(['acme', 'globex']);

    // --dry-run makes every entry a dry run: nothing more is added. (Reports go to a new folder per
    // run: the entries' own --out folders hold reports already, which are never overwritten.)
    const dryManifest = manifestAt(acme.dir, { entries: [
      { customer: 'acme', file: 'acme.csv' }, { customer: 'nobody', file: 'nobody.csv' }, { customer: 'globex', file: 'globex.csv' },
    ] });
    const dry = await runCli(['batch', dryManifest, '--db', acme.db, '--dry-run', '--json'], { cwd: tempDir() });
    const drySummary = JSON.parse(dry.stdout);
    expect(drySummary.totals).toMatchObject({ added: 0, unchanged: 3 });
    const text = await runCli(['batch', dryManifest, '--db', acme.db, '--dry-run'], { cwd: tempDir() });
    expect(text.stdout).toMatch(/^Batch .*nightly\.json: 3 customers, 2 completed, 0 refused, 1 failed \(exit 2\)/);
    expect(text.stdout).toMatch(/\n {2}nobody +failed +exit 2 +CUSTOMER_NOT_FOUND: /);
    expect(text.stdout).toMatch(/\n {2}acme +completed +exit 0 +2 rows, 0 errors/);
  });

  it('refuses a manifest that is not valid before importing anything, naming the place', async () => {
    const dir = tempDir();
    const cases: [unknown, RegExp][] = [
      [{ entries: [{ customer: 'acme', file: 'a.csv', mdoe: 'add-only' }] }, /entries\[0\]: unknown key "mdoe"/],
      [{ entries: [{ customer: 'acme' }] }, /entries\[0\]\.file: /],
      [{ entries: [] }, /entries: .*>=1|entries: .*at least 1/i],
      [{ entries: [{ customer: 'acme', file: 'a.csv' }, { customer: 'ACME', file: 'b.csv' }] }, /lists customer ACME twice \(entries\[0\] and entries\[1\]\)/],
      [{ parallel: 0, entries: [{ customer: 'acme', file: 'a.csv' }] }, /parallel: /],
      ['{"entries": [', /is not valid JSON/],
    ];
    for (const [manifest, message] of cases) {
      const result = await runCli(['batch', manifestAt(dir, manifest), '--db', join(dir, 'x.db')]);
      expect(result.code, JSON.stringify(manifest)).toBe(2);
      expect(result.said, JSON.stringify(manifest)).toMatch(/BAD_ARGUMENTS: The manifest .*nightly\.json/);
      expect(result.said, JSON.stringify(manifest)).toMatch(message);
    }
    expect(existsSync(join(dir, 'x.db'))).toBe(false);
  });
});

describe('bulkhub batch against Webex: one rate limiter for every entry', () => {
  let fake: FakeWebex;
  let proxy: Server;
  let proxyUrl: string;
  let inFlight = 0;
  let maxInFlight = 0;
  beforeEach(async () => {
    fake = await startFake({ token: 'batch-token', latencyMs: [15, 30] });
    fake.state.seedCustomer({ id: 'globex', name: 'Globex', locations: ['Globex HQ'], sites: [ACME.site], adminEmail: 'admin@globex.example' });
    // A pass-through in front of the fake that counts requests in flight at once.
    const target = new URL(fake.url);
    inFlight = 0;
    maxInFlight = 0;
    proxy = createServer((req, res) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      const forward = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
        reply.on('end', () => inFlight--);
      });
      forward.on('error', () => {
        inFlight--;
        res.destroy();
      });
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${target.pathname}`;
  });
  afterEach(async () => {
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
    await fake.close();
  });

  it('two customers side by side never have more requests in flight together than --concurrency', async () => {
    const dir = tempDir('bulkhub-batch-');
    const users = (domain: string) => [HEADER, ...Array.from({ length: 40 }, (_, i) => meetingsUser(i).replace('@acme.nl', `@${domain}`))].join('\n');
    writeFileSync(join(dir, 'acme.csv'), users('acme.example'));
    writeFileSync(join(dir, 'globex.csv'), users('globex.example'));
    const manifest = manifestAt(dir, { parallel: 2, entries: [{ customer: ACME.id, file: 'acme.csv', out: 'a' }, { customer: 'globex', file: 'globex.csv', out: 'g' }] });
    const result = await runCli(['batch', manifest, '--backend', 'webex', '--concurrency', '2', '--db', join(dir, 'journal.db'), '--json'], {
      env: { WEBEX_API_URL: proxyUrl, WEBEX_ACCESS_TOKEN: 'batch-token' },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).totals).toMatchObject({ entries: 2, completed: 2, added: 80, errors: 0 });
    expect(maxInFlight).toBeGreaterThanOrEqual(2);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    // Both entries logged, each naming itself.
    const lines = result.stderr.trim().split('\n').map((l) => JSON.parse(l) as { customer?: string });
    expect(new Set(lines.map((l) => l.customer).filter(Boolean))).toEqual(new Set([ACME.id, 'globex']));
  });
});

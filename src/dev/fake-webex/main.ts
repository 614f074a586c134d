#!/usr/bin/env node
/**
 * `npm run fake-webex [-- --port 8900 --rate 50 --wholesale-links]`: a fake Webex on 127.0.0.1
 * with the demo customer of samples/demo-customer.json, for trying `--backend webex` without an
 * account. It answers as Cisco's published spec says (src/dev/fake-webex/handlers.ts);
 * `--wholesale-links` adds `Link: rel="next"` to the wholesale lists, which the spec does not
 * declare. Nothing here talks to the internet.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FakeWebex } from './server.js';

interface DemoCustomer {
  id: string;
  name: string;
  adminEmail: string;
  package: string;
  locations: Array<{ name: string }>;
  sites: string[];
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const demo = JSON.parse(readFileSync(new URL('../../../../samples/demo-customer.json', import.meta.url), 'utf8')) as DemoCustomer;
const token = `fake-${randomUUID()}`;
const rate = option('rate');
const fake = new FakeWebex({ token, port: Number(option('port') ?? 0), latencyMs: [20, 60], ...(rate && { rateLimit: Number(rate) }), wholesaleLinks: process.argv.includes('--wholesale-links') });
await fake.start();
fake.state.seedCustomer({ id: demo.id, name: demo.name, locations: demo.locations.map((l) => l.name), sites: demo.sites, adminEmail: demo.adminEmail, adminPackage: demo.package });

process.stdout.write(
  [
    `Fake Webex listening on ${fake.url}${rate ? ` (rate limit ${rate} requests/s)` : ''}`,
    `Demo customer: ${demo.id} (${demo.name}), locations ${demo.locations.map((l) => l.name).join(', ')}, site ${demo.sites.join(', ')}`,
    '',
    'Try it (in another terminal):',
    `  export WEBEX_API_URL=${fake.url}`,
    `  export WEBEX_ACCESS_TOKEN=${token}   # a throwaway token this fake accepts`,
    `  npx bulkhub users import samples/clean-add.csv --backend webex --customer ${demo.id} --dry-run --precheck`,
    `  npx bulkhub users import samples/clean-add.csv --backend webex --customer ${demo.id}`,
    `  npx bulkhub customers show ${demo.id} --backend webex`,
    '',
    'Ctrl-C stops it; its state lives in memory only.',
    '',
  ].join('\n'),
);

const stop = (): void => {
  void fake.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

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
import { parseArgs } from 'node:util';
import { FakeWebex } from './server.js';

interface DemoCustomer {
  id: string;
  name: string;
  adminEmail: string;
  package: string;
  locations: Array<{ name: string }>;
  sites: string[];
}

const USAGE = `Usage: npm run fake-webex [-- --port N --rate R --wholesale-links]

Starts a fake Webex on 127.0.0.1 with the demo customer of samples/demo-customer.json, and
prints its URL, a throwaway token and the bulkhub commands to run against it. Its state lives in
memory only; Ctrl-C stops it.

Options:
  --port N           the port to listen on (default: a free one)
  --rate R           answer 429 above R requests a second, as Webex does (default: no limit)
  --wholesale-links  add Link: rel="next" to the wholesale lists (the published spec declares none)
  -h, --help         this text
`;

/** The command line, or a one-line refusal and exit 2 (a server that starts on a typo would be worse). */
function options(): { port: number; rate?: number; wholesaleLinks: boolean } {
  const fail = (message: string): never => {
    process.stderr.write(`fake-webex: ${message}\n${USAGE}`);
    process.exit(2);
  };
  let values: { port?: string; rate?: string; help?: boolean; 'wholesale-links'?: boolean } = {};
  try {
    ({ values } = parseArgs({ options: { port: { type: 'string' }, rate: { type: 'string' }, 'wholesale-links': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, not "${values.port}".`);
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  if (rate !== undefined && !(rate > 0)) fail(`--rate must be a number of requests a second above 0, not "${values.rate}".`);
  return { port, ...(rate !== undefined && { rate }), wholesaleLinks: values['wholesale-links'] ?? false };
}

const { port, rate, wholesaleLinks } = options();
const demo = JSON.parse(readFileSync(new URL('../../../../samples/demo-customer.json', import.meta.url), 'utf8')) as DemoCustomer;
const token = `fake-${randomUUID()}`;
const fake = new FakeWebex({ token, port, latencyMs: [20, 60], ...(rate !== undefined && { rateLimit: rate }), wholesaleLinks });
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

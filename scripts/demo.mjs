#!/usr/bin/env node
// Sets up the demo customer of samples/demo-customer.json in the embedded directory (once) and
// imports a sample file into it: the quickest way to see a real run and its reports.
//   npm run demo                               imports samples/clean-add.csv
//   npm run demo -- samples/usual-mistakes.csv imports another sample
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
const customer = JSON.parse(readFileSync(new URL('../samples/demo-customer.json', import.meta.url), 'utf8'));
const file = process.argv[2] ?? relative(process.cwd(), fileURLToPath(new URL('../samples/clean-add.csv', import.meta.url)));

const bulkhub = (args, quiet = false) =>
  spawnSync(process.execPath, [cli, ...args], { stdio: quiet ? 'ignore' : 'inherit' }).status;

if (bulkhub(['customers', 'show', customer.id], true) !== 0) {
  console.log(`Creating the demo customer ${customer.id} (${customer.name})`);
  const steps = [
    ['customers', 'create', '--id', customer.id, '--name', customer.name, '--admin-email', customer.adminEmail, '--package', customer.package],
    ...customer.locations.map((l) => ['locations', 'add', '--customer', customer.id, '--name', l.name, '--country', l.country, '--city', l.city]),
    ...customer.sites.map((url) => ['sites', 'add', '--customer', customer.id, '--url', url]),
  ];
  for (const step of steps) if (bulkhub(step) !== 0) process.exit(2);
}
console.log(`\nbulkhub users import ${file} --customer ${customer.id}`);
process.exit(bulkhub(['users', 'import', file, '--customer', customer.id]) ?? 2);

import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { openDb, type Db } from '../../src/db/open.js';
import { addOrgUser, createOrganisation, setDomain } from '../../src/provisioning/organisations.js';
import { migrateProvisioning } from '../../src/provisioning/schema.js';
import { addSubscription } from '../../src/provisioning/subscriptions.js';
import { runCli, tempDir, type CliResult } from './cli.js';

/** A fresh database in a temporary folder, and `bulkhub` bound to it, for the provisioning CLI tests. */
export interface World {
  dir: string;
  bulkhub(...args: string[]): Promise<CliResult>;
  /** Runs a command that must succeed and returns its parsed --json output. */
  json<T = any>(...args: string[]): Promise<T>;
  /** Runs a command that must succeed and returns its stdout, trimmed (an id). */
  id(...args: string[]): Promise<string>;
  write(name: string, text: string): string;
  /** Sets up facts directly in the database: the commands under test then run against them. */
  seed(body: (db: Db) => void): void;
  cleanup(): void;
}

export function world(): World {
  const dir = tempDir('bulkhub-provisioning-');
  const bulkhub = (...args: string[]) => runCli(['--db', join(dir, 'bulkhub.db'), ...args], { cwd: dir });
  const ok = async (args: string[]): Promise<CliResult> => {
    const result = await bulkhub(...args);
    expect(result.stderr, args.join(' ')).toBe('');
    expect(result.code, args.join(' ')).toBe(0);
    return result;
  };
  return {
    dir,
    bulkhub,
    json: async (...args) => JSON.parse((await ok([...args, '--json'])).stdout),
    id: async (...args) => (await ok(args)).stdout.trim(),
    write(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    seed(body) {
      const db = openDb(join(dir, 'bulkhub.db'));
      try {
        migrateProvisioning(db);
        body(db);
      } finally {
        db.close();
      }
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** An ISO instant `days` days before now: activity facts relative to the day the test runs. */
export function daysAgo(days: number): string {
  return new Date(Date.now() - days * 24 * 60 * 60 * 1000).toISOString();
}

/** A partner (Voxa, ops@voxa.nl its admin) and an order from it, the usual start of a mapping test. */
export function partnerAndOrder(db: Db, order = { id: 'Sub100', meetings: 50, calling: 40 }): void {
  createOrganisation(db, { id: 'org-voxa', name: 'Voxa Telecom', kind: 'partner', vertical: 'Telecommunications', country: 'NL' });
  setDomain(db, 'org-voxa', 'voxa.nl', 'verified');
  addOrgUser(db, 'org-voxa', { email: 'ops@voxa.nl', role: 'admin', lastActive: daysAgo(2) });
  addSubscription(db, { id: order.id, contactEmail: 'ops@voxa.nl', meetingsLicences: order.meetings, callingLicences: order.calling });
}

/** A customer organisation with users; `lastActive` in days ago per user, null for never. */
export function customerOrg(db: Db, id: string, name: string, users: Record<string, number | null>, domains: Record<string, 'unverified' | 'verified' | 'claimed'> = {}): void {
  createOrganisation(db, { id, name, kind: 'customer', vertical: 'Manufacturing', country: 'NL' });
  for (const [domain, status] of Object.entries(domains)) setDomain(db, id, domain, status);
  Object.entries(users).forEach(([email, days], i) => {
    addOrgUser(db, id, { email, role: i === 0 ? 'admin' : 'user', ...(days !== null && { lastActive: daysAgo(days) }) });
  });
}

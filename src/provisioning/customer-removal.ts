import type { Db } from '../db/open.js';
import { RunRefused } from '../domain/codes.js';
import { requireCustomer } from '../backends/sqlite/directory.js';
import { runsInProgress } from '../journal/lock.js';
import { requireTemplate } from './templates.js';

/**
 * Deleting a customer or an onboarding template from the embedded directory, refused with the
 * reason while something depends on it.
 *
 * A customer goes with what is its own: its full admin, its locations and Meetings sites, and its
 * link to its organisation (the organisation stays: it may hold orders and other users). It is
 * refused while it has users besides its full admin (they are the partner's subscribers: remove
 * them with an import first) or while an import of it runs. Its runs stay in the journal as
 * history (`runs prune` removes them) and its audit trail stays.
 */
export function deleteCustomer(db: Db, customerId: string): { id: string; name: string; locations: number; sites: number; organisation: string | null } {
  const customer = requireCustomer(db, customerId);
  const id = customer.id;
  return db.transaction(() => {
    const users = db.prepare('SELECT email FROM users WHERE customer_id = ? AND is_full_admin = 0 ORDER BY email LIMIT 3').pluck().all(id) as string[];
    if (users.length > 0) {
      const count = db.prepare('SELECT count(*) FROM users WHERE customer_id = ? AND is_full_admin = 0').pluck().get(id) as number;
      throw new RunRefused(
        'CUSTOMER_IN_USE',
        `Customer ${id} (${customer.name}) cannot be deleted: it has ${count} user${count === 1 ? '' : 's'} besides its full admin ` +
          `(${users.join(', ')}${count > users.length ? ', ...' : ''}). Remove them first: export them (bulkhub users export --customer ${id}), ` +
          'set all five package columns to FALSE and import that file (with --allow-removals).',
      );
    }
    const hasJournal = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal_locks'").get() !== undefined;
    if (hasJournal) {
      const running = runsInProgress(db);
      const run = (db.prepare('SELECT run_id FROM journal_locks WHERE customer_id = ?').pluck().all(id) as string[]).find((r) => running.has(r));
      if (run) throw new RunRefused('CUSTOMER_IN_USE', `Customer ${id} (${customer.name}) cannot be deleted: run ${run} is importing into it right now.`);
    }
    const hasLink = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'customer_orgs'").get() !== undefined;
    const organisation = hasLink ? ((db.prepare('SELECT org_id FROM customer_orgs WHERE customer_id = ?').pluck().get(id) as string | undefined) ?? null) : null;
    // The customer first, its foreign keys checked at the commit: its full admin may then go too (schema.ts, version 3).
    db.pragma('defer_foreign_keys = ON');
    db.prepare('DELETE FROM customers WHERE id = ?').run(id);
    db.prepare('DELETE FROM users WHERE customer_id = ?').run(id);
    if (hasLink) db.prepare('DELETE FROM customer_orgs WHERE customer_id = ?').run(id);
    const locations = db.prepare('DELETE FROM locations WHERE customer_id = ?').run(id).changes;
    const sites = db.prepare('DELETE FROM sites WHERE customer_id = ?').run(id).changes;
    return { id, name: customer.name, locations, sites, organisation };
  }).immediate();
}

/** Deletes an onboarding template; refused while customers created from it exist. */
export function deleteTemplate(db: Db, provisioningId: string): { provisioningId: string; name: string } {
  return db.transaction(() => {
    const template = requireTemplate(db, provisioningId);
    const customers = db.prepare('SELECT customer_id FROM customer_orgs WHERE provisioning_id = ? ORDER BY customer_id').pluck().all(template.provisioningId) as string[];
    if (customers.length > 0) {
      throw new RunRefused(
        'TEMPLATE_IN_USE',
        `Template ${template.provisioningId} (${template.name}) cannot be deleted: ${customers.length} customer${customers.length === 1 ? ' was' : 's were'} ` +
          `created from it (${customers.join(', ')}). Delete them first (bulkhub customers delete ID), or keep the template.`,
      );
    }
    db.prepare('DELETE FROM templates WHERE provisioning_id = ?').run(template.provisioningId);
    return { provisioningId: template.provisioningId, name: template.name };
  }).immediate();
}

import { describe, expect, it } from 'vitest';
import { LOOK_UP_SQL } from '../../src/backends/sqlite/look-ups.js';
import { migrateDirectory } from '../../src/backends/sqlite/schema.js';
import { openDb } from '../../src/db/open.js';

/**
 * The batch look-ups must seek an index once per wanted value. A plan that scans the customer's
 * users made planning quadratic in the customer's size (a 40,000-row file against a customer of
 * 30,000 users took minutes, and a signal waited for it); a timed test would not say which
 * statement, the plan does.
 */
describe('the directory look-ups seek an index per wanted value', () => {
  const db = openDb(':memory:');
  migrateDirectory(db);
  const plan = (sql: string): string[] =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('[]', 'acme') as Array<{ detail: string }>).map((row) => row.detail);

  it.each(Object.keys(LOOK_UP_SQL) as Array<keyof typeof LOOK_UP_SQL>)('%s', (name) => {
    const steps = plan(LOOK_UP_SQL[name]);
    // The wanted values are the outer loop, the users table is searched by more than the customer id.
    expect(steps[0]).toMatch(/^SCAN w\b/);
    const users = steps.filter((step) => /\b(SCAN|SEARCH) u\b/.test(step));
    expect(users).toHaveLength(1);
    expect(users[0]).toMatch(/^SEARCH u USING (COVERING )?INDEX \w+ \((customer_id=\? AND \S|email=\?)/);
    expect(steps.join('\n')).not.toMatch(/AUTOMATIC/);
  });
});

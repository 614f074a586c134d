import { ATTRIBUTE_KEYS } from '../../domain/user.js';
import { ATTRIBUTE_COLUMN } from './rows.js';

/** The columns a look-up of stored users reads, in this order: id, e-mail, package, full admin, then ATTRIBUTE_KEYS. */
export const STORED_COLUMNS = ['id', 'email', 'package', 'is_full_admin', ...ATTRIBUTE_KEYS.map((key) => ATTRIBUTE_COLUMN[key])];

/**
 * The directory's batch look-ups. Each takes the wanted values as one JSON array (first
 * parameter) and the customer id, and must cost one index seek per wanted value, whatever the
 * customer's size. `CROSS JOIN` keeps the wanted values the outer loop: with a plain join SQLite
 * may choose to scan the customer's users once per statement (a plan that made planning
 * quadratic in the customer's size: 1 s per 250 extensions at 30,000 users). A test checks each
 * plan with EXPLAIN QUERY PLAN (test/backends/look-up-plans.test.ts).
 */
export const LOOK_UP_SQL = {
  /** `[e-mail]` → the stored users of the customer, STORED_COLUMNS as arrays (index users (customer_id, email)). */
  storedUsers: `SELECT ${STORED_COLUMNS.map((c) => `u.${c}`).join(', ')} FROM json_each(?) w
    CROSS JOIN users u ON u.customer_id = ? AND u.email = w.value`,
  /** `[e-mail]`, customer → e-mail, name and id of every OTHER customer that has the e-mail (users_by_email). */
  otherCustomers: `SELECT u.email, c.name, c.id FROM json_each(?) w
    CROSS JOIN users u ON u.email = w.value AND u.customer_id <> ? JOIN customers c ON c.id = u.customer_id ORDER BY c.id`,
  /** `[E.164]`, customer → [e-mail, number] of the holders (users_phone_number_in_customer). */
  phoneHolders: `SELECT u.email, u.phone_number FROM json_each(?) w
    CROSS JOIN users u ON u.customer_id = ? AND u.phone_number = w.value`,
  /** `[[location, extension]]`, customer → [e-mail, location, extension] of the holders (users_extension_in_location). */
  extensionHolders: `SELECT u.email, w.value ->> 0, w.value ->> 1 FROM json_each(?) w
    CROSS JOIN users u ON u.customer_id = ? AND ifnull(u.location, '') = (w.value ->> 0) COLLATE NOCASE AND u.extension = (w.value ->> 1)`,
} as const;

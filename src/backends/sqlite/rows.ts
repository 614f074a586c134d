import type { PackageId } from '../../domain/packages.js';
import { ATTRIBUTE_KEYS, type AttributeKey, type DirectoryUser, type UserAttributes } from '../../domain/user.js';

/** How each user attribute is stored in the `users` table. */
export const ATTRIBUTE_COLUMN: Record<AttributeKey, string> = {
  firstName: 'first_name',
  lastName: 'last_name',
  displayName: 'display_name',
  extension: 'extension',
  phoneNumber: 'phone_number',
  location: 'location',
  preferredSite: 'preferred_site',
  jabberCalling: 'jabber_calling',
  jabberTeams: 'jabber_teams',
  basicMessaging: 'basic_messaging',
  basicSpaceMeetings: 'basic_space_meetings',
  callingViaWebex: 'calling_via_webex',
};

export const BOOLEAN_KEYS: ReadonlySet<AttributeKey> = new Set([
  'jabberCalling',
  'jabberTeams',
  'basicMessaging',
  'basicSpaceMeetings',
  'callingViaWebex',
]);

type Cell = string | number | null;

export interface UserRow {
  id: number;
  customer_id: string;
  email: string;
  package: PackageId;
  is_full_admin: number;
  [column: string]: Cell;
}

/**
 * A row as the port shows it: booleans as true/false and absent values left out (undefined,
 * never null), so a user read back equals the attributes it was added with.
 */
export function rowToUser(row: UserRow): DirectoryUser {
  const user: DirectoryUser = {
    id: String(row.id),
    email: row.email,
    package: row.package,
    isFullAdmin: row.is_full_admin === 1,
  };
  for (const key of ATTRIBUTE_KEYS) {
    const value = row[ATTRIBUTE_COLUMN[key]];
    if (value === null || value === undefined) continue;
    (user as unknown as Record<string, unknown>)[key] = BOOLEAN_KEYS.has(key) ? value === 1 : value;
  }
  return user;
}

/** The attributes that are set (not undefined), as column/value pairs in a stable order. */
export function attributeCells(attributes: UserAttributes): { columns: string[]; values: Cell[] } {
  const columns: string[] = [];
  const values: Cell[] = [];
  for (const key of ATTRIBUTE_KEYS) {
    const value = attributes[key];
    if (value === undefined) continue;
    columns.push(ATTRIBUTE_COLUMN[key]);
    values.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
  }
  return { columns, values };
}

/** Only the set attributes, for the audit trail (JSON drops undefined anyway; this keeps it explicit). */
export function definedAttributes(attributes: UserAttributes): UserAttributes {
  // A loop, not Object.fromEntries/filter: this runs for every audited change.
  const defined: Record<string, unknown> = {};
  for (const key of ATTRIBUTE_KEYS) if (attributes[key] !== undefined) defined[key] = attributes[key];
  return defined as UserAttributes;
}

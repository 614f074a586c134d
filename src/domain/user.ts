import type { PackageId } from './packages.js';

/**
 * The attributes of a Wholesale user that a CSV row can set. In an intent, `undefined` means
 * "blank cell: no change"; there is no way to clear a field from a CSV (nor in Control Hub).
 */
export interface UserAttributes {
  firstName?: string;
  lastName?: string;
  displayName?: string;
  /** Digits only, kept as a string so leading zeros survive. */
  extension?: string;
  /** E.164: `+` then digits. */
  phoneNumber?: string;
  /** Location name, as the customer knows it. */
  location?: string;
  /** Meetings site URL, e.g. `acme.webex.com`. */
  preferredSite?: string;
  jabberCalling?: boolean;
  jabberTeams?: boolean;
  basicMessaging?: boolean;
  basicSpaceMeetings?: boolean;
  callingViaWebex?: boolean;
}

export type AttributeKey = keyof UserAttributes;

/** Every attribute, in the order the reports and the planner list them. */
export const ATTRIBUTE_KEYS: readonly AttributeKey[] = [
  'firstName',
  'lastName',
  'displayName',
  'extension',
  'phoneNumber',
  'location',
  'preferredSite',
  'jabberCalling',
  'jabberTeams',
  'basicMessaging',
  'basicSpaceMeetings',
  'callingViaWebex',
];

/** A user as a target (backend) holds it now. */
export interface DirectoryUser extends UserAttributes {
  /** The target's own id (a subscriber id for Webex, a row id for the directory). */
  id: string;
  email: string;
  package: PackageId;
  /** The customer's full admin: never removed, never moved to another package (seed 003). */
  isFullAdmin: boolean;
}

/**
 * What a valid row asks for.
 * - `set`: the user should exist with these attributes; `package` undefined means the package
 *   columns were blank (attributes only; a new user then cannot be added).
 * - `remove`: every package column was FALSE: the user leaves the customer organisation.
 */
export type Intent =
  | { kind: 'set'; email: string; package?: PackageId; attributes: UserAttributes }
  | { kind: 'remove'; email: string };

/** A change to apply to one user of one customer. */
export type Operation =
  | { kind: 'add'; customerId: string; email: string; package: PackageId; attributes: UserAttributes }
  | {
      kind: 'modify';
      customerId: string;
      email: string;
      id: string;
      /** Set only when the package changes. */
      package?: PackageId;
      /** Only the attributes that differ from the current state. */
      changes: UserAttributes;
    }
  | { kind: 'remove'; customerId: string; email: string; id: string };

export const ACTIONS = ['add', 'modify', 'remove', 'unchanged', 'none'] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * `not_applied`: the row had a change to apply, but the run was stopped as a whole before any
 * change (the removal guard); its action is what it would have done.
 */
export const STATUSES = ['ok', 'warning', 'error', 'not_applied'] as const;
export type RowStatus = (typeof STATUSES)[number];

import { PACKAGE_COLUMN, PACKAGES, type PackageId } from './packages.js';

/**
 * The canonical columns of a user CSV, keyed by the name the code uses for them.
 * The order here is the order `users export` writes.
 */
export const COLUMNS = {
  email: 'User ID/Email (Required)',
  firstName: 'First Name',
  lastName: 'Last Name',
  displayName: 'Display Name',
  extension: 'Extension',
  phoneNumber: 'Phone Number',
  location: 'Location',
  preferredSite: 'Preferred Webex Site',
  jabberCalling: 'Jabber Calling',
  jabberTeams: 'Jabber with Webex Teams',
  webex_calling: PACKAGE_COLUMN.webex_calling,
  webex_calling_standard: PACKAGE_COLUMN.webex_calling_standard,
  webex_suite: PACKAGE_COLUMN.webex_suite,
  webex_voice: PACKAGE_COLUMN.webex_voice,
  webex_meetings: PACKAGE_COLUMN.webex_meetings,
  basicMessaging: 'Basic Messaging',
  basicSpaceMeetings: 'Basic Space Meetings',
  callingViaWebex: 'Calling via Webex',
} as const;

export type ColumnKey = keyof typeof COLUMNS;
export const COLUMN_KEYS = Object.keys(COLUMNS) as ColumnKey[];

/** The basic licences that sit next to the package (seed 004, "Select CSV import behavior"). */
export const BASIC_LICENCES = ['basicMessaging', 'basicSpaceMeetings', 'callingViaWebex'] as const;
export type BasicLicence = (typeof BASIC_LICENCES)[number];

export const PACKAGE_KEYS: readonly PackageId[] = PACKAGES;

/** The service columns (packages and basic licences): the ones Control Hub decorates with a subscription or a state. */
export const SERVICE_KEYS: ReadonlySet<ColumnKey> = new Set<ColumnKey>([...PACKAGES, ...BASIC_LICENCES]);

/**
 * Other names seen for the same columns: the no-space spelling of real exports, the Webex
 * licence list's name for "Calling via Webex", and the Dutch headers of seed 004.
 * Matching ignores case and whitespace, so only genuinely different spellings belong here.
 */
export const COLUMN_ALIASES: Readonly<Record<ColumnKey, readonly string[]>> = {
  email: ['UserID/Email (Required)', 'User ID/Email', 'Email', 'E-mail', 'Gebruikers-id/e-mail (vereist)'],
  firstName: ['Voornaam'],
  lastName: ['Achternaam'],
  displayName: ['Weergavenaam'],
  extension: ['Toestel', 'Toestelnummer'],
  phoneNumber: ['Telefoonnummer'],
  location: ['Locatie'],
  preferredSite: ['Webex Preferred Site', 'Voorkeurssite voor Webex'],
  jabberCalling: ['Jabber-gesprekken'],
  jabberTeams: ['Jabber met Webex Teams'],
  webex_calling: [],
  webex_calling_standard: [],
  webex_suite: [],
  webex_voice: [],
  webex_meetings: [],
  basicMessaging: ['Basisberichten'],
  basicSpaceMeetings: ['Basisruimtevergaderingen'],
  callingViaWebex: ['Call on Webex (1:1 call, non-PSTN)', 'Bellen via Webex'],
};

/**
 * Columns the tool writes itself into `errors.csv`; when such a file is fed back in they are
 * recognised and ignored, so a fixed error report imports as it is.
 */
export const REPORT_COLUMNS = ['Error Code', 'Error Message'] as const;

/**
 * Read-only columns of a Control Hub export: known, carried along, never applied.
 * Listing them keeps a real export from raising "unknown column" warnings.
 */
export const KNOWN_READ_ONLY_COLUMNS = [
  'User Status',
  'Last Service Accessed Time',
  'Days since Last Service Accessed',
] as const;

/**
 * The key used to compare header names: case-folded, NFKC (full-width letters), every kind of
 * whitespace and zero-width character removed, and a trailing subscription suffix such as
 * `[Sub123456]` dropped.
 */
export function headerKey(name: string): string {
  return compactKey(name.normalize('NFKC').replace(/\s*\[[^\]]*\]\s*$/u, ''));
}

/**
 * The key of a header without any of the decorations Control Hub adds to a service column: a
 * subscription (`[Sub123456]`) and a state (`(Suspended)`), wherever they are. Undefined when a
 * bracket is opened and never closed: such a header cannot be read.
 */
export function undecoratedKey(name: string): string | undefined {
  const text = name.normalize('NFKC').replace(/\[[^[\]()]*\]|\([^[\]()]*\)/gu, ' ');
  return /[[\]()]/.test(text) ? undefined : compactKey(text);
}

/** The key of a header whose decoration is cut short (`Webex Suite [Sub12`): what comes before the bracket. */
export function truncatedKey(name: string): string {
  return compactKey(name.normalize('NFKC').replace(/[[(].*$/su, ''));
}

function compactKey(text: string): string {
  return text.replace(/[\s\p{Cf}]+/gu, '').toLowerCase();
}

/**
 * The Wholesale packages. Every Wholesale user has exactly one (seed 004).
 * The order is the order of the package columns in the CSV.
 */
export const PACKAGES = [
  'webex_calling',
  'webex_calling_standard',
  'webex_suite',
  'webex_voice',
  'webex_meetings',
] as const;

export type PackageId = (typeof PACKAGES)[number];

/** The CSV column name of each package, as Control Hub writes it. */
export const PACKAGE_COLUMN: Record<PackageId, string> = {
  webex_calling: 'Webex Calling',
  webex_calling_standard: 'Webex Calling Standard',
  webex_suite: 'Webex Suite',
  webex_voice: 'Webex Voice',
  webex_meetings: 'Webex Meetings',
};

/**
 * Packages that need "Extension or Phone Number" and "Location"
 * (seed 004, table 1: mandatory CSV fields for packages).
 */
export const NEEDS_NUMBER_AND_LOCATION: ReadonlySet<PackageId> = new Set([
  'webex_calling',
  'webex_calling_standard',
  'webex_suite',
]);

/** Packages for which a missing Preferred Webex Site matters (all but Webex Voice). */
export function wantsPreferredSite(pkg: PackageId): boolean {
  return pkg !== 'webex_voice';
}

const BY_NAME = new Map<string, PackageId>();
for (const id of PACKAGES) {
  BY_NAME.set(id, id);
  BY_NAME.set(normalisePackageName(PACKAGE_COLUMN[id]), id);
}

function normalisePackageName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/**
 * Reads a package given either as an API id (`webex_suite`) or as its column name
 * (`Webex Suite`, any case). Returns undefined for anything else.
 */
export function parsePackage(name: string): PackageId | undefined {
  return BY_NAME.get(normalisePackageName(name));
}

import type { PackageId } from './packages.js';

/**
 * The packages whose users are Webex Calling users: Webex Calling, Webex Calling Standard,
 * Webex Suite and Webex Voice (each includes Calling; Webex Meetings does not).
 */
export const CALLING_PACKAGES: ReadonlySet<PackageId> = new Set(['webex_calling', 'webex_calling_standard', 'webex_suite', 'webex_voice']);

/** Cisco's limit for the first and last names of Webex Calling users. */
export const CALLING_NAME_MAX = 30;
const CALLING_NAME_FORBIDDEN = ['%', '#', '<', '>', '\\', '/', '"'];

/** Where the rule is published, as the messages cite it. */
export const CALLING_NAME_SOURCE = 'Cisco help article "Add users manually in Control Hub" (help.webex.com/article/v71ztb)';

/**
 * Why Webex refuses `value` as the first or last name of a Webex Calling user, or undefined:
 * "For Webex Calling users only: First and last names have a maximum length of 30 characters,
 * and cannot include the following characters %, #, <, >, \, /, "" (CALLING_NAME_SOURCE).
 * Length counts characters as a person sees them (code points), not UTF-16 units.
 */
export function callingNameProblem(value: string): string | undefined {
  const length = [...value].length;
  const forbidden = CALLING_NAME_FORBIDDEN.filter((c) => value.includes(c));
  if (length <= CALLING_NAME_MAX && forbidden.length === 0) return undefined;
  const problems = [
    ...(length > CALLING_NAME_MAX ? [`is ${length} characters long`] : []),
    ...(forbidden.length > 0 ? [`holds ${forbidden.map((c) => JSON.stringify(c)).join(' and ')}`] : []),
  ];
  return `${JSON.stringify(value)} ${problems.join(' and ')}; for a Webex Calling user Webex takes at most ${CALLING_NAME_MAX} characters and none of % # < > \\ / " (${CALLING_NAME_SOURCE})`;
}

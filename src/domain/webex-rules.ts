import { COLUMNS } from './columns.js';
import { rowError, type Issue } from './codes.js';
import { PACKAGE_COLUMN, type PackageId } from './packages.js';
import type { DirectoryUser, Operation, UserAttributes } from './user.js';

/**
 * What Webex itself enforces on a planned change, beyond seed 004's table, so that a dry run
 * against Webex (`users validate --backend webex`, no `--precheck`) tells what the real run
 * would hit. Pure: each rule reads the planned operation and the user as Webex holds it now,
 * and cites its source in Cisco's published spec (test/fixtures/webex-spec).
 */

/**
 * The calling-enabled packages of the Wholesale API (its `webex_voice` included: "A primary
 * phone number, extension, or both must be supplied when assigning a calling-enabled package").
 */
export const CALLING_PACKAGES: ReadonlySet<PackageId> = new Set(['webex_calling', 'webex_calling_standard', 'webex_suite', 'webex_voice']);

/** The attributes the People API sets only for a person with a Webex Calling licence. */
const CALLING_ONLY = ['extension', 'phoneNumber', 'location'] as const;

/** The issues Webex would raise for this operation (none for a removal). */
export function webexIssues(op: Operation, current: DirectoryUser | undefined): Issue[] {
  if (op.kind === 'remove') return [];
  const wanted: UserAttributes = op.kind === 'add' ? op.attributes : op.changes;
  const before = op.kind === 'add' ? undefined : current;
  const finalPackage = op.kind === 'add' ? op.package : (op.package ?? current?.package);
  if (finalPackage === undefined) return [];
  const issues: Issue[] = [];

  // POST /wholesale/subscribers and PUT /wholesale/subscribers/{id}: a number or an extension
  // with a calling-enabled package, when the user had no calling package before.
  const becomesCalling = CALLING_PACKAGES.has(finalPackage) && !(before && CALLING_PACKAGES.has(before.package));
  const extension = wanted.extension ?? before?.extension;
  const phoneNumber = wanted.phoneNumber ?? before?.phoneNumber;
  if (becomesCalling && extension === undefined && phoneNumber === undefined) {
    const column = `${COLUMNS.extension} or ${COLUMNS.phoneNumber}`;
    issues.push(
      rowError(
        'MISSING_MANDATORY_FIELD',
        `${column} is required: ${PACKAGE_COLUMN[finalPackage]} is a calling-enabled package, and Webex assigns one only with "a primary phone number, extension, or both" (Webex Wholesale API, POST /wholesale/subscribers).`,
        column,
      ),
    );
  }

  // PUT /people: extension and phone numbers are "only settable for a person with a Webex
  // Calling license"; locationId "can only be set when assigning a calling license".
  if (!CALLING_PACKAGES.has(finalPackage)) {
    for (const key of CALLING_ONLY) {
      if (wanted[key] === undefined) continue;
      issues.push(
        rowError(
          'NOT_A_CALLING_USER',
          `${COLUMNS[key]}: Webex sets an extension, a phone number or a location only for a user with a calling package (People API, PUT /people), and ${PACKAGE_COLUMN[finalPackage]} has none; leave the cell blank, or give the user a calling package.`,
          COLUMNS[key],
        ),
      );
    }
  }
  return issues;
}

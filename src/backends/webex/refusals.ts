import type { RowCode } from '../../domain/codes.js';
import type { Operation, UserAttributes } from '../../domain/user.js';
import { TargetUnavailable, type OperationResult } from '../port.js';
import { WebexError } from './http.js';
import { scrubSecrets } from './retry.js';

export type Refusal = Extract<OperationResult, { status: 'error' }>;

export function refuse(code: RowCode, message: string): Refusal {
  return { status: 'error', code, message };
}

/**
 * Seed 004's two licence failures. Their remedy (seed 004): unassign the package from the
 * user, then assign it again.
 */
export const LICENCE_ERRORS = ["Unable to update user attributes. License change can't be rolled back.", 'Unable to update user license.'] as const;

export function licenceErrorOf(error: unknown): string | undefined {
  if (!(error instanceof WebexError)) return undefined;
  const text = error.allText.toLowerCase();
  return LICENCE_ERRORS.find((m) => text.includes(m.toLowerCase()));
}

/** The spec's example errorCode for an e-mail that already has a subscriber ("The email is already associated with an existing user."). */
export const EXISTING_USER_CODE = 10022;

/**
 * Puts what Webex said about one row into the row's code and plain words, with the values
 * involved and the trackingId (what Webex support asks for). The API's codes for a number or an
 * extension in use are not published (WXC-4201/4202 are audit-event codes), so those are matched
 * on Webex Calling's words; an existing subscriber on 409 or the spec's errorCode 10022.
 */
export function refusalFor(op: Operation, error: unknown, values: UserAttributes, doing: string, token?: string): Refusal {
  stopIfUnauthorised(error, doing, token);
  if (!(error instanceof WebexError)) {
    const words = error instanceof Error ? error.message : String(error);
    return refuse('BACKEND_ERROR', scrubSecrets(`Webex: ${doing} failed: ${words}`, token));
  }
  const said = `Webex said: ${error.describe()}`;
  const text = error.allText.toLowerCase();
  if (/extension.*(in use|already|not available)/.test(text)) {
    return refuse('EXTENSION_IN_USE', `Extension ${values.extension ?? '(unknown)'} is already used by another user in location ${quoteName(values.location)}. ${said}`);
  }
  if (/(phone )?number.*(in use|already|not available)/.test(text)) {
    return refuse('PHONE_NUMBER_IN_USE', `Phone number ${values.phoneNumber ?? '(unknown)'} is already used by another user of customer ${op.customerId}. ${said}`);
  }
  if (error.status === 404 && op.kind !== 'add') {
    return refuse('USER_NOT_FOUND', `User ${op.email} (subscriber ${op.id}) does not exist in customer ${op.customerId}; it may have been removed in the meantime. ${said}`);
  }
  const exists = error.status === 409 || error.details.some((d) => Number(d.errorCode) === EXISTING_USER_CODE) || Number(error.errorCode) === EXISTING_USER_CODE;
  if (exists && op.kind === 'add') {
    return refuse('USER_EXISTS', `A subscriber with e-mail ${op.email.toLowerCase()} already exists in customer ${op.customerId}. ${said}`);
  }
  const http = error.status === undefined ? '' : ` (refused)`;
  return refuse('BACKEND_ERROR', `Webex: ${doing} failed${http}. ${said}`);
}

function quoteName(name: string | undefined): string {
  return name === undefined ? '(unknown)' : `"${name}"`;
}

export function userNotFound(op: Extract<Operation, { id: string }>): Refusal {
  return refuse('USER_NOT_FOUND', `User ${op.email} (subscriber ${op.id}) does not exist in customer ${op.customerId}; it may have been removed in the meantime.`);
}

export function fullAdminProtected(op: Operation, what: 'removed' | 'moved to another package'): Refusal {
  return refuse('FULL_ADMIN_PROTECTED', `${op.email} is the customer's full admin and cannot be ${what} (seed 003).`);
}

export function pendingWarning(email: string, applied: boolean): { code: 'PENDING_USER_MIGRATION'; message: string } {
  return {
    code: 'PENDING_USER_MIGRATION',
    message: applied
      ? `Webex found an active Webex account for ${email}: Webex e-mailed the user to accept the move into this customer (status pending_user_migration). The package is assigned once they accept; import the file again then to apply the other columns.`
      : `${email} has not yet accepted the move into this customer (status pending_user_migration): nothing was changed. Import the file again once they accept.`,
  };
}

/**
 * A refused token (401) is not a row's outcome: every later request would be refused too. It
 * stops the run instead (resumable), by rejecting with `TargetUnavailable` (port.ts).
 */
export function stopIfUnauthorised(error: unknown, doing: string, token?: string): void {
  if (error instanceof TargetUnavailable) throw error;
  if (error instanceof WebexError && error.status === 401) {
    throw new TargetUnavailable(scrubSecrets(`Webex refused the token while ${doing}: ${error.describe()}. Check WEBEX_ACCESS_TOKEN (it may have expired) and run the printed command to resume`, token));
  }
}

import { RunRefused } from '../domain/codes.js';

/** Removals above both limits stop the run: a truncated or wrong export must not wipe a customer. */
export const GUARD_MIN_USERS = 10;
export const GUARD_SHARE = 0.1;

/**
 * Returns the refusal when the planned removals exceed both 10 users and 10% of the customer's
 * users, unless the operator said `--allow-removals`.
 */
export function removalGuard(removals: number, userCount: number, allowRemovals: boolean): RunRefused | undefined {
  if (allowRemovals || removals <= GUARD_MIN_USERS || removals <= userCount * GUARD_SHARE) return undefined;
  const share = userCount === 0 ? 100 : Math.round((removals / userCount) * 100);
  return new RunRefused(
    'REMOVAL_GUARD',
    `The file would remove ${removals} of the customer's ${userCount} users (${share}%), more than ${GUARD_MIN_USERS} users and more than ` +
      `${GUARD_SHARE * 100}%. Nothing was applied. Check the file is complete; if these removals are intended, run again with --allow-removals.`,
  );
}

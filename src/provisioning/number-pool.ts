import { RunRefused } from '../domain/codes.js';

/**
 * Phone numbers for users with a calling package (seed 003, "assign phone numbers to users with
 * a calling package"), pure: a range of E.164 numbers, and which user gets which free number.
 */

export interface NumberPool {
  first: string;
  last: string;
  size: number;
}

const E164 = /^\+[1-9]\d{1,14}$/;
/** A range larger than this is a typo, not a pool. */
export const MAX_POOL = 100_000;

/** `+31201234500-+31201234599` (the `+` of the second number may be left out). */
export function parseNumberPool(text: string): NumberPool {
  const match = /^\s*(\+\d+)\s*-\s*\+?(\d+)\s*$/.exec(text);
  const first = match?.[1];
  const last = match ? `+${match[2]}` : undefined;
  const shape = 'FIRST-LAST in E.164, such as +31201234500-+31201234599';
  if (!first || !last || !E164.test(first) || !E164.test(last)) throw new RunRefused('BAD_ARGUMENTS', `Number pool "${text}" is not a range ${shape}.`);
  if (first.length !== last.length) {
    throw new RunRefused('BAD_ARGUMENTS', `Number pool "${text}": both ends must have the same number of digits (${shape}).`);
  }
  // At most 15 digits: well inside a double's exact integers.
  const size = Number(last.slice(1)) - Number(first.slice(1)) + 1;
  if (size < 1) throw new RunRefused('BAD_ARGUMENTS', `Number pool "${text}" ends before it starts.`);
  if (size > MAX_POOL) throw new RunRefused('BAD_ARGUMENTS', `Number pool "${text}" holds ${size} numbers; at most ${MAX_POOL} are accepted at once.`);
  return { first, last, size };
}

export function* poolNumbers(pool: NumberPool): Generator<string> {
  const width = pool.first.length - 1;
  const start = Number(pool.first.slice(1));
  for (let i = 0; i < pool.size; i++) yield `+${String(start + i).padStart(width, '0')}`;
}

/** A user who needs a number: a calling package and neither an extension nor a phone number. */
export interface NumberNeed {
  email: string;
  line: number;
}

export interface NumberAssignment extends NumberNeed {
  phoneNumber: string;
}

/**
 * Gives each user, in file order, the lowest free number of the pool: numbers already used in
 * the customer or written in the file are skipped. When the pool runs out nothing is assigned
 * (an import with some users numbered and some not would be harder to finish than to redo).
 */
export function assignNumbers(needs: readonly NumberNeed[], pool: NumberPool, taken: ReadonlySet<string>): NumberAssignment[] {
  const assigned: NumberAssignment[] = [];
  const free = poolNumbers(pool);
  for (const need of needs) {
    let next = free.next();
    while (!next.done && taken.has(next.value)) next = free.next();
    if (next.done) throw exhausted(needs, pool, assigned.length);
    assigned.push({ ...need, phoneNumber: next.value });
  }
  return assigned;
}

function exhausted(needs: readonly NumberNeed[], pool: NumberPool, available: number): RunRefused {
  const who = needs.slice(available).map((n) => `${n.email} (line ${n.line})`);
  const listed = who.length > 10 ? `${who.slice(0, 10).join(', ')} and ${who.length - 10} more` : who.join(', ');
  return new RunRefused(
    'NUMBER_POOL_EXHAUSTED',
    `${needs.length} users with a calling package have no Extension or Phone Number, but the number pool ${pool.first}-${pool.last} ` +
      `has only ${available} free number${available === 1 ? '' : 's'} (of ${pool.size}; the others are already used in the customer or the file). ` +
      `Without a number: ${listed}. Widen the pool or give these users an Extension or Phone Number; nothing was changed.`,
  );
}

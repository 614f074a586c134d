import pLimit from 'p-limit';
import type { Backend } from '../backends/port.js';
import { rowError, type Issue } from '../domain/codes.js';
import { COLUMNS } from '../domain/columns.js';
import { quote } from '../domain/fields.js';
import type { Plan, PlanContext } from '../domain/plan.js';
import type { DirectoryUser } from '../domain/user.js';
import type { IngestedRow } from '../journal/rows.js';
import { lookUp } from './lookup.js';
import { planForTarget } from './target-plan.js';

export interface PlanOptions {
  /** Dry run only: ask the target about every planned add (Backend.precheck). */
  precheck?: boolean;
  /** Prechecks in flight at once. */
  concurrency?: number;
}

/**
 * Plans a batch of freshly validated lines against the target's current state, looked up in
 * batches of e-mails. Runs while the file is read, so each line is written to the journal once,
 * already planned: `pending` when it has a change to apply, final otherwise (unchanged, or an
 * error such as an unknown location, or an add the target's precheck refused).
 *
 * A line with errors of its own is planned too, never to be applied but to find its other
 * problems (a wrong site and a missing extension are reported together). The plan completes a
 * valid line's intent (a national phone number read in the user's location), so the journal and
 * the duplicate checks see the number in E.164.
 */
export function batchPlanner(backend: Backend, ctx: PlanContext, options: PlanOptions = {}): (batch: IngestedRow[]) => Promise<void> {
  const limit = pLimit(options.concurrency ?? 8);
  const precheck = options.precheck && backend.precheck ? backend.precheck.bind(backend) : undefined;
  return async (batch) => {
    const planned = batch.filter((row) => row.key !== undefined && (row.intent !== undefined || row.draft !== undefined));
    const current = await lookUp(backend, ctx.customerId, planned.map((row) => row.key!));
    const elsewhere = await otherCustomers(backend, ctx.customerId, planned, current);
    const plans = planned.map((row) =>
      planForTarget(backend, row.intent ?? row.draft!.intent, current.get(row.key!), ctx, { draft: row.draft, elsewhere: elsewhere.get(row.key!) }));
    const inUse = await numbersInUse(backend, ctx.customerId, planned, plans, current);
    const refusals = precheck ? await precheckAdds(precheck, plans.map((plan, i) => (inUse[i] ? { ...plan, op: undefined } : plan)), limit) : [];
    planned.forEach((row, i) => {
      const plan = plans[i]!;
      const refusal = refusals[i] ?? inUse[i];
      if (row.intent !== undefined && plan.intent !== undefined) row.intent = plan.intent;
      const issues = row.issues.length === 0 && plan.issues.length === 0 && !refusal
        ? row.issues
        : [...withoutSuperseded(row.issues, plan.issues), ...plan.issues, ...(refusal ? [refusal] : [])];
      row.plan = { action: plan.action, pending: plan.op !== undefined && !refusal, issues };
      if (plan.note) row.plan.note = plan.note;
    });
  };
}

/**
 * The planned changes that give a user a phone number or an extension another user of the
 * customer has now (Backend.holders): the change would be refused, so the plan, and a dry run,
 * say so now. A holder on another line of the same batch is left out: that line may free the number.
 */
async function numbersInUse(backend: Backend, customerId: string, rows: readonly IngestedRow[], plans: readonly Plan[],
  current: ReadonlyMap<string, DirectoryUser>): Promise<Array<Issue | undefined>> {
  if (!backend.holders) return [];
  const wanted = rows.map((row, i) => numbersOf(plans[i]!, current.get(row.key!)));
  if (wanted.every((w) => w.phoneNumber === undefined && w.extension === undefined)) return [];
  const holders = await backend.holders(customerId, {
    phoneNumbers: wanted.flatMap((w) => (w.phoneNumber === undefined ? [] : [w.phoneNumber])),
    extensions: wanted.flatMap((w) => (w.extension === undefined ? [] : [w.extension])),
  });
  const inBatch = new Set(rows.map((row) => row.key!));
  return wanted.map(({ phoneNumber, extension }, i) => {
    const own = rows[i]!.key!;
    const other = (holder: string | undefined): holder is string => holder !== undefined && holder !== own && !inBatch.has(holder);
    const phoneHolder = phoneNumber === undefined ? undefined : holders.phoneNumbers.get(phoneNumber);
    if (other(phoneHolder)) {
      return rowError('PHONE_NUMBER_IN_USE', `${COLUMNS.phoneNumber}: ${phoneNumber} is already used by another user (${phoneHolder}) of customer ${customerId}; a number belongs to one user.`, COLUMNS.phoneNumber);
    }
    const extensionHolder = extension === undefined ? undefined : holders.extensions.get(`${extension.location.toLowerCase()}|${extension.extension}`);
    if (other(extensionHolder)) {
      return rowError('EXTENSION_IN_USE',
        `${COLUMNS.extension}: ${extension!.extension} is already used by another user (${extensionHolder}) in location ${quote(extension!.location)}; an extension belongs to one user of a location.`, COLUMNS.extension);
    }
    return undefined;
  });
}

/** The phone number and the extension (in its location) a planned change gives its user, when it gives one. */
function numbersOf(plan: Plan, current: DirectoryUser | undefined): { phoneNumber?: string; extension?: { location: string; extension: string } } {
  const op = plan.op;
  if (op?.kind === 'add') {
    const { phoneNumber, extension, location } = op.attributes;
    return { phoneNumber, extension: extension === undefined ? undefined : { location: location ?? '', extension } };
  }
  if (op?.kind !== 'modify') return {};
  const { phoneNumber, extension, location } = op.changes;
  if (extension === undefined && location === undefined) return { phoneNumber };
  const finalExtension = extension ?? current?.extension;
  return { phoneNumber, extension: finalExtension === undefined ? undefined : { location: location ?? current?.location ?? '', extension: finalExtension } };
}

/** The customers other than this one that the new users of a batch already belong to (Backend.otherCustomers). */
async function otherCustomers(backend: Backend, customerId: string, rows: readonly IngestedRow[], current: ReadonlyMap<string, DirectoryUser>): Promise<Map<string, string>> {
  if (!backend.otherCustomers) return new Map();
  const added = rows.filter((row) => !current.has(row.key!) && (row.intent ?? row.draft?.intent)?.kind === 'set').map((row) => row.key!);
  return added.length === 0 ? new Map() : backend.otherCustomers(customerId, added);
}

/**
 * A row's own issue for a column gives way to the plan's finding of spreadsheet damage there:
 * "the file has 101 and the user has 0101 now" says more than "not a valid extension".
 */
function withoutSuperseded(own: readonly Issue[], planned: readonly Issue[]): Issue[] {
  const damaged = new Set(planned.filter((i) => i.code === 'SPREADSHEET_DAMAGE').map((i) => i.column));
  return damaged.size === 0 ? [...own] : own.filter((i) => i.column === undefined || !damaged.has(i.column));
}

/**
 * `--dry-run --precheck`: asks the target about every planned add (Webex: POST
 * /wholesale/subscribers/validate), so the dry run catches what the real run would hit. A
 * refused add becomes an error of its row; the others stay planned.
 */
async function precheckAdds(precheck: NonNullable<Backend['precheck']>, plans: readonly Plan[],
  limit: ReturnType<typeof pLimit>): Promise<Array<Issue | undefined>> {
  return Promise.all(
    plans.map((plan) =>
      plan.op?.kind === 'add'
        ? limit(async () => {
            const result = await precheck(plan.op!);
            return result.status === 'error' ? rowError(result.code, result.message) : undefined;
          })
        : undefined,
    ),
  );
}

import { COLUMNS } from '../../domain/columns.js';
import { webexIssues } from '../../domain/webex-rules.js';
import type { DirectoryUser, Operation, UserAttributes } from '../../domain/user.js';
import type { OperationResult } from '../port.js';
import { WebexError, type WebexClient } from './http.js';
import { basicKeyOf, BASIC_KEYS, patchLicences, type LicencePatch } from './licenses.js';
import type { OrgFacts } from './locations.js';
import { moveUser, type MoveOptions } from './moves.js';
import { getPerson, PERSON_KEYS, personAttributes, putBody, putPerson, siteOf, type Person, type PersonChanges } from './people.js';
import { fullAdminProtected, licenceErrorOf, pendingWarning, refusalFor, refuse, userNotFound, type Refusal } from './refusals.js';
import {
  CALLING_PACKAGES,
  changePackage,
  createSubscriber,
  deleteSubscriber,
  findSubscriber,
  getSubscriber,
  packageOf,
  PENDING,
  subscriberErrors,
  validateSubscriber,
  type ProvisioningParameters,
  type Subscriber,
} from './subscribers.js';

type AddOp = Extract<Operation, { kind: 'add' }>;
type ModifyOp = Extract<Operation, { kind: 'modify' }>;
type RemoveOp = Extract<Operation, { kind: 'remove' }>;

/** What the operations share: the client, the organisation's facts, how to wait for a move. */
export interface ApplyContext {
  client: WebexClient;
  facts: OrgFacts;
  token: string;
  moves: MoveOptions;
}

interface Names {
  locationId?: string;
}

/** Location and site must exist in the organisation; checked before anything is sent. */
function resolveNames(ctx: ApplyContext, op: Operation, attributes: UserAttributes): Names | Refusal {
  const names: Names = {};
  if (attributes.location !== undefined) {
    const location = ctx.facts.byName.get(attributes.location.toLowerCase());
    if (!location) {
      const known = ctx.facts.locations.map((l) => `"${l.name}"`).slice(0, 5).join(', ');
      return refuse('LOCATION_NOT_FOUND', `Location: "${attributes.location}" is not a location of customer ${op.customerId} in Webex${known ? ` (known: ${known})` : ' (it has none)'}.`);
    }
    names.locationId = location.id;
  }
  if (attributes.preferredSite !== undefined && !ctx.facts.sites.some((s) => s.toLowerCase() === attributes.preferredSite!.toLowerCase())) {
    return refuse('SITE_NOT_FOUND', `Preferred Webex Site: "${attributes.preferredSite}" is not a Meetings site of customer ${op.customerId} in Webex (known: ${ctx.facts.sites.join(', ') || 'none'}).`);
  }
  for (const key of BASIC_KEYS) {
    if (attributes[key] === true && !ctx.facts.basicIds[key]) {
      return refuse('BACKEND_ERROR', `The organisation of customer ${op.customerId} has no ${COLUMNS[key]} licence in Webex (GET /licenses lists none by that name).`);
    }
  }
  return names;
}

const isRefusal = (x: unknown): x is Refusal => (x as Refusal).status === 'error';

/** The person holds the organisation's Full Administrator role (roles come from GET /people/{id} only). */
export function isFullAdmin(facts: OrgFacts, person: Person | undefined): boolean {
  return !!person && !!facts.fullAdminRoleId && (person.roles ?? []).includes(facts.fullAdminRoleId);
}

/** What Webex itself would refuse about the operation (domain/webex-rules.ts), as the row's refusal. */
function ruleRefusal(op: Operation, current: DirectoryUser | undefined): Refusal | undefined {
  const issue = webexIssues(op, current).find((i) => i.severity === 'error');
  return issue ? refuse(issue.code as Refusal['code'], issue.message) : undefined;
}

/**
 * Right before an unmapping or a package change: the subscriber and its person are read again
 * (GET /people/{id}, the one answer that carries `roles`), and the customer's full admin is
 * refused. When the organisation's roles name no Full Administrator, nobody can be told apart
 * from the admin, so the change is refused too.
 */
async function guardFullAdmin(ctx: ApplyContext, op: Operation, subscriberId: string, what: 'removed' | 'moved to another package'):
  Promise<Refusal | { subscriber: Subscriber; person: Person | undefined }> {
  const subscriber = await getSubscriber(ctx.client, subscriberId);
  if (!subscriber || subscriber.customerId !== op.customerId) return userNotFound({ ...op, id: subscriberId } as Extract<Operation, { id: string }>);
  const person = subscriber.personId ? await getPerson(ctx.client, subscriber.personId) : undefined;
  if (person && !ctx.facts.fullAdminRoleId) {
    return refuse('BACKEND_ERROR', `Cannot tell whether ${op.email} is the customer's full admin: GET /roles names no "Full Administrator" role, so nothing was ${what}.`);
  }
  if (isFullAdmin(ctx.facts, person)) return fullAdminProtected(op, what);
  return { subscriber, person };
}

/** Adds a subscriber: POST with the provisioning parameters, then whatever POST cannot carry. */
export async function addUser(ctx: ApplyContext, op: AddOp, remedy = true): Promise<OperationResult> {
  const names = resolveNames(ctx, op, op.attributes);
  if (isRefusal(names)) return names;
  const ruled = ruleRefusal(op, undefined);
  if (ruled) return ruled;
  const a = op.attributes;
  const calling = CALLING_PACKAGES.has(op.package);
  const params: ProvisioningParameters = defined({
    firstName: a.firstName,
    lastName: a.lastName,
    ...(calling && { primaryPhoneNumber: a.phoneNumber, extension: a.extension, locationId: names.locationId }),
  });
  let created;
  try {
    created = await createSubscriber(ctx.client, { customerId: op.customerId, email: op.email.toLowerCase(), package: op.package, provisioningParameters: params });
  } catch (error) {
    const licence = licenceErrorOf(error);
    if (licence && remedy) return reassign(ctx, op, (await findSubscriber(ctx.client, op.customerId, op.email).catch(() => undefined))?.id, licence);
    const refusal = refusalFor(op, error, a, 'adding the subscriber', ctx.token);
    // A conflict after an attempt that ended in doubt is our own first attempt having landed.
    if (refusal.code === 'USER_EXISTS' && (error as { doubted?: boolean }).doubted) {
      const found = await findSubscriber(ctx.client, op.customerId, op.email).catch(() => undefined);
      if (found) created = { status: found.status === PENDING ? 202 : 200, body: found, reconciled: true };
    }
    if (!created) return refusal;
  }
  const subscriber = created.body;
  const note = created.reconciled ? 'The reply from Webex was lost; the subscriber was found created and was not sent twice.' : undefined;
  const problems = subscriberErrors(subscriber);
  if (problems.length > 0) {
    return refuse('BACKEND_ERROR', `Webex added the subscriber with ${op.package} but reports errors of its provisioning: ${problems.join('; ')}. Check the user in Control Hub; importing the file again retries the other columns.`);
  }
  if (created.status === 202 || subscriber.status === PENDING || !subscriber.personId) {
    return { status: 'ok', id: subscriber.id, warning: pendingWarning(op.email, true), ...(note && { note }) };
  }
  try {
    // POST carries the names, and the numbers and location of a calling package; but Webex
    // ignores those for an existing calling user ("if provided are ignored"), so a calling add,
    // and the remedy's add, read the person back and set what did not land.
    const readBack = calling || !remedy;
    const trusted: ReadonlySet<string> = readBack ? new Set() : new Set(['firstName', 'lastName']);
    await settle(ctx, {
      personId: subscriber.personId,
      calling,
      wanted: a,
      ...(readBack ? {} : { assumeNew: true }),
      trusted,
      ...(names.locationId !== undefined && { locationId: names.locationId }),
    });
  } catch (error) {
    const licence = licenceErrorOf(error);
    if (licence && remedy) return reassign(ctx, op, subscriber.id, licence);
    const refusal = refusalOf(op, error, a, 'setting the rest of the user (People and Licenses APIs)', ctx.token);
    return { ...refusal, message: `The subscriber was added with ${op.package}, but: ${refusal.message}` };
  }
  return { status: 'ok', id: subscriber.id, ...(note && { note }) };
}

/** What a person should end up with, and what is already known of it. */
interface Settle {
  personId: string;
  /** The person has (or now gets) a calling package: extension, number and location apply. */
  calling: boolean;
  wanted: UserAttributes;
  /** The person as just read, when it was. */
  person?: Person;
  /** Nothing has been read: a new person, without basic licences or a site yet. */
  assumeNew?: boolean;
  /** Keys the request that made the person carried and that need no reading back. */
  trusted?: ReadonlySet<string>;
  /** The wanted location's id, when the row names one. */
  locationId?: string;
}

/**
 * Brings the person to what the row wants, with the fewest requests: the Move Users job for a
 * calling user's new location (a new extension or number going with it), one PUT of the whole
 * person for names and numbers, one licence PATCH for the basic licences and the Meetings site.
 * A PUT or PATCH that fails is followed by a read of the person, and what landed is reported
 * (People API: a PUT that errs "may still have altered some values"; licences: "it is possible
 * that not all requested licenses are assigned").
 */
async function settle(ctx: ApplyContext, s: Settle): Promise<void> {
  const w = s.wanted;
  const trusted = s.trusted ?? new Set<string>();
  let person = s.person;
  const read = async (): Promise<Person> => (person = await getPerson(ctx.client, s.personId));
  const needsRead = s.locationId !== undefined || PERSON_KEYS.some((k) => w[k] !== undefined && !trusted.has(k)) || (!s.assumeNew && (w.preferredSite !== undefined || BASIC_KEYS.some((k) => w[k] !== undefined)));
  if (!person && needsRead) await read();

  const numbers: PersonChanges = {};
  if (s.calling && s.locationId !== undefined && person && person.locationId !== s.locationId) {
    const now = personAttributes(person);
    const move = { orgId: ctx.facts.orgId, personId: s.personId, locationId: s.locationId,
      ...(w.extension !== undefined && w.extension !== now.extension && { extension: w.extension }),
      ...(w.phoneNumber !== undefined && w.phoneNumber !== now.phoneNumber && { phoneNumber: w.phoneNumber }) };
    await moveUser(ctx.client, move, ctx.moves);
    await read();
  }

  if (person) {
    const now = personAttributes(person);
    for (const key of PERSON_KEYS) if (w[key] !== undefined && !trusted.has(key) && now[key] !== w[key]) numbers[key] = w[key];
    if (Object.keys(numbers).length > 0) {
      try {
        await putPerson(ctx.client, s.personId, putBody(person, numbers, s.calling));
      } catch (error) {
        throw await partly(ctx, s.personId, error, numbers, 'PUT /people');
      }
    }
  }

  const patch: LicencePatch = { personId: s.personId, orgId: ctx.facts.orgId, licenses: [], siteUrls: [] };
  const held = new Set(person?.licenses ?? []);
  for (const key of BASIC_KEYS) {
    const want = w[key];
    const id = ctx.facts.basicIds[key];
    if (want === undefined || id === undefined) continue;
    if (person ? held.has(id) === want : !want) continue; // already so (a new person has none)
    patch.licenses.push({ id, operation: want ? 'add' : 'remove' });
  }
  if (w.preferredSite !== undefined) {
    const now = person ? siteOf(person) : undefined;
    if (now?.toLowerCase() !== w.preferredSite.toLowerCase()) {
      if (now) patch.siteUrls.push({ siteUrl: now, accountType: 'attendee', operation: 'remove' });
      patch.siteUrls.push({ siteUrl: w.preferredSite, accountType: 'attendee', operation: 'add' });
    }
  }
  if (patch.licenses.length === 0 && patch.siteUrls.length === 0) return;
  let result;
  try {
    result = await patchLicences(ctx.client, patch);
  } catch (error) {
    const after = await getPerson(ctx.client, s.personId).catch(() => undefined);
    throw new PartlyApplied(error, after ? licenceWords(ctx, patch, new Set(after.licenses ?? [])) : { landed: [], missing: [] }, 'PATCH /licenses/users');
  }
  const words = licenceWords(ctx, patch, new Set(result.licenses));
  if (result.status === 206 || words.missing.length > 0) {
    throw new PartlyApplied(new WebexError(`Webex assigned only some of the licences (PATCH /licenses/users answered ${result.status}).`, result.status, undefined), words, 'PATCH /licenses/users');
  }
}

/** A change Webex refused after (maybe) applying part of it: the refusal, and what the read-back found. */
class PartlyApplied extends Error {
  constructor(override readonly cause: unknown, readonly outcome: { landed: string[]; missing: string[] }, readonly request: string) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** After a refused PUT /people: the person read back, each change said to have landed or not. */
async function partly(ctx: ApplyContext, personId: string, error: unknown, changes: PersonChanges, request: string): Promise<PartlyApplied> {
  const after = await getPerson(ctx.client, personId).catch(() => undefined);
  if (!after) return new PartlyApplied(error, { landed: [], missing: [] }, request);
  const now = personAttributes(after);
  const landed: string[] = [];
  const missing: string[] = [];
  for (const [key, value] of Object.entries(changes) as Array<[keyof PersonChanges, string]>) {
    if (now[key] === value) landed.push(`${COLUMNS[key]} is now "${value}"`);
    else missing.push(`${COLUMNS[key]} is ${now[key] === undefined ? 'blank' : `"${now[key]}"`}, not "${value}"`);
  }
  return new PartlyApplied(error, { landed, missing }, request);
}

function licenceWords(ctx: ApplyContext, patch: LicencePatch, held: ReadonlySet<string>): { landed: string[]; missing: string[] } {
  const landed: string[] = [];
  const missing: string[] = [];
  for (const l of patch.licenses) {
    const key = basicKeyOf(ctx.facts.basicIds, l.id);
    const name = key ? COLUMNS[key] : l.id;
    const ok = held.has(l.id) === (l.operation === 'add');
    (ok ? landed : missing).push(`${name} ${l.operation === 'add' ? (ok ? 'assigned' : 'not assigned') : ok ? 'removed' : 'not removed'}`);
  }
  return { landed, missing };
}

/**
 * The row's refusal for a failed step. A read-back that found part of the change applied makes
 * it PARTLY_APPLIED, saying what landed and what did not; otherwise the refusal is Webex's own.
 */
function refusalOf(op: Operation, error: unknown, values: UserAttributes, doing: string, token: string): Refusal {
  if (!(error instanceof PartlyApplied)) return refusalFor(op, error, values, doing, token);
  const base = refusalFor(op, error.cause, values, doing, token);
  const { landed, missing } = error.outcome;
  if (landed.length === 0) return missing.length > 0 ? { ...base, message: `${base.message} Read back after the refusal: ${missing.join('; ')}.` } : base;
  return refuse('PARTLY_APPLIED', `${base.message} Webex applied part of it (${error.request}, read back): ${landed.join('; ')}${missing.length > 0 ? `; but ${missing.join('; ')}` : ''}. Import the file again to retry the rest.`);
}

export async function modifyUser(ctx: ApplyContext, op: ModifyOp): Promise<OperationResult> {
  const names = resolveNames(ctx, op, op.changes);
  if (isRefusal(names)) return names;
  let subscriber;
  let person: Person;
  try {
    subscriber = await getSubscriber(ctx.client, op.id);
    if (!subscriber || subscriber.customerId !== op.customerId) return userNotFound(op);
    if (subscriber.status === PENDING || !subscriber.personId) return { status: 'ok', id: subscriber.id, warning: pendingWarning(op.email, false) };
    person = await getPerson(ctx.client, subscriber.personId);
  } catch (error) {
    return refusalFor(op, error, op.changes, 'reading the user', ctx.token);
  }
  const current = packageOf(subscriber);
  const admin = isFullAdmin(ctx.facts, person);
  const now: DirectoryUser | undefined = current && { id: subscriber.id, email: op.email, package: current, isFullAdmin: admin, ...currentAttributes(ctx.facts, person) };
  const ruled = ruleRefusal(op, now);
  if (ruled) return ruled;
  // Everything the user should have after the change: for the messages and for the remedy.
  const values: UserAttributes = { ...currentAttributes(ctx.facts, person), ...op.changes };
  const target = op.package ?? current;
  const remedy = (said: string): Promise<OperationResult> =>
    reassign(ctx, { kind: 'add', customerId: op.customerId, email: op.email, package: target!, attributes: values }, subscriber.id, said);
  const wanted: UserAttributes = { ...op.changes };
  let moved = false;
  if (op.package !== undefined && op.package !== current) {
    if (!ctx.facts.fullAdminRoleId) return refuse('BACKEND_ERROR', `Cannot tell whether ${op.email} is the customer's full admin: GET /roles names no "Full Administrator" role, so the package was not changed.`);
    if (admin) return fullAdminProtected(op, 'moved to another package');
    // Webex takes numbers with a package change only when it goes from no calling to calling.
    const toCalling = CALLING_PACKAGES.has(op.package) && !(current && CALLING_PACKAGES.has(current));
    const locationId = names.locationId ?? person.locationId ?? ctx.facts.locations[0]?.id;
    const params = toCalling ? defined({ primaryPhoneNumber: values.phoneNumber, extension: values.extension, locationId }) : undefined;
    try {
      await changePackage(ctx.client, subscriber.id, op.package, params);
    } catch (error) {
      const licence = licenceErrorOf(error);
      if (licence) return remedy(licence);
      return refusalFor(op, error, values, `changing the package to ${op.package}`, ctx.token);
    }
    if (toCalling) for (const k of ['extension', 'phoneNumber', 'location'] as const) delete wanted[k];
    moved = true;
  }
  try {
    // After a package change Webex may have touched the person: it is read again.
    const location = wanted.location !== undefined ? names.locationId : undefined;
    await settle(ctx, { personId: subscriber.personId, calling: CALLING_PACKAGES.has(target!), wanted, ...(!moved && { person }), ...(location !== undefined && { locationId: location }) });
  } catch (error) {
    const licence = licenceErrorOf(error instanceof PartlyApplied ? error.cause : error);
    if (licence && !admin && target) return remedy(licence); // never unassign the full admin's package
    const refusal = refusalOf(op, error, values, 'updating the user (People and Licenses APIs)', ctx.token);
    return moved ? { ...refusal, message: `The package was changed to ${op.package}, but: ${refusal.message}` } : refusal;
  }
  return { status: 'ok', id: subscriber.id };
}

/** The person's attributes by the names the planner uses (location name, site, basic licences). */
export function currentAttributes(facts: OrgFacts, person: Person): UserAttributes {
  const { locationId, ...rest } = personAttributes(person);
  const out: UserAttributes = { ...rest };
  const location = locationId ? facts.byId.get(locationId) : undefined;
  if (location) out.location = location.name;
  const site = siteOf(person);
  if (site) out.preferredSite = facts.sites.find((s) => s.toLowerCase() === site.toLowerCase()) ?? site;
  for (const key of BASIC_KEYS) {
    const id = facts.basicIds[key];
    out[key] = id !== undefined && (person.licenses ?? []).includes(id);
  }
  return out;
}

/**
 * Seed 004's remedy for its two licence errors: unassign the package (remove the subscriber),
 * then assign it again (add it with every wanted attribute, reading the person back: Webex keeps
 * the person when the subscriber goes). Done once, never for the full admin; the row says so.
 */
async function reassign(ctx: ApplyContext, add: AddOp, subscriberId: string | undefined, said: string): Promise<OperationResult> {
  const how = 'remedied as seed 004 says: the package was unassigned and assigned again';
  try {
    if (subscriberId) {
      const guarded = await guardFullAdmin(ctx, add, subscriberId, 'moved to another package');
      if (isRefusal(guarded)) return { ...guarded, message: `Webex said "${said}"; ${guarded.message}` };
      await deleteSubscriber(ctx.client, subscriberId);
    }
  } catch (error) {
    return refusalFor(add, error, add.attributes, `unassigning the package after "${said}"`, ctx.token);
  }
  const again = await addUser(ctx, add, false);
  if (again.status === 'error') return { ...again, message: `Webex said "${said}"; unassigning and assigning the package again (seed 004) failed too: ${again.message}` };
  const note = `Webex said "${said}"; ${how}.`;
  return { ...again, note: again.note ? `${note} ${again.note}` : note };
}

/**
 * Removes the subscriber (DELETE /wholesale/subscribers/{id}), after reading it and its person
 * again to refuse the customer's full admin. Webex keeps the person in the organisation: the
 * DELETE "removes the mapping between Wholesale Subscriber and a Webex user".
 */
export async function removeUser(ctx: ApplyContext, op: RemoveOp): Promise<OperationResult> {
  try {
    const guarded = await guardFullAdmin(ctx, op, op.id, 'removed');
    if (isRefusal(guarded)) return guarded;
    if ((await deleteSubscriber(ctx.client, op.id)) === 'not-found') return userNotFound(op);
    return { status: 'ok', id: op.id, note: 'The subscriber was removed with its package; Webex keeps the person in the organisation (remove it in Control Hub if it must go).' };
  } catch (error) {
    return refusalFor(op, error, {}, 'removing the subscriber', ctx.token);
  }
}

/** `--dry-run --precheck`: asks Webex whether the add would pass, changing nothing. */
export async function precheckUser(ctx: ApplyContext, op: Operation): Promise<OperationResult> {
  if (op.kind !== 'add') return { status: 'ok' };
  const names = resolveNames(ctx, op, op.attributes);
  if (isRefusal(names)) return names;
  const a = op.attributes;
  const calling = CALLING_PACKAGES.has(op.package);
  try {
    await validateSubscriber(ctx.client, {
      customerId: op.customerId,
      email: op.email.toLowerCase(),
      package: op.package,
      provisioningParameters: defined({ firstName: a.firstName, lastName: a.lastName, ...(calling && { primaryPhoneNumber: a.phoneNumber, extension: a.extension, locationId: names.locationId }) }),
    });
    return { status: 'ok' };
  } catch (error) {
    const refusal = refusalFor(op, error, a, 'the precheck (POST /wholesale/subscribers/validate)', ctx.token);
    return { ...refusal, message: `Webex precheck: ${refusal.message}` };
  }
}

function defined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}

import type { Operation, UserAttributes } from '../../domain/user.js';
import type { OperationResult } from '../port.js';
import type { WebexClient } from './http.js';
import { BASIC_KEYS, patchLicences, type LicencePatch } from './licenses.js';
import type { OrgFacts } from './locations.js';
import { editedPerson, getPerson, PERSON_KEYS, personAttributes, putPerson, siteOf, type Person } from './people.js';
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
  validateSubscriber,
  type ProvisioningParameters,
} from './subscribers.js';

type AddOp = Extract<Operation, { kind: 'add' }>;
type ModifyOp = Extract<Operation, { kind: 'modify' }>;
type RemoveOp = Extract<Operation, { kind: 'remove' }>;

/** What the operations share: the client, the organisation's facts, what the last lookup learned. */
export interface ApplyContext {
  client: WebexClient;
  facts: OrgFacts;
  token: string;
  /** Subscriber id → its person and admin flag, as the last lookup saw them. */
  known: Map<string, { personId?: string; isFullAdmin: boolean }>;
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
      return refuse('BACKEND_ERROR', `The organisation of customer ${op.customerId} has no ${key} licence in Webex (GET /licenses lists none by that name).`);
    }
  }
  return names;
}

const isRefusal = (x: unknown): x is Refusal => (x as Refusal).status === 'error';

export function isFullAdmin(facts: OrgFacts, person: Person | undefined): boolean {
  return !!person && !!facts.fullAdminRoleId && (person.roles ?? []).includes(facts.fullAdminRoleId);
}

/** Adds a subscriber: POST with the provisioning parameters, then whatever POST cannot carry. */
export async function addUser(ctx: ApplyContext, op: AddOp, remedy = true): Promise<OperationResult> {
  const names = resolveNames(ctx, op, op.attributes);
  if (isRefusal(names)) return names;
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
    // A 409 after an attempt that ended in doubt is our own first attempt having landed.
    if (refusal.code === 'USER_EXISTS' && (error as { doubted?: boolean }).doubted) {
      const found = await findSubscriber(ctx.client, op.customerId, op.email).catch(() => undefined);
      if (found) created = { status: found.status === PENDING ? 202 : 200, body: found, reconciled: true };
    }
    if (!created) return refusal;
  }
  const subscriber = created.body;
  const note = created.reconciled ? 'The reply from Webex was lost; the subscriber was found created and was not sent twice.' : undefined;
  if (created.status === 202 || subscriber.status === PENDING || !subscriber.personId) {
    return { status: 'ok', id: subscriber.id, warning: pendingWarning(op.email, true), ...(note && { note }) };
  }
  // POST carries names, and numbers for a calling package; the People API takes the rest.
  const rest: UserAttributes = defined({ displayName: a.displayName, ...(!calling && { extension: a.extension, phoneNumber: a.phoneNumber, location: a.location }) });
  try {
    await followUp(ctx, subscriber.personId, rest, names, a, undefined, true);
  } catch (error) {
    const licence = licenceErrorOf(error);
    if (licence && remedy) return reassign(ctx, op, subscriber.id, licence);
    const refusal = refusalFor(op, error, a, 'setting the rest of the user (People and Licenses APIs)', ctx.token);
    return { ...refusal, message: `The subscriber was added with ${op.package}, but: ${refusal.message}` };
  }
  return { status: 'ok', id: subscriber.id, ...(note && { note }) };
}

/**
 * The People and Licenses part of a change: PUT the whole person when a name, number or
 * location changes; PATCH the licences for the basic licences and the Meetings site. A new
 * user starts without basic licences, so an add sends only the TRUE ones.
 */
async function followUp(ctx: ApplyContext, personId: string, personChanges: UserAttributes, names: Names,
  wanted: UserAttributes, person: Person | undefined, isNew: boolean): Promise<void> {
  const needsPerson = PERSON_KEYS.some((k) => personChanges[k] !== undefined);
  let current = person;
  if (!current && (needsPerson || (wanted.preferredSite !== undefined && !isNew))) current = await getPerson(ctx.client, personId);
  if (needsPerson) await putPerson(ctx.client, editedPerson(current!, personChanges, personChanges.location !== undefined ? names.locationId : undefined));

  const patch: LicencePatch = { personId, orgId: ctx.facts.orgId, licenses: [], siteUrls: [] };
  for (const key of BASIC_KEYS) {
    const want = wanted[key];
    const id = ctx.facts.basicIds[key];
    if (want === undefined || id === undefined || (isNew && !want)) continue;
    patch.licenses.push({ id, operation: want ? 'add' : 'remove' });
  }
  if (wanted.preferredSite !== undefined) {
    const now = current ? siteOf(current) : undefined;
    if (now?.toLowerCase() !== wanted.preferredSite.toLowerCase()) {
      if (now) patch.siteUrls.push({ siteUrl: now, accountType: 'attendee', operation: 'remove' });
      patch.siteUrls.push({ siteUrl: wanted.preferredSite, accountType: 'attendee', operation: 'add' });
    }
  }
  if (patch.licenses.length > 0 || patch.siteUrls.length > 0) await patchLicences(ctx.client, patch);
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
  const admin = isFullAdmin(ctx.facts, person);
  // Everything the user should have after the change: for the messages and for the remedy.
  const values: UserAttributes = { ...currentAttributes(ctx.facts, person), ...op.changes };
  const current = packageOf(subscriber);
  const target = op.package ?? current;
  const remedy = (said: string): Promise<OperationResult> =>
    reassign(ctx, { kind: 'add', customerId: op.customerId, email: op.email, package: target!, attributes: values }, subscriber.id, said);
  const personChanges: UserAttributes = Object.fromEntries(PERSON_KEYS.filter((k) => op.changes[k] !== undefined).map((k) => [k, op.changes[k]]));
  let moved = false;
  if (op.package !== undefined && op.package !== current) {
    if (admin) return fullAdminProtected(op, 'moved to another package');
    // Webex takes numbers with a package change only when it goes from no calling to calling.
    const toCalling = CALLING_PACKAGES.has(op.package) && !(current && CALLING_PACKAGES.has(current));
    const params = toCalling ? defined({ primaryPhoneNumber: values.phoneNumber, extension: values.extension, locationId: names.locationId ?? person.locationId }) : undefined;
    try {
      await changePackage(ctx.client, subscriber.id, op.package, params);
    } catch (error) {
      const licence = licenceErrorOf(error);
      if (licence) return remedy(licence);
      return refusalFor(op, error, values, `changing the package to ${op.package}`, ctx.token);
    }
    if (toCalling) for (const k of ['extension', 'phoneNumber', 'location'] as const) delete personChanges[k];
    moved = true;
  }
  try {
    // After a package change Webex may have touched the person: read it again before a PUT.
    await followUp(ctx, subscriber.personId, personChanges, names, op.changes, moved ? undefined : person, false);
  } catch (error) {
    const licence = licenceErrorOf(error);
    if (licence && !admin && target) return remedy(licence); // never unassign the full admin's package
    const refusal = refusalFor(op, error, values, 'updating the user (People and Licenses APIs)', ctx.token);
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
 * then assign it again (add it with every wanted attribute). Done once; the row says so.
 */
async function reassign(ctx: ApplyContext, add: AddOp, subscriberId: string | undefined, said: string): Promise<OperationResult> {
  const how = 'remedied as Cisco\'s Wholesale help says for this error: the package was unassigned and assigned again';
  try {
    if (subscriberId) await deleteSubscriber(ctx.client, subscriberId);
  } catch (error) {
    return refusalFor(add, error, add.attributes, `unassigning the package after "${said}"`, ctx.token);
  }
  const again = await addUser(ctx, add, false);
  if (again.status === 'error') return { ...again, message: `Webex said "${said}"; unassigning and assigning the package again (Cisco's remedy for this error) failed too: ${again.message}` };
  const note = `Webex said "${said}"; ${how}.`;
  return { ...again, note: again.note ? `${note} ${again.note}` : note };
}

export async function removeUser(ctx: ApplyContext, op: RemoveOp): Promise<OperationResult> {
  try {
    let known = ctx.known.get(op.id);
    if (!known) {
      const subscriber = await getSubscriber(ctx.client, op.id);
      if (!subscriber || subscriber.customerId !== op.customerId) return userNotFound(op);
      const person = subscriber.personId ? await getPerson(ctx.client, subscriber.personId) : undefined;
      known = { isFullAdmin: isFullAdmin(ctx.facts, person) };
    }
    if (known.isFullAdmin) return fullAdminProtected(op, 'removed');
    if ((await deleteSubscriber(ctx.client, op.id)) === 'not-found') return userNotFound(op);
    ctx.known.delete(op.id);
    return { status: 'ok', id: op.id };
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

import type { Faults } from './faults.js';
import { CALLING, ROLES, SUBSCRIBER_PACKAGES, webexId, type FakeCustomer, type FakeOrg, type FakePerson, type FakeState, type FakeSubscriber } from './state.js';

/**
 * The fake's endpoints, answering as Cisco's published spec says (test/fixtures/webex-spec):
 * lists of people without the admin fields, wholesale lists paged by offset and max, PUT /people
 * refusing what the spec says it cannot take, DELETE of a subscriber unmapping only, error
 * bodies `{message, errors[{errorCode?, description}], trackingId}`. Where the spec is silent
 * the fake does the least surprising thing and says so in a comment.
 */

export interface Req {
  method: string;
  /** Path after /v1, e.g. /wholesale/subscribers/abc. */
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown> | undefined;
  /** http://host:port/v1, for Link and Location headers. */
  base: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeMoveJob {
  id: string;
  orgId: string;
  polls: number;
  moved: number;
  failed: Array<{ userId: string; code: number; message: string }>;
  created: string;
}

export interface World {
  state: FakeState;
  faults: Faults;
  /** How a new customer's provisioning ends (tests set it). */
  provisioning: { polls: number; outcome: 'provisioned' | 'provisioned_with_errors' | 'error'; errors?: Array<{ errorCode: number; description: string }> };
  /**
   * Whether wholesale lists also send `Link: rel="next"`. The spec declares none for them (only
   * `offset` and `max`), so by default they do not.
   */
  wholesaleLinks: boolean;
  /** Move Users jobs, and how many status reads a new one takes to complete. */
  moveJobs: Map<string, FakeMoveJob>;
  moveJobPolls: number;
}

/** An error body as the spec's ErrorResponse: `message`, `errors[]` (the trackingId is added when sent). */
export function errorReply(status: number, message: string, options: { errorCode?: number; headers?: Record<string, string> } = {}): Reply {
  const detail = { ...(options.errorCode !== undefined && { errorCode: options.errorCode }), description: message };
  return { status, body: { message, errors: status >= 500 || status === 429 || status === 401 ? [] : [detail] }, ...(options.headers && { headers: options.headers }) };
}
const error = (status: number, message: string, errorCode?: number): Reply => errorReply(status, message, errorCode === undefined ? {} : { errorCode });

/** The e-mail a request is about, for aiming faults. */
export function emailOf(w: World, req: Req): string | undefined {
  const fromBody = typeof req.body?.email === 'string' ? req.body.email : undefined;
  const sub = /^\/wholesale\/subscribers\/([^/]+)$/.exec(req.path);
  if (sub && sub[1] !== 'validate') return w.state.subscribers.get(decodeURIComponent(sub[1]!))?.email;
  const person = /^\/people\/([^/]+)$/.exec(req.path);
  if (person) return w.state.personById(decodeURIComponent(person[1]!))?.emails[0];
  if (req.path === '/licenses/users' && typeof req.body?.personId === 'string') return w.state.personById(req.body.personId)?.emails[0];
  return fromBody ?? req.query.get('email') ?? undefined;
}

/**
 * A wholesale list page: `offset` and `max` (default 50, at most 100, as the spec says). A
 * `Link: rel="next"` only when the world asks for it.
 */
function wholesalePage<T>(w: World, req: Req, items: T[]): Reply {
  const max = Number(req.query.get('max') ?? 50);
  if (!Number.isInteger(max) || max < 1 || max > 100) return error(400, 'max must be 1 to 100.');
  const offset = Number(req.query.get('offset') ?? 0);
  if (!Number.isInteger(offset) || offset < 0) return error(400, 'offset must be 0 or more.');
  const headers: Record<string, string> = {};
  if (w.wholesaleLinks && offset + max < items.length) {
    const next = new URLSearchParams(req.query);
    next.set('offset', String(offset + max));
    next.set('max', String(max));
    headers.Link = `<${req.base}${req.path}?${next}>; rel="next"`;
  }
  return { status: 200, body: { items: items.slice(offset, offset + max) }, headers };
}

/**
 * A page of a non-wholesale list, with `Link: rel="next"` (Webex's pagination). The link carries
 * an opaque `cursor`, as Webex's do; a client follows the link as given.
 */
function linkedPage<T>(req: Req, items: T[], defaultMax: number, limit: number): Reply {
  const max = Number(req.query.get('max') ?? defaultMax);
  if (!Number.isInteger(max) || max < 1 || max > limit) return error(400, `max must be 1 to ${limit}.`);
  const cursor = req.query.get('cursor');
  const offset = cursor === null ? 0 : Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  const headers: Record<string, string> = {};
  if (offset + max < items.length) {
    const next = new URLSearchParams(req.query);
    next.set('cursor', Buffer.from(String(offset + max)).toString('base64url'));
    next.set('max', String(max));
    headers.Link = `<${req.base}${req.path}?${next}>; rel="next"`;
  }
  return { status: 200, body: { items: items.slice(offset, offset + max) }, headers };
}

function subscriberView(s: FakeSubscriber): object {
  const { seq: _seq, errors, ...view } = s;
  return errors && errors.length > 0 ? { ...view, errors } : view;
}

function customerView(c: FakeCustomer): object {
  const { plan: _plan, request: _request, subPartnerOrgId: _sub, ...view } = c;
  return view;
}

/**
 * A person as the People API shows it. `admin`: GET /people/{id} adds the administrative fields
 * (`roles`, `licenses`, `locationId`), a list does not (List People: "These fields are shown
 * when accessing a user via GET /people/{id}, not when doing a GET /people?id="). The Calling
 * data (extension, location) only with `callingData=true`.
 */
function personView(p: FakePerson, admin: boolean, callingData: boolean): object {
  const view: Record<string, unknown> = { id: p.id, emails: p.emails, orgId: p.orgId };
  if (p.phoneNumbers && p.phoneNumbers.length > 0) view.phoneNumbers = p.phoneNumbers;
  if (callingData && p.extension) view.extension = p.extension;
  if (admin && callingData && p.locationId) view.locationId = p.locationId;
  for (const key of ['displayName', 'firstName', 'lastName'] as const) if (p[key] !== undefined) view[key] = p[key];
  if (admin) {
    view.roles = p.roles;
    view.licenses = p.licenses;
  }
  view.siteUrls = p.siteUrls;
  view.created = p.created;
  view.lastModified = p.lastModified ?? p.created;
  view.type = 'person';
  view.invitePending = 'false';
  view.loginEnabled = 'true';
  return view;
}

/** The customer a wholesale request may see: a sub-partner's customer only with `onBehalfOfSubPartnerOrgId`. */
function visibleCustomer(w: World, req: Req, customerId: string | null | undefined): FakeCustomer | undefined {
  const customer = customerId ? w.state.customers.get(customerId) : undefined;
  if (!customer) return undefined;
  return (customer.subPartnerOrgId ?? null) === req.query.get('onBehalfOfSubPartnerOrgId') ? customer : undefined;
}

function orgFor(w: World, req: Req): FakeOrg | Reply {
  const orgId = req.query.get('orgId') ?? (typeof req.body?.orgId === 'string' ? req.body.orgId : undefined);
  const org = orgId ? w.state.orgs.get(orgId) : undefined;
  return org ?? error(404, `Organization ${orgId ?? '(none)'} not found.`);
}

const isReply = (x: unknown): x is Reply => typeof (x as Reply).status === 'number' && !('people' in (x as object));

interface Params {
  firstName?: string;
  lastName?: string;
  primaryPhoneNumber?: string;
  extension?: string;
  locationId?: string;
}

/** The package of a POST or PUT: `packages` (one) or the deprecated `package`, not both. */
function packageIn(body: Record<string, unknown>): string | Reply {
  if (body.packages !== undefined && body.package !== undefined) return error(400, 'Either packages or package is required, but not both.');
  const packages = Array.isArray(body.packages) ? body.packages : body.package !== undefined ? [body.package] : [];
  if (packages.length !== 1) return error(400, 'Exactly one package is required. Currently accepts only one package in the list.');
  const pkg = String(packages[0]);
  return SUBSCRIBER_PACKAGES.has(pkg) ? pkg : error(400, `Package ${pkg} is not a valid subscriber package.`);
}

const EXISTS = 10022; // the spec's example errorCode: "The email is already associated with an existing user."

/** The checks POST /wholesale/subscribers and its validate precheck share. */
function checkNew(w: World, req: Req): { org: FakeOrg; customerId: string; email: string; pkg: string; params: Params; person?: FakePerson } | Reply {
  const body = req.body ?? {};
  const customerId = String(body.customerId ?? '');
  const customer = visibleCustomer(w, req, customerId);
  const org = customer ? w.state.orgOf(customerId) : undefined;
  if (!org) return error(404, `Customer ${customerId} not found.`);
  const email = String(body.email ?? '').toLowerCase();
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return error(400, 'The email address is not valid.');
  if (body.provisioningParameters === undefined) return error(400, 'provisioningParameters is required.');
  const pkg = packageIn(body);
  if (isReply(pkg)) return pkg;
  if (w.state.subscriberByEmail(customerId, email)) return error(409, 'The email is already associated with an existing user.', EXISTS);
  const params = body.provisioningParameters as Params;
  const person = w.state.personByEmail(org, email);
  // "If this subscriber is an existing Webex Calling entitled user, the locationId,
  // primaryPhoneNumber and extension are optional and if provided are ignored."
  if (CALLING.has(pkg) && !person?.calling) {
    if (!params.primaryPhoneNumber && !params.extension) {
      return error(400, 'A primary phone number, extension, or both must be supplied when assigning a calling-enabled package.');
    }
    // The spec does not say locationId is required; without one the organisation's first location is used here.
    const locationId = params.locationId ?? org.locations[0]?.id;
    if (!locationId || !org.locations.some((l) => l.id === locationId)) return error(400, `Location ${locationId ?? '(none)'} not found in the organization.`);
    const clash = w.state.conflict(org, person?.id, params.extension, locationId, params.primaryPhoneNumber);
    if (clash) return error(400, clash.description);
  }
  return { org, customerId, email, pkg, params, ...(person && { person }) };
}

export function createSubscriber(w: World, req: Req): Reply {
  const checked = checkNew(w, req);
  if (isReply(checked)) return checked;
  const { org, customerId, email, pkg, params } = checked;
  if (w.faults.pendingMigration.has(email)) {
    const s = w.state.addSubscriber(customerId, email, pkg);
    w.state.log({ method: req.method, path: req.path, email, what: 'subscriber-created' });
    return { status: 202, body: subscriberView(s), headers: { Location: `${req.base}/wholesale/subscribers/${s.id}` } };
  }
  const calling = CALLING.has(pkg);
  let person = checked.person;
  const assignCalling = calling && !person?.calling;
  if (!person) person = w.state.addPerson(org, email);
  if (params.firstName) person.firstName = params.firstName;
  if (params.lastName) person.lastName = params.lastName;
  if (assignCalling) {
    person.calling = true;
    person.locationId = params.locationId ?? org.locations[0]!.id;
    if (params.extension) person.extension = params.extension;
    if (params.primaryPhoneNumber) person.phoneNumbers = [{ type: 'work', value: params.primaryPhoneNumber, primary: true }];
  }
  const s = w.state.addSubscriber(customerId, email, pkg, person.id);
  const errors = w.faults.subscriberErrors.get(email);
  if (errors) s.errors = errors;
  w.state.log({ method: req.method, path: req.path, email, what: 'subscriber-created' });
  // Seed 004's licence failure: the user is half made and the change "can't be rolled back".
  const licence = w.faults.licenceError.get(email);
  if (licence) return error(400, licence);
  return { status: 200, body: subscriberView(s), headers: { Location: `${req.base}/wholesale/subscribers/${s.id}` } };
}

export function validateSubscriber(w: World, req: Req): Reply {
  const checked = checkNew(w, req);
  if (isReply(checked)) return checked;
  return { status: 200, body: { message: 'success', info: [{ infoCode: 100, description: 'Provisioning preCheck validation successful.' }] } };
}

export function listSubscribers(w: World, req: Req): Reply {
  const customerId = req.query.get('customerId');
  if (customerId !== null && !visibleCustomer(w, req, customerId)) return wholesalePage(w, req, []);
  const email = req.query.get('email')?.toLowerCase();
  const status = req.query.get('status');
  const items = [...w.state.subscribers.values()]
    .filter((s) => (!customerId || s.customerId === customerId) && (!email || s.email === email) && (!status || s.status === status))
    .filter((s) => visibleCustomer(w, req, s.customerId))
    .sort((a, b) => a.seq - b.seq)
    .map(subscriberView);
  return wholesalePage(w, req, items);
}

function subscriberFor(w: World, req: Req, id: string): FakeSubscriber | undefined {
  const s = w.state.subscribers.get(id);
  return s && visibleCustomer(w, req, s.customerId) ? s : undefined;
}

export function getSubscriber(w: World, req: Req, id: string): Reply {
  const s = subscriberFor(w, req, id);
  return s ? { status: 200, body: subscriberView(s) } : error(404, `Subscriber ${id} not found.`);
}

/**
 * PUT /wholesale/subscribers/{id}: the package. `provisioningParameters` count only when going
 * from a package without calling to one with it, and are ignored for an existing calling user.
 * Nothing here protects the full admin: the spec says nothing of it, so the client must.
 */
export function changePackage(w: World, req: Req, id: string): Reply {
  const s = subscriberFor(w, req, id);
  if (!s) return error(404, `Subscriber ${id} not found.`);
  if (s.status !== 'provisioned') return error(400, `Subscriber ${id} is ${s.status}; its package cannot change yet.`);
  const pkg = packageIn(req.body ?? {});
  if (isReply(pkg)) return pkg;
  const licence = w.faults.licenceError.get(s.email);
  if (licence) return error(400, licence);
  const org = w.state.orgOf(s.customerId)!;
  const person = org.people.get(s.personId!)!;
  if (CALLING.has(pkg) && !person.calling) {
    const p = (req.body?.provisioningParameters ?? {}) as Params;
    if (!p.primaryPhoneNumber && !p.extension) return error(400, 'A primary phone number, extension, or both must be supplied when changing from the webex_meetings package to any calling-enabled package.');
    const locationId = p.locationId ?? org.locations[0]?.id;
    if (!locationId || !org.locations.some((l) => l.id === locationId)) return error(400, 'A valid locationId is required.');
    const clash = w.state.conflict(org, person.id, p.extension, locationId, p.primaryPhoneNumber);
    if (clash) return error(400, clash.description);
    person.calling = true;
    person.extension = p.extension;
    person.phoneNumbers = p.primaryPhoneNumber ? [{ type: 'work', value: p.primaryPhoneNumber, primary: true }] : [];
    person.locationId = locationId;
  } else if (!CALLING.has(pkg) && person.calling) {
    // The calling licence goes with the package, and with it the number, extension and location.
    person.calling = false;
    delete person.extension;
    delete person.locationId;
    person.phoneNumbers = [];
  }
  s.packages = [pkg];
  s.package = pkg;
  s.lastStatusChange = new Date().toISOString();
  w.state.log({ method: req.method, path: req.path, email: s.email, what: 'package-changed' });
  return { status: 200, body: subscriberView(s) };
}

/** DELETE "Removes the mapping between Wholesale Subscriber and a Webex user": the person stays. */
export function deleteSubscriber(w: World, req: Req, id: string): Reply {
  const s = subscriberFor(w, req, id);
  if (!s) return error(404, `Subscriber ${id} not found.`);
  w.state.subscribers.delete(id);
  w.faults.licenceError.delete(s.email); // unassigning the package is seed 004's remedy
  w.state.log({ method: req.method, path: req.path, email: s.email, what: 'subscriber-deleted' });
  return { status: 204 };
}

export function listPeople(w: World, req: Req): Reply {
  const org = orgFor(w, req);
  if (isReply(org)) return org;
  const ids = req.query.get('id')?.split(',').filter(Boolean);
  if (ids && ids.length > 85) return error(400, 'At most 85 ids.');
  const email = req.query.get('email')?.toLowerCase();
  const roles = req.query.get('roles')?.split(',').filter(Boolean);
  const locationId = req.query.get('locationId');
  const callingData = req.query.get('callingData') === 'true';
  const items = [...org.people.values()]
    .filter((p) => (!ids || ids.includes(p.id)) && (!email || p.emails.includes(email)))
    .filter((p) => (!roles || p.roles.some((r) => roles.includes(r))) && (!locationId || p.locationId === locationId))
    .map((p) => personView(p, false, callingData));
  const reply = linkedPage(req, items, 100, callingData ? 100 : 1000);
  const notFound = ids?.filter((id) => !org.people.has(id));
  if (reply.status === 200 && notFound && notFound.length > 0) reply.body = { ...(reply.body as object), notFoundIds: notFound };
  return reply;
}

export function getPerson(w: World, req: Req, id: string): Reply {
  const p = w.state.personById(id);
  return p ? { status: 200, body: personView(p, true, req.query.get('callingData') === 'true') } : error(404, `Person ${id} not found.`);
}

/** The fields PUT /people declares: anything else (id, created, status, type, ...) is refused. */
const WRITABLE = new Set(['emails', 'phoneNumbers', 'extension', 'locationId', 'displayName', 'firstName', 'lastName', 'nickName', 'avatar', 'orgId', 'roles',
  'licenses', 'department', 'manager', 'managerId', 'title', 'addresses', 'siteUrls', 'loginEnabled']);

/**
 * PUT replaces the person: every writable field the body leaves out is cleared (the spec:
 * "Include all details for the person"). It refuses what the spec says it cannot take: fields
 * it does not declare, no displayName, extension or numbers without a calling licence, and a
 * changed locationId for an existing calling user.
 */
export function putPerson(w: World, req: Req, id: string): Reply {
  const p = w.state.personById(id);
  if (!p) return error(404, `Person ${id} not found.`);
  const org = w.state.orgs.get(p.orgId)!;
  const b = (req.body ?? {}) as Partial<FakePerson> & Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !WRITABLE.has(k));
  if (unknown.length > 0) return error(400, `Cannot update: ${unknown.join(', ')} (not fields of a person that can be set).`);
  if (typeof b.displayName !== 'string' || b.displayName.trim() === '') return error(400, 'displayName is required.');
  const work = b.phoneNumbers?.find((n) => n.type === 'work')?.value;
  if (!p.calling && (b.extension !== undefined || (b.phoneNumbers?.length ?? 0) > 0)) {
    return error(400, 'Phone numbers and extension can only be set for a person with a Webex Calling license.');
  }
  if (b.locationId !== undefined && !p.calling) return error(400, 'The locationId can only be set when assigning a calling license to a user.');
  if (b.locationId !== undefined && b.locationId !== p.locationId) return error(400, 'The locationId cannot be changed if a user is already an existing calling user.');
  const clash = w.state.conflict(org, p.id, b.extension, p.locationId, work);
  if (clash) return error(400, clash.description);
  const email = p.emails[0];
  if (email && w.faults.partialPersonUpdate.delete(email)) {
    // "may still have altered some values": the names land, the rest is refused.
    for (const key of ['firstName', 'lastName', 'displayName'] as const) if (typeof b[key] === 'string') p[key] = b[key];
    p.lastModified = new Date().toISOString();
    w.state.log({ method: req.method, path: req.path, email, what: 'person-updated' });
    return error(400, 'Updating the Webex Calling details of the person failed.');
  }
  for (const key of ['firstName', 'lastName', 'displayName', 'extension'] as const) {
    if (b[key] === undefined) delete p[key];
    else p[key] = b[key];
  }
  p.phoneNumbers = (b.phoneNumbers ?? []).map((n) => ({ type: n.type, value: n.value, ...(n.type === 'work' && { primary: true }) }));
  p.roles = Array.isArray(b.roles) ? b.roles.map(String) : [];
  p.licenses = Array.isArray(b.licenses) ? b.licenses.map(String) : [];
  p.siteUrls = Array.isArray(b.siteUrls) ? b.siteUrls.map(String) : [];
  p.lastModified = new Date().toISOString();
  w.state.log({ method: req.method, path: req.path, ...(email && { email }), what: 'person-updated' });
  return { status: 200, body: personView(p, true, req.query.get('callingData') === 'true') };
}

export function listLicenses(w: World, req: Req): Reply {
  const org = orgFor(w, req);
  return isReply(org) ? org : linkedPage(req, org.licenses, 100, 1000);
}

/** PATCH /licenses/users: add and remove licences and attendee sites; 206 when some could not be assigned. */
export function patchLicences(w: World, req: Req): Reply {
  const org = orgFor(w, req);
  if (isReply(org)) return org;
  const b = req.body ?? {};
  const person = typeof b.personId === 'string' ? org.people.get(b.personId) : w.state.personByEmail(org, String(b.email ?? ''));
  if (!person) return error(404, 'Person not found in the organization.');
  const licences = (Array.isArray(b.licenses) ? b.licenses : []) as Array<{ id: string; operation?: string }>;
  const sites = (Array.isArray(b.siteUrls) ? b.siteUrls : []) as Array<{ siteUrl: string; operation?: string; accountType?: string }>;
  for (const l of licences) if (!org.licenses.some((x) => x.id === l.id)) return error(400, `License not recognized ${l.id}`, 400000);
  for (const s of sites) if (!org.licenses.some((x) => x.siteUrl === s.siteUrl)) return error(400, `Request contains invalid attendee siteUrls: ${s.siteUrl}`, 400216);
  const email = person.emails[0]!;
  const adds = licences.filter((l) => (l.operation ?? 'add') === 'add');
  const skipped = w.faults.partialLicences.delete(email) && adds.length > 0 ? adds[adds.length - 1]!.id : undefined;
  for (const l of licences) {
    if (l.id === skipped) continue;
    person.licenses = person.licenses.filter((id) => id !== l.id);
    if ((l.operation ?? 'add') === 'add') person.licenses.push(l.id);
  }
  for (const s of sites) {
    person.siteUrls = person.siteUrls.filter((u) => u.split('#')[0] !== s.siteUrl);
    if ((s.operation ?? 'add') === 'add') person.siteUrls.push(`${s.siteUrl}#${s.accountType ?? 'attendee'}`);
  }
  w.state.log({ method: req.method, path: req.path, email, what: 'licences-changed' });
  const siteUrls = person.siteUrls.map((u) => ({ siteUrl: u.split('#')[0]!, accountType: u.endsWith('#attendee') ? 'attendee' : 'host' }));
  return { status: skipped ? 206 : 200, body: { orgId: org.id, personId: person.id, email, licenses: person.licenses, siteUrls } };
}

export function listLocations(w: World, req: Req): Reply {
  const org = orgFor(w, req);
  return isReply(org) ? org : linkedPage(req, org.locations.map((l) => ({ ...l, orgId: org.id })), 100, 1000);
}

/** POST /locations: a location of the organisation (`orgId` for a managed one). */
export function createLocation(w: World, req: Req): Reply {
  const org = orgFor(w, req);
  if (isReply(org)) return org;
  const b = (req.body ?? {}) as Record<string, any>;
  for (const field of ['name', 'timeZone', 'preferredLanguage', 'announcementLanguage', 'address']) if (!b[field]) return error(400, `${field} is required.`);
  for (const field of ['address1', 'city', 'state', 'postalCode', 'country']) if (!b.address[field]) return error(400, `address.${field} is required.`);
  if (org.locations.some((l) => l.name.toLowerCase() === String(b.name).toLowerCase())) return error(409, `A location named ${b.name} already exists.`);
  const location = { id: webexId('LOCATION'), name: String(b.name), timeZone: b.timeZone, preferredLanguage: b.preferredLanguage, address: b.address };
  org.locations.push(location);
  w.state.log({ method: req.method, path: req.path, what: 'location-created' });
  return { status: 201, body: { id: location.id } };
}

export function listRoles(): Reply {
  return { status: 200, body: { items: ROLES } };
}

export function getCustomer(w: World, req: Req, id: string): Reply {
  const c = visibleCustomer(w, req, id);
  if (!c) return error(404, `Customer ${id} not found.`);
  if (c.plan && c.status === 'provisioning' && --c.plan.polls <= 0) {
    c.status = c.plan.outcome;
    if (c.plan.outcome !== 'error') {
      const org = w.state.createOrg(c.plan.name, c.plan.location ? [c.plan.location] : [], []);
      c.orgId = org.id;
    }
    if (c.plan.errors) c.errors = c.plan.errors;
  }
  return { status: 200, body: customerView(c) };
}

export function listCustomers(w: World, req: Req): Reply {
  const externalId = req.query.get('externalId');
  const status = req.query.get('status');
  const items = [...w.state.customers.values()]
    .filter((c) => visibleCustomer(w, req, c.id) && (!externalId || c.externalId === externalId) && (!status || c.status === status))
    .map(customerView);
  return wholesalePage(w, req, items);
}

/** POST /wholesale/customers: checks the documented required fields, then provisions "in the background". */
export function createCustomer(w: World, req: Req): Reply {
  const b = (req.body ?? {}) as Record<string, any>;
  for (const field of ['provisioningId', 'packages', 'externalId', 'address']) if (!b[field]) return error(400, `${field} is required.`);
  for (const field of ['addressLine1', 'city', 'country']) if (!b.address[field]) return error(400, `address.${field} is required.`);
  if (!b.orgId && !b.customerInfo) return error(400, 'customerInfo is required for a new customer.');
  if (b.customerInfo && (!b.customerInfo.name || !b.customerInfo.primaryEmail)) return error(400, 'customerInfo.name and customerInfo.primaryEmail are required.');
  if (String(b.customerInfo?.name ?? '').includes('%')) return error(400, 'Name cannot include the "%" character.');
  if ([...w.state.customers.values()].some((c) => c.externalId === b.externalId)) return error(409, `A customer with externalId ${b.externalId} exists.`);
  const id = webexId('CUSTOMER');
  const p = w.provisioning;
  const subPartner = req.query.get('onBehalfOfSubPartnerOrgId');
  w.state.customers.set(id, {
    id,
    externalId: b.externalId,
    status: 'provisioning',
    packages: b.packages,
    address: b.address,
    request: b,
    ...(subPartner && { subPartnerOrgId: subPartner }),
    plan: { polls: p.polls, outcome: p.outcome, ...(p.errors && { errors: p.errors }), name: b.customerInfo?.name ?? 'Customer', location: b.provisioningParameters?.calling?.location?.name },
  });
  w.state.log({ method: req.method, path: req.path, what: 'customer-created' });
  const url = `${req.base}/wholesale/customers/${id}`;
  return { status: 202, body: { url }, headers: { Location: url } };
}

function moveError(code: number, message: string): Reply {
  return { status: 400, body: { error: [{ code, message }] } };
}

/**
 * POST /telephony/config/jobs/person/moveLocation: moves calling users to another location of
 * their organisation, with a new extension or number when given. `validate: false` starts a
 * job (201); the move happens at once here and the job reports it after `moveJobPolls` reads.
 */
export function moveUsers(w: World, req: Req): Reply {
  const org = orgFor(w, req);
  if (isReply(org)) return org;
  const list = (req.body?.usersList ?? []) as Array<{ locationId?: string; validate?: boolean; users?: Array<{ userId?: string; extension?: string; phoneNumber?: string }> }>;
  if (list.length === 0) return moveError(1026011, 'Users list should not be empty.');
  const failed: FakeMoveJob['failed'] = [];
  let moved = 0;
  for (const entry of list) {
    if (entry.validate === undefined) return moveError(1026006, "Attribute 'Validate' is required.");
    if (entry.validate) return moveError(1026022, 'Validate true is not offered by this fake.');
    const users = entry.users ?? [];
    if (users.length === 0) return moveError(1026012, 'Users should not be empty.');
    const target = org.locations.find((l) => l.id === entry.locationId);
    for (const u of users) {
      const person = u.userId ? org.people.get(u.userId) : undefined;
      if (!person) return moveError(2150012, 'User was not found');
      if (!person.calling) return moveError(1026010, 'User is not a valid Calling User.');
      if (person.locationId === entry.locationId) return moveError(1026013, 'The source and the target location cannot be the same.');
      if (!target) {
        failed.push({ userId: person.id, code: 5620, message: '[Error 5620] Location Not Found' });
        continue;
      }
      const extension = u.extension ?? person.extension;
      const phone = u.phoneNumber ?? person.phoneNumbers?.find((n) => n.type === 'work')?.value;
      if (extension && w.state.conflict(org, person.id, extension, target.id, undefined)) {
        failed.push({ userId: person.id, code: 4202, message: `[Error 4202] The extension is not available. It is already assigned to a user : ${extension}` });
        continue;
      }
      person.locationId = target.id;
      if (u.extension !== undefined) person.extension = u.extension || undefined;
      if (u.phoneNumber !== undefined) person.phoneNumbers = u.phoneNumber ? [{ type: 'work', value: phone!, primary: true }] : [];
      person.lastModified = new Date().toISOString();
      moved++;
      w.state.log({ method: req.method, path: req.path, email: person.emails[0]!, what: 'user-moved' });
    }
  }
  const job: FakeMoveJob = { id: webexId('JOB_ID'), orgId: org.id, polls: w.moveJobPolls, moved, failed, created: new Date().toISOString() };
  w.moveJobs.set(job.id, job);
  return { status: 201, body: { response: moveJobView(job, false) } };
}

function moveJobView(job: FakeMoveJob, read: boolean): object {
  if (read) job.polls--;
  const done = job.polls <= 0;
  const exit = !done ? 'UNKNOWN' : job.failed.length === 0 ? 'COMPLETED' : job.moved > 0 ? 'COMPLETED_WITH_ERRORS' : 'FAILED';
  const status = !done ? 'STARTED' : job.failed.length > 0 && job.moved === 0 ? 'FAILED' : 'COMPLETED';
  const total = job.moved + job.failed.length;
  return {
    name: 'moveusers',
    id: job.id,
    sourceUserId: webexId('PEOPLE'),
    sourceCustomerId: job.orgId,
    targetCustomerId: job.orgId,
    instanceId: 1,
    jobExecutionStatus: [{ id: 1, lastUpdated: new Date().toISOString(), statusMessage: status, exitCode: exit, createdTime: job.created }],
    latestExecutionStatus: status,
    latestExecutionExitCode: exit,
    counts: { totalMoves: total, moved: done ? job.moved : 0, failed: done ? job.failed.length : 0, pending: 0, skipped: 0 },
  };
}

export function getMoveJob(w: World, id: string): Reply {
  const job = w.moveJobs.get(id);
  return job ? { status: 200, body: moveJobView(job, true) } : error(404, `Job ${id} not found.`);
}

export function listMoveJobErrors(w: World, id: string): Reply {
  const job = w.moveJobs.get(id);
  if (!job) return error(404, `Job ${id} not found.`);
  const items = job.failed.map((f, i) => ({ itemNumber: i + 1, item: f.userId, error: { key: '400', message: [{ description: f.message, code: String(f.code) }] }, trackingId: `FAKE_JOB_${i}` }));
  return { status: 200, body: { items } };
}


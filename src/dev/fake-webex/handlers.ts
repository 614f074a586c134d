import type { Faults } from './faults.js';
import { CALLING, FULL_ADMIN_ROLE_ID, ROLES, SUBSCRIBER_PACKAGES, webexId, type FakeOrg, type FakePerson, type FakeState, type FakeSubscriber } from './state.js';

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

export interface World {
  state: FakeState;
  faults: Faults;
  /** How a new customer's provisioning ends (tests set it). */
  provisioning: { polls: number; outcome: 'provisioned' | 'provisioned_with_errors' | 'error'; errors?: Array<{ errorCode: number; description: string }> };
}

const error = (status: number, message: string, errorCode?: number): Reply => ({
  status,
  body: { message, errors: [{ description: message, ...(errorCode !== undefined && { errorCode }) }], ...(errorCode !== undefined && { errorCode }) },
});

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

/** A page of `items` with a `Link: rel="next"` when more follow. */
function page<T>(req: Req, items: T[], defaultMax = 100, limit = 100): Reply {
  const max = Number(req.query.get('max') ?? defaultMax);
  if (!Number.isInteger(max) || max < 1 || max > limit) return error(400, `max must be 1 to ${limit}.`);
  const offset = Number(req.query.get('offset') ?? 0);
  const slice = items.slice(offset, offset + max);
  const headers: Record<string, string> = {};
  if (offset + max < items.length) {
    const next = new URLSearchParams(req.query);
    next.set('offset', String(offset + max));
    next.set('max', String(max));
    headers.Link = `<${req.base}${req.path}?${next}>; rel="next"`;
  }
  return { status: 200, body: { items: slice }, headers };
}

function subscriberView(s: FakeSubscriber): object {
  const { seq: _seq, ...view } = s;
  return view;
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

/** The checks POST /wholesale/subscribers and its validate precheck share. */
function checkNew(w: World, body: Record<string, unknown>): { org: FakeOrg; customerId: string; email: string; pkg: string; params: Params } | Reply {
  const customerId = String(body.customerId ?? '');
  const org = w.state.orgOf(customerId);
  if (!org) return error(404, `Customer ${customerId} not found.`);
  const email = String(body.email ?? '').toLowerCase();
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return error(400, 'The email address is not valid.', 4801);
  const packages = Array.isArray(body.packages) ? body.packages : body.package ? [body.package] : [];
  if (packages.length !== 1) return error(400, 'Exactly one package is required. Currently accepts only one package in the list.');
  const pkg = String(packages[0]);
  if (!SUBSCRIBER_PACKAGES.has(pkg)) return error(400, `Package ${pkg} is not a valid subscriber package.`);
  if (w.state.subscriberByEmail(customerId, email)) return error(409, `User ${email} is already a subscriber of this customer.`);
  const params = (body.provisioningParameters ?? {}) as Params;
  if (CALLING.has(pkg)) {
    if (!params.primaryPhoneNumber && !params.extension) {
      return error(400, 'A primary phone number, extension, or both must be supplied when assigning a calling-enabled package.');
    }
    if (!params.locationId && org.locations.length !== 1) return error(400, 'locationId is required: the organization has several locations.');
    const locationId = params.locationId ?? org.locations[0]!.id;
    if (!org.locations.some((l) => l.id === locationId)) return error(400, `Location ${locationId} not found in the organization.`);
    const clash = w.state.conflict(org, undefined, params.extension, locationId, params.primaryPhoneNumber);
    if (clash) return error(400, clash.description, clash.errorCode);
  }
  return { org, customerId, email, pkg, params };
}

export function createSubscriber(w: World, req: Req): Reply {
  const checked = checkNew(w, req.body ?? {});
  if (isReply(checked)) return checked;
  const { org, customerId, email, pkg, params } = checked;
  if (w.faults.pendingMigration.has(email)) {
    const s = w.state.addSubscriber(customerId, email, pkg);
    w.state.log({ method: req.method, path: req.path, email, what: 'subscriber-created' });
    return { status: 202, body: subscriberView(s), headers: { Location: `${req.base}/wholesale/subscribers/${s.id}` } };
  }
  const calling = CALLING.has(pkg);
  const person = w.state.addPerson(org, email, {
    ...(params.firstName && { firstName: params.firstName }),
    ...(params.lastName && { lastName: params.lastName }),
    ...(calling && params.extension && { extension: params.extension }),
    ...(calling && params.primaryPhoneNumber && { phoneNumbers: [{ type: 'work', value: params.primaryPhoneNumber, primary: true }] }),
    ...(calling && { locationId: params.locationId ?? org.locations[0]!.id }),
  });
  const s = w.state.addSubscriber(customerId, email, pkg, person.id);
  w.state.log({ method: req.method, path: req.path, email, what: 'subscriber-created' });
  // Seed 004's licence failure: the user is half made and the change "can't be rolled back".
  const licence = w.faults.licenceError.get(email);
  if (licence) return error(400, licence);
  return { status: 200, body: subscriberView(s), headers: { Location: `${req.base}/wholesale/subscribers/${s.id}` } };
}

export function validateSubscriber(w: World, req: Req): Reply {
  const checked = checkNew(w, req.body ?? {});
  if (isReply(checked)) return checked;
  return { status: 200, body: { message: 'success', info: [{ infoCode: 100, description: 'Provisioning preCheck validation successful.' }] } };
}

export function listSubscribers(w: World, req: Req): Reply {
  const customerId = req.query.get('customerId');
  const email = req.query.get('email')?.toLowerCase();
  const status = req.query.get('status');
  const items = [...w.state.subscribers.values()]
    .filter((s) => (!customerId || s.customerId === customerId) && (!email || s.email === email) && (!status || s.status === status))
    .sort((a, b) => a.seq - b.seq)
    .map(subscriberView);
  return page(req, items);
}

export function getSubscriber(w: World, id: string): Reply {
  const s = w.state.subscribers.get(id);
  return s ? { status: 200, body: subscriberView(s) } : error(404, `Subscriber ${id} not found.`);
}

function isAdmin(w: World, s: FakeSubscriber): boolean {
  return !!s.personId && !!w.state.personById(s.personId)?.roles.includes(FULL_ADMIN_ROLE_ID);
}

export function changePackage(w: World, req: Req, id: string): Reply {
  const s = w.state.subscribers.get(id);
  if (!s) return error(404, `Subscriber ${id} not found.`);
  if (s.status !== 'provisioned') return error(400, `Subscriber ${id} is ${s.status}; its package cannot change yet.`);
  const packages = Array.isArray(req.body?.packages) ? req.body.packages : req.body?.package ? [req.body.package] : [];
  const pkg = String(packages[0] ?? '');
  if (packages.length !== 1 || !SUBSCRIBER_PACKAGES.has(pkg)) return error(400, 'Exactly one valid package is required.');
  if (isAdmin(w, s) && pkg !== s.package) return error(400, "The package of the organization's full administrator cannot be changed.");
  const licence = w.faults.licenceError.get(s.email);
  if (licence) return error(400, licence);
  const org = w.state.orgOf(s.customerId)!;
  const person = org.people.get(s.personId!)!;
  if (CALLING.has(pkg) && !CALLING.has(s.package)) {
    const p = (req.body?.provisioningParameters ?? {}) as Params;
    if (!p.primaryPhoneNumber && !p.extension) return error(400, 'A primary phone number, extension, or both must be supplied when assigning a calling-enabled package.');
    const locationId = p.locationId ?? person.locationId ?? (org.locations.length === 1 ? org.locations[0]!.id : undefined);
    if (!locationId || !org.locations.some((l) => l.id === locationId)) return error(400, 'A valid locationId is required.');
    const clash = w.state.conflict(org, person.id, p.extension, locationId, p.primaryPhoneNumber);
    if (clash) return error(400, clash.description, clash.errorCode);
    if (p.extension) person.extension = p.extension;
    if (p.primaryPhoneNumber) person.phoneNumbers = [{ type: 'work', value: p.primaryPhoneNumber, primary: true }];
    person.locationId = locationId;
  }
  s.packages = [pkg];
  s.package = pkg;
  s.lastStatusChange = new Date().toISOString();
  w.state.log({ method: req.method, path: req.path, email: s.email, what: 'package-changed' });
  return { status: 200, body: subscriberView(s) };
}

export function deleteSubscriber(w: World, req: Req, id: string): Reply {
  const s = w.state.subscribers.get(id);
  if (!s) return error(404, `Subscriber ${id} not found.`);
  if (isAdmin(w, s)) return error(400, "The organization's full administrator cannot be removed.");
  w.state.subscribers.delete(id);
  if (s.personId) w.state.orgOf(s.customerId)?.people.delete(s.personId);
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
  const items = [...org.people.values()].filter((p) => (!ids || ids.includes(p.id)) && (!email || p.emails.includes(email)));
  return page(req, items, 100, 1000);
}

export function getPerson(w: World, id: string): Reply {
  const p = w.state.personById(id);
  return p ? { status: 200, body: p } : error(404, `Person ${id} not found.`);
}

/** PUT replaces the person; roles and licences are not changed this way. */
export function putPerson(w: World, req: Req, id: string): Reply {
  const p = w.state.personById(id);
  if (!p) return error(404, `Person ${id} not found.`);
  const org = w.state.orgs.get(p.orgId)!;
  const b = (req.body ?? {}) as Partial<FakePerson>;
  const locationId = b.locationId ?? undefined;
  if (locationId && !org.locations.some((l) => l.id === locationId)) return error(400, `Location ${locationId} not found.`);
  const phone = b.phoneNumbers?.find((n) => n.type === 'work')?.value;
  const clash = w.state.conflict(org, p.id, b.extension, locationId ?? p.locationId, phone);
  if (clash) return error(400, clash.description, clash.errorCode);
  const email = p.emails[0];
  for (const key of ['firstName', 'lastName', 'displayName', 'extension', 'phoneNumbers', 'locationId', 'siteUrls'] as const) {
    if (b[key] === undefined) delete p[key];
    else (p as unknown as Record<string, unknown>)[key] = b[key];
  }
  p.siteUrls ??= [];
  w.state.log({ method: req.method, path: req.path, ...(email && { email }), what: 'person-updated' });
  return { status: 200, body: p };
}

export function listLicenses(w: World, req: Req): Reply {
  const org = orgFor(w, req);
  return isReply(org) ? org : page(req, org.licenses, 100, 1000);
}

export function patchLicences(w: World, req: Req): Reply {
  const org = orgFor(w, req);
  if (isReply(org)) return org;
  const b = req.body ?? {};
  const person = typeof b.personId === 'string' ? org.people.get(b.personId) : [...org.people.values()].find((p) => p.emails.includes(String(b.email ?? '').toLowerCase()));
  if (!person) return error(404, 'Person not found in the organization.');
  const licences = (Array.isArray(b.licenses) ? b.licenses : []) as Array<{ id: string; operation: string }>;
  const sites = (Array.isArray(b.siteUrls) ? b.siteUrls : []) as Array<{ siteUrl: string; operation: string; accountType?: string }>;
  for (const l of licences) if (!org.licenses.some((x) => x.id === l.id)) return error(400, `License ${l.id} not found in the organization.`);
  for (const s of sites) if (!org.licenses.some((x) => x.siteUrl === s.siteUrl)) return error(400, `Site ${s.siteUrl} not found in the organization.`);
  for (const l of licences) {
    person.licenses = person.licenses.filter((id) => id !== l.id);
    if (l.operation === 'add') person.licenses.push(l.id);
  }
  for (const s of sites) {
    person.siteUrls = person.siteUrls.filter((u) => u.split('#')[0] !== s.siteUrl);
    if (s.operation === 'add') person.siteUrls.push(`${s.siteUrl}#${s.accountType ?? 'attendee'}`);
  }
  w.state.log({ method: req.method, path: req.path, email: person.emails[0]!, what: 'licences-changed' });
  return { status: 200, body: { email: person.emails[0], personId: person.id, licenses: person.licenses, siteUrls: person.siteUrls } };
}

export function listLocations(w: World, req: Req): Reply {
  const org = orgFor(w, req);
  return isReply(org) ? org : page(req, org.locations.map((l) => ({ ...l, orgId: org.id })), 100, 1000);
}

export function listRoles(): Reply {
  return { status: 200, body: { items: ROLES } };
}

export function getCustomer(w: World, id: string): Reply {
  const c = w.state.customers.get(id);
  if (!c) return error(404, `Customer ${id} not found.`);
  if (c.plan && c.status === 'provisioning' && --c.plan.polls <= 0) {
    c.status = c.plan.outcome;
    if (c.plan.outcome !== 'error') {
      const org = w.state.createOrg(c.plan.name, c.plan.location ? [c.plan.location] : [], []);
      c.orgId = org.id;
    }
    if (c.plan.errors) c.errors = c.plan.errors;
  }
  const { plan: _plan, request: _request, ...view } = c;
  return { status: 200, body: view };
}

export function listCustomers(w: World, req: Req): Reply {
  const externalId = req.query.get('externalId');
  return page(req, [...w.state.customers.values()].filter((c) => !externalId || c.externalId === externalId).map(({ plan: _p, request: _r, ...c }) => c));
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
  w.state.customers.set(id, {
    id,
    externalId: b.externalId,
    status: 'provisioning',
    packages: b.packages,
    address: b.address,
    request: b,
    plan: { polls: p.polls, outcome: p.outcome, ...(p.errors && { errors: p.errors }), name: b.customerInfo?.name ?? 'Customer', location: b.provisioningParameters?.calling?.location?.name },
  });
  w.state.log({ method: req.method, path: req.path, what: 'customer-created' });
  const url = `${req.base}/wholesale/customers/${id}`;
  return { status: 202, body: { url }, headers: { Location: url } };
}

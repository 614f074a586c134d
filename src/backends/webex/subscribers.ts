import { parsePackage, type PackageId } from '../../domain/packages.js';
import { WebexError, type WebexClient, type WebexResponse } from './http.js';

/** A Wholesale subscriber (GET /wholesale/subscribers): the user's package lives here. */
export interface Subscriber {
  id: string;
  /** Only once the subscriber is provisioned. */
  personId?: string;
  email: string;
  customerId: string;
  /** Deprecated single-package field; `packages` carries the one package now. */
  package?: string;
  packages?: string[];
  status: 'provisioned' | 'pending_user_migration' | string;
  created?: string;
  /** Errors of the last provisioning attempt of this subscriber (the spec's `errors[]`). */
  errors?: Array<{ errorCode?: number; description?: string }>;
}

/** `provisioningParameters` of POST/PUT /wholesale/subscribers. */
export interface ProvisioningParameters {
  firstName?: string;
  lastName?: string;
  primaryPhoneNumber?: string;
  extension?: string;
  locationId?: string;
}

export const PENDING = 'pending_user_migration';

/** Subscribers hold at most 100 a page (`max`, "up to 100 per page"). */
export const PAGE_SIZE = 100;

export { CALLING_PACKAGES } from '../../domain/webex-rules.js';

export function packageOf(subscriber: Subscriber): PackageId | undefined {
  const name = subscriber.packages?.[0] ?? subscriber.package;
  return name === undefined ? undefined : parsePackage(name);
}

/** Every subscriber of the customer, a page at a time (offset and max: the spec declares no Link here). */
export function listSubscribers(client: WebexClient, customerId: string): AsyncGenerator<Subscriber[]> {
  return client.list<Subscriber>('/wholesale/subscribers', { customerId }, { paging: 'offset', max: PAGE_SIZE });
}

/** "code: description" of each of a subscriber's provisioning errors. */
export function subscriberErrors(subscriber: Subscriber): string[] {
  return (subscriber.errors ?? []).map((e) => [e.errorCode, e.description].filter((w) => w !== undefined && w !== '').join(': ')).filter(Boolean);
}

/** The customer's subscriber with this e-mail (Webex compares e-mails without case). */
export async function findSubscriber(client: WebexClient, customerId: string, email: string): Promise<Subscriber | undefined> {
  const response = await client.get<{ items?: Subscriber[] }>('/wholesale/subscribers', { customerId, email, max: PAGE_SIZE });
  return response.body?.items?.find((s) => s.email.toLowerCase() === email.toLowerCase());
}

export async function getSubscriber(client: WebexClient, id: string): Promise<Subscriber | undefined> {
  try {
    return (await client.get<Subscriber>(`/wholesale/subscribers/${encodeURIComponent(id)}`)).body;
  } catch (error) {
    if (error instanceof WebexError && error.status === 404) return undefined;
    throw error;
  }
}

export interface NewSubscriber {
  customerId: string;
  email: string;
  package: PackageId;
  provisioningParameters: ProvisioningParameters;
}

/**
 * POST /wholesale/subscribers. Webex has no idempotency key, so an unclear outcome (timeout,
 * dropped connection, 500/502/504) is settled by looking the e-mail up before sending again:
 * never a second subscriber. 200 = provisioned; 202 = `pending_user_migration`.
 */
export function createSubscriber(client: WebexClient, add: NewSubscriber): Promise<WebexResponse<Subscriber>> {
  return client.request<Subscriber>('POST', '/wholesale/subscribers', {
    body: { customerId: add.customerId, email: add.email, packages: [add.package], provisioningParameters: add.provisioningParameters },
    idempotent: false,
    reconcile: async () => {
      const found = await findSubscriber(client, add.customerId, add.email);
      return found ? { status: found.status === PENDING ? 202 : 200, body: found, headers: new Headers(), trackingId: undefined } : undefined;
    },
  });
}

/** PUT /wholesale/subscribers/{id}: the package change. Repeating it is harmless. */
export function changePackage(client: WebexClient, id: string, pkg: PackageId, params?: ProvisioningParameters): Promise<WebexResponse<Subscriber>> {
  return client.request<Subscriber>('PUT', `/wholesale/subscribers/${encodeURIComponent(id)}`, {
    body: { packages: [pkg], ...(params && { provisioningParameters: params }) },
  });
}

/**
 * DELETE /wholesale/subscribers/{id}. After an unclear outcome the subscriber is read back:
 * gone means the delete landed. The id is the subscriber's own, so a repeat can never remove
 * someone else. A 404 after an unclear attempt means our first attempt did it.
 */
export async function deleteSubscriber(client: WebexClient, id: string): Promise<'deleted' | 'not-found'> {
  try {
    await client.request('DELETE', `/wholesale/subscribers/${encodeURIComponent(id)}`, {
      idempotent: false,
      reconcile: async () => ((await getSubscriber(client, id)) ? undefined : { status: 204, body: undefined, headers: new Headers(), trackingId: undefined }),
    });
    return 'deleted';
  } catch (error) {
    if (error instanceof WebexError && error.status === 404) return error.doubted ? 'deleted' : 'not-found';
    throw error;
  }
}

/** POST /wholesale/subscribers/validate: the precheck a dry run uses for every planned add. */
export async function validateSubscriber(client: WebexClient, add: NewSubscriber): Promise<void> {
  await client.request('POST', '/wholesale/subscribers/validate', {
    body: { customerId: add.customerId, email: add.email, packages: [add.package], provisioningParameters: add.provisioningParameters },
    idempotent: true, // a precheck changes nothing
  });
}

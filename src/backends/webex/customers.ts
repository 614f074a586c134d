import { setTimeout as sleep } from 'node:timers/promises';
import { WebexError, type WebexClient } from './http.js';

export type CustomerStatus =
  | 'provisioning'
  | 'updating'
  | 'provisioned'
  | 'provisioned_with_errors'
  | 'error'
  | 'deleting'
  | 'pending_rpl_review';

export interface CustomerError {
  errorCode?: number | string;
  description?: string;
}

/** A Wholesale customer (GET /wholesale/customers/{id}). */
export interface WholesaleCustomer {
  id: string;
  /** Only once provisioned. */
  orgId?: string;
  externalId?: string;
  status: CustomerStatus | string;
  packages?: string[];
  errors?: CustomerError[];
  resourceDetails?: { packages?: Array<{ name: string; status: string; errors?: CustomerError[]; warnings?: CustomerError[] }> };
  address?: { addressLine1?: string; addressLine2?: string; city?: string; stateOrProvince?: string; zipOrPostalCode?: string; country?: string };
}

/** Every Wholesale customer of the partner (offset and max: the spec declares no Link for this list). */
export async function listWholesaleCustomers(client: WebexClient): Promise<WholesaleCustomer[]> {
  const all: WholesaleCustomer[] = [];
  for await (const page of client.list<WholesaleCustomer>('/wholesale/customers', {}, { paging: 'offset', max: 100 })) all.push(...page);
  return all;
}

export async function getWholesaleCustomer(client: WebexClient, id: string): Promise<WholesaleCustomer | undefined> {
  try {
    return (await client.get<WholesaleCustomer>(`/wholesale/customers/${encodeURIComponent(id)}`)).body;
  } catch (error) {
    // Only a 404 says the customer does not exist; a 400 is Webex refusing the request, in its words.
    if (error instanceof WebexError && error.status === 404) return undefined;
    throw error;
  }
}

export interface Address {
  addressLine1: string;
  addressLine2?: string;
  city: string;
  stateOrProvince?: string;
  zipOrPostalCode?: string;
  country: string;
}

/** The body of POST /wholesale/customers (domain.md §4). */
export interface ProvisionRequest {
  provisioningId: string;
  packages: string[];
  externalId: string;
  address: Address;
  /** A new organisation; or `orgId` for an existing one. */
  customerInfo?: { name: string; primaryEmail: string; language?: string };
  orgId?: string;
  provisioningParameters?: {
    calling?: { location: { name: string; address: Address; timezone: string; language: string; emergencyLocationIdentifier?: string } };
    meetings?: { timezone: string };
  };
}

export interface ProvisionOptions {
  pollIntervalMs?: number;
  timeoutMs?: number;
}

export interface ProvisionResult {
  customerId: string;
  /** The last status seen; `timed_out` when it never left `provisioning` in time. */
  outcome: 'provisioned' | 'provisioned_with_errors' | 'error' | 'pending_rpl_review' | 'timed_out';
  status: string;
  orgId?: string;
  /** Every error and warning Webex reported, customer-level and per package, in plain words. */
  problems: string[];
  polls: number;
}

const BUSY = new Set(['provisioning', 'updating']);

/**
 * Provisions a Wholesale customer: POST (202 + Location), then polls the customer until it
 * leaves `provisioning`. The POST has no idempotency key, so an unclear outcome is settled by
 * looking the customer up by its external id before sending again. The poll goes to our own
 * base URL with the id from `Location`, never to the host `Location` names: the token only
 * ever goes to the configured Webex host.
 */
export async function provisionCustomer(client: WebexClient, request: ProvisionRequest, options: ProvisionOptions = {}): Promise<ProvisionResult> {
  const pollIntervalMs = options.pollIntervalMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  const response = await client.request<{ url?: string }>('POST', '/wholesale/customers', {
    body: request,
    idempotent: false,
    reconcile: async () => {
      const found = await findByExternalId(client, request.externalId);
      return found ? { status: 202, body: { url: `${client.baseUrl}/wholesale/customers/${found.id}` }, headers: new Headers(), trackingId: undefined } : undefined;
    },
  });
  const location = response.headers.get('location') ?? response.body?.url;
  const customerId = location ? decodeURIComponent(new URL(location, client.baseUrl).pathname.split('/').filter(Boolean).pop() ?? '') : '';
  if (!customerId) throw new WebexError('Webex accepted the customer but named no Location to follow.', response.status, response.trackingId);

  const deadline = Date.now() + timeoutMs;
  let polls = 0;
  for (;;) {
    const customer = await getWholesaleCustomer(client, customerId);
    polls++;
    const status = customer?.status ?? 'provisioning';
    if (customer && !BUSY.has(status)) {
      const outcome = (['provisioned', 'provisioned_with_errors', 'error', 'pending_rpl_review'] as const).find((s) => s === status) ?? 'error';
      return { customerId, outcome, status, ...(customer.orgId && { orgId: customer.orgId }), problems: problemsOf(customer), polls };
    }
    if (Date.now() + pollIntervalMs > deadline) {
      return { customerId, outcome: 'timed_out', status, problems: [`still ${status} after ${Math.round(timeoutMs / 1000)} s; poll again later`], polls };
    }
    await sleep(pollIntervalMs);
  }
}

async function findByExternalId(client: WebexClient, externalId: string): Promise<WholesaleCustomer | undefined> {
  const response = await client.get<{ items?: WholesaleCustomer[] }>('/wholesale/customers', { externalId });
  return response.body?.items?.find((c) => c.externalId === externalId);
}

/** "code: description" for every error and warning, the package's name first when it has one. */
export function problemsOf(customer: WholesaleCustomer): string[] {
  const words = (e: CustomerError): string => [e.errorCode, e.description].filter((w) => w !== undefined && w !== '').join(': ');
  return [
    ...(customer.errors ?? []).map(words),
    ...(customer.resourceDetails?.packages ?? []).flatMap((p) => [
      ...(p.errors ?? []).map((e) => `${p.name}: ${words(e)}`),
      ...(p.warnings ?? []).map((e) => `${p.name} (warning): ${words(e)}`),
    ]),
  ];
}

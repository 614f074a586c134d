import { getWholesaleCustomer, listWholesaleCustomers, problemsOf, type WholesaleCustomer } from '../backends/webex/customers.js';
import { WebexClient, WebexError } from '../backends/webex/http.js';
import { listLicenses, sitesOf } from '../backends/webex/licenses.js';
import { createLocation, listLocations, type Location, type NewLocation } from '../backends/webex/locations.js';
import { scrubSecrets } from '../backends/webex/retry.js';
import { listSubscribers } from '../backends/webex/subscribers.js';
import { parseCountry } from '../backends/sqlite/validate.js';
import { RunRefused } from '../domain/codes.js';
import { parseAddress, parseLanguage, parseTimeZone } from '../provisioning/validate.js';
import { webexConnection } from './backend-option.js';
import { print, type GlobalArgs } from './context.js';
import { table } from './customers.js';
import { createLogger } from './log.js';

/**
 * The look-ups of `--backend webex` (no curl needed): customers, their locations and sites,
 * and adding a location where the Locations API allows it. Each reads Webex through the same
 * client as the import (token from the environment, limits, retries, no redirects).
 */

export interface WebexArgs extends GlobalArgs {
  subPartner?: string;
}

function clientFor(argv: WebexArgs): { client: WebexClient; token: string } {
  const { baseUrl, token, subPartnerOrgId } = webexConnection(argv);
  const logger = createLogger({ level: argv.logLevel, quiet: argv.quiet });
  return { client: new WebexClient({ baseUrl, token, logger, ...(subPartnerOrgId && { subPartnerOrgId }) }), token };
}

/** Runs a look-up; a refused token, an unreachable Webex or a refusal becomes a RunRefused with Webex's words. */
async function asking<T>(argv: WebexArgs, doing: string, body: (client: WebexClient) => Promise<T>): Promise<T> {
  const { client, token } = clientFor(argv);
  try {
    return await body(client);
  } catch (error) {
    if (!(error instanceof WebexError)) throw error;
    const code = error.status === 404 ? 'CUSTOMER_NOT_FOUND' : 'TARGET_UNAVAILABLE';
    const hint = error.status === 401 || error.status === 403 ? ' Check WEBEX_ACCESS_TOKEN and its scopes.' : '';
    throw new RunRefused(code, scrubSecrets(`Webex could not be used while ${doing}: ${error.describe()}.${hint}`, token));
  }
}

/** The customer, or CUSTOMER_NOT_FOUND; its organisation, or a refusal while it has none. */
async function customerWithOrg(client: WebexClient, customerId: string): Promise<WholesaleCustomer & { orgId: string }> {
  const customer = await getWholesaleCustomer(client, customerId);
  if (!customer) throw new RunRefused('CUSTOMER_NOT_FOUND', `Webex knows no Wholesale customer with id ${customerId}.`);
  if (!customer.orgId) throw new RunRefused('CUSTOMER_NOT_FOUND', `Wholesale customer ${customerId} has no organisation yet (status ${customer.status}); wait until it is provisioned.`);
  return customer as WholesaleCustomer & { orgId: string };
}

export async function listCustomersOnWebex(argv: WebexArgs): Promise<void> {
  const customers = await asking(argv, 'listing the Wholesale customers', (client) => listWholesaleCustomers(client));
  const text = customers.length === 0
    ? 'Webex lists no Wholesale customers for this partner.'
    : table([['ID', 'EXTERNAL ID', 'STATUS', 'PACKAGES', 'ORGANISATION'], ...customers.map((c) => [c.id, c.externalId ?? '', c.status, (c.packages ?? []).join(' '), c.orgId ?? ''])]);
  print(argv, customers, text);
}

export async function showCustomerOnWebex(argv: WebexArgs & { id: string }): Promise<void> {
  const shown = await asking(argv, `reading customer ${argv.id}`, async (client) => {
    const customer = await getWholesaleCustomer(client, argv.id);
    if (!customer) throw new RunRefused('CUSTOMER_NOT_FOUND', `Webex knows no Wholesale customer with id ${argv.id}.`);
    if (!customer.orgId) return { customer, locations: [] as Location[], sites: [] as string[], subscribers: 0 };
    const [locations, licences] = await Promise.all([listLocations(client, customer.orgId), listLicenses(client, customer.orgId)]);
    let subscribers = 0;
    for await (const page of listSubscribers(client, customer.id)) subscribers += page.length;
    return { customer, locations, sites: sitesOf(licences), subscribers };
  });
  const { customer: c, locations, sites, subscribers } = shown;
  const problems = problemsOf(c);
  const lines = [
    `Customer ${c.id}${c.externalId ? ` (external id ${c.externalId})` : ''}`,
    `  Status:        ${c.status}`,
    `  Organisation:  ${c.orgId ?? '(none yet)'}`,
    `  Packages:      ${(c.resourceDetails?.packages ?? []).map((p) => `${p.name} (${p.status})`).join(', ') || (c.packages ?? []).join(', ') || '(none)'}`,
    ...(c.address ? [`  Address:       ${[c.address.addressLine1, c.address.addressLine2, [c.address.zipOrPostalCode, c.address.city].filter(Boolean).join(' '), c.address.stateOrProvince, c.address.country].filter(Boolean).join(', ')}`] : []),
    `  Subscribers:   ${subscribers}`,
    `  Problems:      ${problems.length === 0 ? 'none' : ''}`,
    ...problems.map((p) => `    ${p}`),
    `  Locations:     ${locations.length}`,
    ...locations.map((l) => `    ${l.name}${l.address?.country ? ` (${[l.address.city, l.address.country].filter(Boolean).join(', ')})` : ''}`),
    `  Sites:         ${sites.length}`,
    ...sites.map((s) => `    ${s}`),
  ];
  print(argv, { ...c, problems, subscribers, locations, sites }, lines.join('\n'));
}

export async function listLocationsOnWebex(argv: WebexArgs & { customer: string }): Promise<void> {
  const locations = await asking(argv, `listing the locations of customer ${argv.customer}`, async (client) =>
    listLocations(client, (await customerWithOrg(client, argv.customer)).orgId));
  const text = locations.length === 0
    ? `Customer ${argv.customer} has no locations in Webex yet.`
    : table([['NAME', 'COUNTRY', 'ADDRESS', 'TIME ZONE'], ...locations.map((l) => [l.name, l.address?.country ?? '', addressOf(l), l.timeZone ?? ''])]);
  print(argv, locations, text);
}

function addressOf(l: Location): string {
  const a = l.address ?? {};
  return [a.address1, a.address2, [a.postalCode, a.city].filter(Boolean).join(' '), a.state].filter(Boolean).join(', ');
}

export interface AddLocationArgs extends WebexArgs {
  customer: string;
  name: string;
  country: string;
  timezone?: string;
  language?: string;
  announcementLanguage?: string;
  [key: string]: unknown;
}

/**
 * `locations add --backend webex`: POST /locations for the customer's organisation. The
 * Locations API wants a time zone, languages and a full address (street, city, state or
 * province, postal code); a name of at most 80 characters keeps it usable for Webex Calling.
 */
export function newLocation(argv: AddLocationArgs, address: ReturnType<typeof parseAddress>): NewLocation {
  const name = argv.name.trim();
  if (name === '' || name.length > 80) throw new RunRefused('BAD_ARGUMENTS', `The location name must be 1 to 80 characters (Webex Calling's limit), not "${argv.name}".`);
  const missing = [
    ...(address.addressLine1 ? [] : ['--address-line1']),
    ...(address.city ? [] : ['--city']),
    ...(address.stateOrProvince ? [] : ['--state-or-province']),
    ...(address.zipOrPostalCode ? [] : ['--zip-or-postal-code']),
    ...(argv.timezone ? [] : ['--timezone']),
  ];
  if (missing.length > 0) throw new RunRefused('BAD_ARGUMENTS', `Webex's Locations API needs ${missing.join(', ')} to create a location (POST /locations).`);
  const language = parseLanguage(argv.language ?? 'en_US').toLowerCase();
  return {
    name,
    timeZone: parseTimeZone(argv.timezone!),
    preferredLanguage: language,
    announcementLanguage: parseLanguage(argv.announcementLanguage ?? argv.language ?? 'en_US').toLowerCase(),
    address: {
      address1: address.addressLine1!,
      ...(address.addressLine2 && { address2: address.addressLine2 }),
      city: address.city!,
      state: address.stateOrProvince!,
      postalCode: address.zipOrPostalCode!,
      country: parseCountry(argv.country),
    },
  };
}

export async function addLocationOnWebex(argv: AddLocationArgs, address: ReturnType<typeof parseAddress>): Promise<void> {
  const location = newLocation(argv, address);
  const id = await asking(argv, `adding a location to customer ${argv.customer}`, async (client) => {
    const { orgId } = await customerWithOrg(client, argv.customer);
    const known = await listLocations(client, orgId);
    if (known.some((l) => l.name.toLowerCase() === location.name.toLowerCase())) {
      throw new RunRefused('BAD_ARGUMENTS', `Customer ${argv.customer} already has a location named "${location.name}" in Webex.`);
    }
    return createLocation(client, orgId, location);
  });
  if (!argv.quiet || argv.json) print(argv, { id, ...location }, `Added location "${location.name}" (${location.address.country}) to customer ${argv.customer} in Webex: ${id}`);
}

export async function listSitesOnWebex(argv: WebexArgs & { customer: string }): Promise<void> {
  const sites = await asking(argv, `listing the sites of customer ${argv.customer}`, async (client) =>
    sitesOf(await listLicenses(client, (await customerWithOrg(client, argv.customer)).orgId)));
  const text = sites.length === 0 ? `Customer ${argv.customer} has no Meetings licence naming a site in Webex.` : sites.join('\n');
  print(argv, sites.map((url) => ({ url })), text);
}

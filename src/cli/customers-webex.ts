import { randomUUID } from 'node:crypto';
import { provisionCustomer, type Address, type ProvisionRequest, type ProvisionResult } from '../backends/webex/customers.js';
import { WebexClient, WebexError } from '../backends/webex/http.js';
import { scrubSecrets } from '../backends/webex/retry.js';
import { parseCountry, parseEmail } from '../backends/sqlite/validate.js';
import { RunRefused } from '../domain/codes.js';
import { NEEDS_NUMBER_AND_LOCATION, PACKAGE_COLUMN, PACKAGES, parsePackage, type PackageId } from '../domain/packages.js';
import { parseAddress, parseCustomerName, parseLanguage, parseTimeZone } from '../provisioning/validate.js';
import { webexConnection, webexPollMs } from './backend-option.js';
import { print, type GlobalArgs } from './context.js';
import { EXIT } from './exit-codes.js';
import { createLogger, notice } from './log.js';
import { addressFrom } from './provisioning-shared.js';

/**
 * `customers create --backend webex`: Partner Hub's "Create customer" through
 * `POST /wholesale/customers`, then polling the customer until it leaves `provisioning`.
 * There is no local template lookup: the provisioning ID is the one Partner Hub shows.
 */

export interface WebexCreateArgs extends GlobalArgs {
  name: string;
  adminEmail: string;
  package: string;
  id?: string;
  org?: string;
  template?: string;
  hqName?: string;
  hqCountry?: string;
  supportedLocation?: boolean;
  timezone?: string;
  language?: string;
  externalId?: string;
  timeoutSeconds?: number;
  subPartner?: string;
  [key: string]: unknown;
}

/** The options only `--backend webex` reads; the local form refuses them. */
export const WEBEX_ONLY = ['timezone', 'language', 'external-id', 'timeout-seconds'];

/** Packages with a Calling location, and with a Meetings time zone. */
const CALLING: ReadonlySet<PackageId> = new Set([...NEEDS_NUMBER_AND_LOCATION, 'webex_voice']);
const MEETINGS: ReadonlySet<PackageId> = new Set(['webex_suite', 'webex_meetings']);

const DEFAULT_POLL_MS = 5_000;
export const DEFAULT_TIMEOUT_SECONDS = 600;

export function buildProvisionRequest(argv: WebexCreateArgs): ProvisionRequest {
  const name = parseCustomerName(argv.name);
  if (argv.id !== undefined) throw new RunRefused('BAD_ARGUMENTS', 'Webex gives the customer its id: drop --id with --backend webex (use --external-id for your own reference).');
  if (argv.org !== undefined) throw new RunRefused('BAD_ARGUMENTS', '--org names an organisation of the embedded directory; with --backend webex the customer gets a new organisation.');
  if (argv.template === undefined) throw new RunRefused('BAD_ARGUMENTS', 'With --backend webex, --template PROVISIONING_ID is required: the provisioning ID of the onboarding template in Partner Hub.');
  if (argv.hqName === undefined || argv.hqCountry === undefined) {
    throw new RunRefused('BAD_ARGUMENTS', 'A Webex customer needs its headquarters location: --hq-name NAME --hq-country CC --hq-address-line1 ... --hq-city ....');
  }
  const country = parseCountry(argv.hqCountry);
  if (!argv.supportedLocation) {
    throw new RunRefused(
      'LOCATION_NOT_ATTESTED',
      `Customer "${argv.name}" was not created: Webex provisions customers only in Webex-supported locations, and Partner Hub asks the partner ` +
        `to attest it ("I verify that this customer is in a Webex-supported location"). Check that ${country} is supported, then add --supported-location.`,
    );
  }
  const pkg = parsePackage(argv.package);
  if (!pkg) throw new RunRefused('BAD_ARGUMENTS', `Unknown package "${argv.package}"; use one of ${PACKAGES.map((p) => PACKAGE_COLUMN[p]).join(', ')}.`);
  const primaryEmail = parseEmail('Admin e-mail', argv.adminEmail);
  const lines = parseAddress(addressFrom(argv, 'hq-'));
  if (!lines.addressLine1 || !lines.city) throw new RunRefused('BAD_ARGUMENTS', 'Webex needs the headquarters address: --hq-address-line1 and --hq-city (and --hq-zip-or-postal-code, --hq-state-or-province where they apply).');
  const address: Address = { ...lines, addressLine1: lines.addressLine1, city: lines.city, country };
  const language = parseLanguage(argv.language ?? 'en_US');
  const needsZone = CALLING.has(pkg) || MEETINGS.has(pkg);
  if (needsZone && argv.timezone === undefined) throw new RunRefused('BAD_ARGUMENTS', `The ${PACKAGE_COLUMN[pkg]} package needs the customer's time zone: --timezone, such as Europe/Amsterdam.`);
  const timezone = argv.timezone === undefined ? undefined : parseTimeZone(argv.timezone);
  const externalId = argv.externalId?.trim() || `bulkhub-${randomUUID()}`;
  const provisioningParameters: NonNullable<ProvisionRequest['provisioningParameters']> = {};
  if (CALLING.has(pkg)) provisioningParameters.calling = { location: { name: argv.hqName, address, timezone: timezone!, language: language.toLowerCase() } };
  if (MEETINGS.has(pkg)) provisioningParameters.meetings = { timezone: timezone! };
  return {
    provisioningId: argv.template.trim(),
    packages: [pkg],
    externalId,
    address,
    customerInfo: { name, primaryEmail, language },
    ...(Object.keys(provisioningParameters).length > 0 && { provisioningParameters }),
  };
}

/** Provisions, waits, prints the customer id (stdout) and the outcome (stderr); returns the exit code. */
export async function createOnWebex(argv: WebexCreateArgs): Promise<number> {
  const request = buildProvisionRequest(argv);
  const { baseUrl, token, subPartnerOrgId } = webexConnection(argv);
  const timeoutSeconds = argv.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new RunRefused('BAD_ARGUMENTS', '--timeout-seconds must be a positive number.');
  const pollIntervalMs = webexPollMs(DEFAULT_POLL_MS);
  const logger = createLogger({ level: argv.logLevel, quiet: argv.quiet });
  const client = new WebexClient({ baseUrl, token, logger, ...(subPartnerOrgId && { subPartnerOrgId }) });
  // Without a terminal each message is one JSON line (log.ts, notice): stderr carries JSON lines only.
  const say = (text: string, level: 'info' | 'warn' | 'error' = 'info'): void => notice(level, scrubSecrets(text, token));
  if (!argv.quiet) say(`bulkhub: creating Webex customer "${request.customerInfo!.name}" (externalId ${request.externalId}); waiting for Webex to provision it...`);

  let result: ProvisionResult;
  try {
    result = await provisionCustomer(client, request, { pollIntervalMs, timeoutMs: timeoutSeconds * 1000 });
  } catch (error) {
    if (!(error instanceof WebexError)) throw error;
    const code = error.status === undefined || error.status === 401 || error.status === 403 || error.status >= 500 ? 'TARGET_UNAVAILABLE' : 'CUSTOMER_PROVISIONING_FAILED';
    const hint = error.status === 401 || error.status === 403 ? ' Check WEBEX_ACCESS_TOKEN and its scopes (spark-admin:wholesale_customers_write).' : '';
    const details = error.details.map((d) => [d.errorCode, d.description].filter((w) => w !== undefined && w !== '').join(': ')).filter(Boolean);
    throw new RunRefused(code, scrubSecrets(`Webex did not create the customer: ${error.describe()}${details.length ? ` [${details.join('; ')}]` : ''}.${hint}`, token));
  }

  const { customerId, outcome } = result;
  const text = [customerId];
  const json = { id: customerId, externalId: request.externalId, outcome, status: result.status, ...(result.orgId && { orgId: result.orgId }), problems: result.problems };
  print(argv, json, text.join('\n'));
  const problems = result.problems.map((p) => `  ${p}`);
  switch (outcome) {
    case 'provisioned':
      if (!argv.quiet) say(`bulkhub: customer ${customerId} provisioned (externalId ${request.externalId}${result.orgId ? `, organisation ${result.orgId}` : ''}).`);
      if (problems.length && !argv.quiet) say(['bulkhub: Webex noted:', ...problems].join('\n'));
      return EXIT.OK;
    case 'provisioned_with_errors':
      say([`bulkhub: customer ${customerId} provisioned_with_errors (externalId ${request.externalId}): it exists, but Webex reports:`, ...problems].join('\n'), 'warn');
      return EXIT.ROW_ERRORS;
    case 'error':
      say([`bulkhub: CUSTOMER_PROVISIONING_FAILED: customer ${customerId} ended in error (externalId ${request.externalId}). Webex reports:`, ...problems].join('\n'), 'error');
      return EXIT.NOT_APPLIED;
    case 'pending_rpl_review':
      say(
        `bulkhub: CUSTOMER_STILL_PROVISIONING: customer ${customerId} waits for Webex's restricted-party review (pending_rpl_review). ` +
          `Check it later in Partner Hub, or with GET /wholesale/customers/${customerId}.`,
        'error',
      );
      return EXIT.NOT_APPLIED;
    case 'timed_out':
      say(
        `bulkhub: CUSTOMER_STILL_PROVISIONING: customer ${customerId} is still ${result.status} after ${timeoutSeconds} s (externalId ${request.externalId}). ` +
          `It was created and Webex goes on provisioning it: check it later in Partner Hub or with GET /wholesale/customers/${customerId}; ` +
          'do not run this command again (that would create a second customer).',
        'error',
      );
      return EXIT.NOT_APPLIED;
  }
}

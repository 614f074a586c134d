import { BASIC_LICENCES, COLUMNS } from './columns.js';
import { rowError, rowWarning, type Issue } from './codes.js';
import { spreadsheetDamage } from './damage.js';
import { quote } from './fields.js';
import { CALLING_PACKAGES, callingNameProblem } from './names.js';
import { NEEDS_NUMBER_AND_LOCATION, PACKAGE_COLUMN, wantsPreferredSite, type PackageId } from './packages.js';
import { countryName, countryOfNumber, isPending, readPhoneNumber } from './phone.js';
import { reservedExtension } from './reserved.js';
import type { Draft, ImportMode } from './row.js';
import { ATTRIBUTE_KEYS, type Action, type AttributeKey, type DirectoryUser, type Intent, type Operation, type UserAttributes } from './user.js';

/** Where Cisco publishes the Wholesale CSV rules, as a partner finds it: the source the messages cite. */
const WHOLESALE_ARTICLE = 'Cisco\'s help article "Manage Wholesale Route-to-Market customers through Partner Hub"';

/** What the planner knows about the customer: its id and the names it can refer to. */
export interface PlanContext {
  customerId: string;
  mode: ImportMode;
  /** Lower-case location name → the customer's own spelling. */
  locations: ReadonlyMap<string, string>;
  /** Lower-case location name → ISO country, for the locations whose country the target tells. */
  countries: ReadonlyMap<string, string>;
  /** Lower-case site host → the customer's own spelling. */
  sites: ReadonlyMap<string, string>;
  /** Attributes the target cannot hold (Backend.unmanaged): validated, never compared nor sent. */
  unmanaged: ReadonlySet<AttributeKey>;
}

export interface Plan {
  action: Action;
  /** The change to apply; absent for `unchanged`, `none` and for errors. */
  op?: Operation;
  issues: Issue[];
  /** Plain words for an ok row that needs explaining (e.g. nothing to remove, what changed). */
  note?: string;
  /** The intent as planned, when planning completed it (a national phone number read in the user's location). */
  intent?: Intent;
}

/** What planning a row may know besides the user: see plan-stage.ts. */
export interface RowFacts {
  /** The row had errors: what could be read of it. It is planned only to find its other problems. */
  draft?: Draft;
  /** Another customer that has a user with this e-mail (its name and id). */
  elsewhere?: string;
}

export function planContext(customerId: string, mode: ImportMode, locations: readonly string[], sites: readonly string[],
  unmanaged: readonly AttributeKey[] = [], countries: Readonly<Record<string, string>> = {}): PlanContext {
  return {
    customerId,
    mode,
    locations: new Map(locations.map((name) => [name.toLowerCase(), name])),
    countries: new Map(Object.entries(countries).map(([name, country]) => [name.toLowerCase(), country])),
    sites: new Map(sites.map((url) => [url.toLowerCase(), url])),
    unmanaged: new Set(unmanaged),
  };
}

/**
 * Compares what a row asks for with the user as the target holds it now, and decides the
 * action: add, modify (only the fields that differ), remove, or unchanged. Every problem of the
 * row is found in one pass, so a person fixes them all at once. Pure.
 */
export function planRow(intent: Intent, current: DirectoryUser | undefined, ctx: PlanContext, facts: RowFacts = {}): Plan {
  const plan = intent.kind === 'remove' ? planRemoval(intent.email, current, ctx) : planSet(intent, current, ctx, facts);
  // A row with errors of its own is never applied: its plan only adds the errors it finds (its
  // warnings would be about a row still to be fixed, and show once it is).
  return facts.draft ? { action: 'none', issues: plan.issues.filter((i) => i.severity === 'error') } : plan;
}

function planSet(intent: Extract<Intent, { kind: 'set' }>, current: DirectoryUser | undefined, ctx: PlanContext, facts: RowFacts): Plan {
  const issues: Issue[] = [];
  const unreadable = facts.draft?.unreadable ?? {};
  const resolved = resolveNames(intent.attributes, ctx, issues);
  // The user's location after this row: the row's (when it is one of the customer's), else the current one.
  const location = intent.attributes.location !== undefined ? { name: intent.attributes.location, known: resolved.location !== undefined } : current?.location === undefined ? undefined : { name: current.location, known: true };
  const country = location?.known ? ctx.countries.get(location.name.toLowerCase()) : undefined;
  const completed = checkNumbers(resolved, current, location, country, unreadable, issues);
  const pkg = intent.package ?? current?.package;
  if (pkg !== undefined) checkCallingNames(pkg, resolved, current, intent.package !== undefined && intent.package !== current?.package, issues);

  const packageKnown = facts.draft?.packageUnread !== true;
  if (current === undefined) {
    if (facts.elsewhere !== undefined) {
      issues.push(rowError('USER_IN_OTHER_CUSTOMER',
        `${intent.email} is already a user of customer ${facts.elsewhere}, and a Webex account belongs to one organisation: ` +
          'remove the user there first, or give this user another e-mail address.', COLUMNS.email));
    }
    if (intent.package === undefined && packageKnown) {
      issues.push(rowError(
        'NO_PACKAGE_FOR_NEW_USER',
        `${intent.email} is not a user of this customer yet, and every package column is blank; mark exactly one package TRUE to add the user.`,
      ));
    }
    if (intent.package !== undefined) issues.push(...mandatoryFields(intent.package, intent.attributes, unreadable));
    return finish(issues, () => planAdd(intent, resolved, ctx), intent, completed);
  }

  const packageChanges = intent.package !== undefined && intent.package !== current.package;
  if (packageChanges && current.isFullAdmin) {
    issues.push(rowError(
      'FULL_ADMIN_PROTECTED',
      `${intent.email} is the customer's full admin, whose package (${PACKAGE_COLUMN[current.package]}) cannot change to ${PACKAGE_COLUMN[intent.package!]}: ` +
        'the full admin keeps the package the customer was created with.',
    ));
  }
  if (packageChanges) issues.push(...mandatoryFields(intent.package!, intent.attributes, unreadable));
  return finish(issues, () => planModify(intent, resolved, current, ctx), intent, completed);
}

/** The plan when no error was found, with the row's warnings in front of the plan's own. */
function finish(issues: Issue[], plan: () => Plan, intent: Extract<Intent, { kind: 'set' }>, completed: string | undefined): Plan {
  const planned = issues.some((i) => i.severity === 'error') ? { action: 'none' as const, issues: [] } : plan();
  const out: Plan = { ...planned, issues: issues.length === 0 ? planned.issues : [...issues, ...planned.issues] };
  if (completed) out.intent = { ...intent, attributes: { ...intent.attributes, phoneNumber: completed } };
  return out;
}

function planAdd(intent: Extract<Intent, { kind: 'set' }>, resolved: UserAttributes, ctx: PlanContext): Plan {
  // Object.assign, not spread: V8's spread of these small objects cost ten times as much (profiled).
  const added: UserAttributes = Object.assign(defaultLicences(ctx.mode), managed(resolved, ctx));
  const plan: Plan = {
    action: 'add',
    op: { kind: 'add', customerId: ctx.customerId, email: intent.email, package: intent.package!, attributes: added },
    issues: siteWarning(intent.package!, added.preferredSite),
  };
  const licences = licenceNote(resolved, ctx);
  if (licences) plan.note = licences;
  return plan;
}

function planModify(intent: Extract<Intent, { kind: 'set' }>, resolved: UserAttributes, current: DirectoryUser, ctx: PlanContext): Plan {
  const packageChanges = intent.package !== undefined && intent.package !== current.package;
  const changes = differences(managed(resolved, ctx), current);
  if (!packageChanges && Object.keys(changes).length === 0) return { action: 'unchanged', issues: [] };
  const op: Operation = packageChanges
    ? { kind: 'modify', customerId: ctx.customerId, email: intent.email, id: current.id, package: intent.package!, changes }
    : { kind: 'modify', customerId: ctx.customerId, email: intent.email, id: current.id, changes };
  const finalPackage = intent.package ?? current.package;
  const changed = [...(packageChanges ? [`package ${PACKAGE_COLUMN[current.package]} → ${PACKAGE_COLUMN[intent.package!]}`] : []),
    ...Object.keys(changes).map((key) => COLUMNS[key as keyof UserAttributes])];
  return {
    action: 'modify',
    op,
    issues: siteWarning(finalPackage, changes.preferredSite ?? current.preferredSite),
    note: `Changed: ${changed.join(', ')}.`,
  };
}

function planRemoval(email: string, current: DirectoryUser | undefined, ctx: PlanContext): Plan {
  if (current === undefined) {
    return { action: 'unchanged', issues: [], note: `${email} is not a user of this customer; nothing to remove.` };
  }
  if (current.isFullAdmin) {
    return {
      action: 'none',
      issues: [rowError('FULL_ADMIN_PROTECTED', `${email} is the customer's full admin, who stays as long as the customer exists: the full admin cannot be removed.`)],
    };
  }
  return { action: 'remove', op: { kind: 'remove', customerId: ctx.customerId, email, id: current.id }, issues: [] };
}

function managed(attributes: UserAttributes, ctx: PlanContext): UserAttributes {
  if (ctx.unmanaged.size === 0) return attributes;
  return Object.fromEntries(Object.entries(attributes).filter(([key]) => !ctx.unmanaged.has(key as AttributeKey))) as UserAttributes;
}

/** Location and site must exist in the customer; their spelling becomes the customer's own. */
function resolveNames(attributes: UserAttributes, ctx: PlanContext, issues: Issue[]): UserAttributes {
  const resolved: UserAttributes = Object.assign({}, attributes);
  if (attributes.location !== undefined) {
    const known = ctx.locations.get(attributes.location.toLowerCase());
    if (known === undefined) {
      issues.push(rowError('LOCATION_NOT_FOUND', `${COLUMNS.location}: ${quote(attributes.location)} is not a location of this customer${listOf(ctx.locations)}.`, COLUMNS.location));
      delete resolved.location;
    } else resolved.location = known;
  }
  if (attributes.preferredSite !== undefined) {
    const known = ctx.sites.get(attributes.preferredSite.toLowerCase());
    if (known === undefined) {
      issues.push(rowError('SITE_NOT_FOUND', `${COLUMNS.preferredSite}: ${quote(attributes.preferredSite)} is not a Webex site of this customer${listOf(ctx.sites)}.`, COLUMNS.preferredSite));
      delete resolved.preferredSite;
    } else resolved.preferredSite = known;
  }
  return resolved;
}

/**
 * The extension and the phone number against the user's location and current values: a
 * national number is read in the location's country, a number of another country is a warning,
 * an emergency number as extension and a value a spreadsheet damaged are errors. A national
 * number read here replaces the digits in `resolved`, and is returned.
 */
function checkNumbers(resolved: UserAttributes, current: DirectoryUser | undefined, location: { name: string; known: boolean } | undefined,
  country: string | undefined, unreadable: Draft['unreadable'], issues: Issue[]): string | undefined {
  let completed: string | undefined;
  const extension = resolved.extension ?? unreadable.extension;
  if (extension !== undefined) {
    const damage = spreadsheetDamage(extension, current?.extension);
    if (damage !== undefined) issues.push(damaged(COLUMNS.extension, extension, current!.extension!, damage));
    else if (resolved.extension !== undefined) {
      const reserved = reservedExtension(resolved.extension, country);
      if (reserved !== undefined) issues.push(rowError('EXTENSION_RESERVED', `${COLUMNS.extension}: ${reserved}. Choose another extension.`, COLUMNS.extension));
    }
  }
  const rawNumber = unreadable.phoneNumber;
  if (rawNumber !== undefined) {
    const damage = spreadsheetDamage(rawNumber, current?.phoneNumber);
    if (damage !== undefined) issues.push(damaged(COLUMNS.phoneNumber, rawNumber, current!.phoneNumber!, damage));
  }
  let number = resolved.phoneNumber;
  if (number !== undefined && isPending(number)) {
    const read = country === undefined ? undefined : readPhoneNumber(number, country);
    if (read === undefined) {
      const why = location === undefined
        ? 'neither the row nor the user has a Location to read it in'
        : location.known ? `the country of location ${quote(location.name)} is not known` : `its location ${quote(location.name)} is not one of the customer's`;
      issues.push(rowError('INVALID_PHONE_NUMBER', `${COLUMNS.phoneNumber}: ${quote(number)} is written without a country code, and ${why}; ` +
        'write it as + and the country code, then the number.', COLUMNS.phoneNumber));
      number = undefined;
    } else if (!read.ok) {
      issues.push(rowError('INVALID_PHONE_NUMBER', `${COLUMNS.phoneNumber}: ${read.reason}.`, COLUMNS.phoneNumber));
      number = undefined;
    } else {
      number = read.value;
      resolved.phoneNumber = number; // resolved is this plan's own copy
      completed = number;
    }
  }
  if (number !== undefined && country !== undefined) {
    const of = countryOfNumber(number, country);
    if (of !== undefined && of !== country) {
      issues.push(rowWarning('PHONE_NUMBER_COUNTRY',
        `${COLUMNS.phoneNumber}: ${number} is a number of ${countryName(of)}, but location ${quote(location!.name)} is in ${countryName(country)}; ` +
          'Webex Calling gives a user numbers of the country of their location. Check the number or the location.', COLUMNS.phoneNumber));
    }
  }
  return completed;
}

function damaged(column: string, file: string, now: string, what: string): Issue {
  return rowError('SPREADSHEET_DAMAGE',
    `${column}: the file has ${quote(file.trim())} and the user has ${now} now; ${what}, as a spreadsheet does. ` +
      `Format the column as Text and write ${now}, or leave the cell blank to keep it.`, column);
}

/**
 * Webex Calling users' first and last names (names.ts): the names a row gives a calling user,
 * and, when the user moves to a calling package, the names they have now. A name the user has
 * already and keeps is left alone: Webex holds it.
 */
function checkCallingNames(pkg: PackageId, resolved: UserAttributes, current: DirectoryUser | undefined, packageChanges: boolean, issues: Issue[]): void {
  if (!CALLING_PACKAGES.has(pkg)) return;
  for (const key of ['firstName', 'lastName'] as const) {
    const given = resolved[key];
    const value = given !== undefined && given !== current?.[key] ? given : packageChanges ? current?.[key] : undefined;
    if (value === undefined) continue;
    const problem = callingNameProblem(value);
    if (problem === undefined) continue;
    const whose = given === undefined ? ` (the user's ${COLUMNS[key]} now, who moves to ${PACKAGE_COLUMN[pkg]})` : '';
    issues.push(rowError('INVALID_VALUE', `${COLUMNS[key]}: ${problem}${whose}.`, COLUMNS[key]));
  }
}

function listOf(names: ReadonlyMap<string, string>): string {
  if (names.size === 0) return ' (it has none yet)';
  const shown = [...names.values()].slice(0, 5).map((n) => quote(n));
  return ` (known: ${shown.join(', ')}${names.size > 5 ? `, and ${names.size - 5} more` : ''})`;
}

/**
 * Without "Add and remove services" Control Hub gives a new user the default basic licences
 * (Cisco's Wholesale help, "Select CSV import behavior"); with it, only what the row marks TRUE.
 */
function defaultLicences(mode: ImportMode): UserAttributes {
  return mode === 'add-only'
    ? { basicMessaging: true, basicSpaceMeetings: true, callingViaWebex: true }
    : { basicMessaging: false, basicSpaceMeetings: false, callingViaWebex: false };
}

/** What a new user gets for the basic licences the row leaves blank, and why, or undefined when the row sets them all. */
function licenceNote(attributes: UserAttributes, ctx: PlanContext): string | undefined {
  const blank = BASIC_LICENCES.filter((key) => attributes[key] === undefined && !ctx.unmanaged.has(key)).map((key) => COLUMNS[key]);
  if (blank.length === 0) return undefined;
  const list = blank.join(', ');
  const plural = blank.length > 1;
  return ctx.mode === 'add-only'
    ? `Added with the default basic licence${plural ? 's' : ''} ${list}: in --mode add-only a new user gets Control Hub's defaults for those not marked TRUE (FALSE is ignored in that mode).`
    : `Added without the basic licence${plural ? 's' : ''} ${list}: ${plural ? 'their cells are' : 'its cell is'} blank, and in --mode add-remove a new user gets only those marked TRUE.`;
}

/**
 * The fields a package needs (the mandatory CSV fields for packages of Cisco's Wholesale help),
 * checked when a user is added or moves to another package (a change to Webex Calling or Suite
 * must carry the number information). A row that keeps the package leaves blank fields as they
 * are. A cell that held a value which could not be read is not blank: its own error says what to fix.
 */
function mandatoryFields(pkg: PackageId, attributes: UserAttributes, unreadable: Draft['unreadable']): Issue[] {
  const issues: Issue[] = [];
  const name = PACKAGE_COLUMN[pkg];
  const given = (key: AttributeKey): boolean => attributes[key] !== undefined || unreadable[key] !== undefined;
  const missing = (column: string, rule: string) =>
    issues.push(rowError('MISSING_MANDATORY_FIELD', `${column} is required: ${rule} (the mandatory CSV fields for packages in ${WHOLESALE_ARTICLE}).`, column));
  if (NEEDS_NUMBER_AND_LOCATION.has(pkg)) {
    if (!given('extension') && !given('phoneNumber')) {
      missing(`${COLUMNS.extension} or ${COLUMNS.phoneNumber}`, `a user who gets ${name} needs an extension or a phone number`);
    }
    if (!given('location')) missing(COLUMNS.location, `a user who gets ${name} needs a location`);
  }
  if (!given('jabberCalling')) missing(COLUMNS.jabberCalling, 'every package needs it set to TRUE or FALSE');
  if (!given('jabberTeams')) missing(COLUMNS.jabberTeams, 'every package needs it set to TRUE or FALSE');
  return issues;
}

const BOOLEAN_KEYS: ReadonlySet<string> = new Set(['jabberCalling', 'jabberTeams', 'basicMessaging', 'basicSpaceMeetings', 'callingViaWebex']);

/** The wanted values that differ from the current ones. A flag never set counts as FALSE. */
function differences(wanted: UserAttributes, current: UserAttributes): UserAttributes {
  const changes: Record<string, unknown> = {};
  for (const key of ATTRIBUTE_KEYS) {
    const value = wanted[key];
    const now = BOOLEAN_KEYS.has(key) ? (current[key] ?? false) : current[key];
    if (value !== undefined && value !== now) changes[key] = value;
  }
  return changes as UserAttributes;
}

/** No Preferred Webex Site is no error, but it causes trouble later (Cisco's Wholesale help): say so. */
function siteWarning(pkg: Parameters<typeof wantsPreferredSite>[0], site: string | undefined): Issue[] {
  if (site !== undefined || !wantsPreferredSite(pkg)) return [];
  return [
    rowWarning(
      'MISSING_PREFERRED_SITE',
      `${COLUMNS.preferredSite} is blank for a ${PACKAGE_COLUMN[pkg]} user: no error, but it can cause problems with the user's meeting site later (${WHOLESALE_ARTICLE}).`,
      COLUMNS.preferredSite,
    ),
  ];
}

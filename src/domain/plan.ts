import { COLUMNS } from './columns.js';
import { rowError, rowWarning, type Issue } from './codes.js';
import { quote } from './fields.js';
import { NEEDS_NUMBER_AND_LOCATION, PACKAGE_COLUMN, wantsPreferredSite, type PackageId } from './packages.js';
import type { ImportMode } from './row.js';
import { ATTRIBUTE_KEYS, type Action, type AttributeKey, type DirectoryUser, type Intent, type Operation, type UserAttributes } from './user.js';

/** What the planner knows about the customer: its id and the names it can refer to. */
export interface PlanContext {
  customerId: string;
  mode: ImportMode;
  /** Lower-case location name → the customer's own spelling. */
  locations: ReadonlyMap<string, string>;
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
  /** Plain words for an ok row that needs explaining (e.g. nothing to remove). */
  note?: string;
}

export function planContext(customerId: string, mode: ImportMode, locations: readonly string[], sites: readonly string[],
  unmanaged: readonly AttributeKey[] = []): PlanContext {
  return {
    customerId,
    mode,
    locations: new Map(locations.map((name) => [name.toLowerCase(), name])),
    sites: new Map(sites.map((url) => [url.toLowerCase(), url])),
    unmanaged: new Set(unmanaged),
  };
}

/**
 * Compares what a row asks for with the user as the target holds it now, and decides the
 * action: add, modify (only the fields that differ), remove, or unchanged. Pure.
 */
export function planRow(intent: Intent, current: DirectoryUser | undefined, ctx: PlanContext): Plan {
  if (intent.kind === 'remove') return planRemoval(intent.email, current, ctx);

  const issues: Issue[] = [];
  const resolved = resolveNames(intent.attributes, ctx, issues);
  if (issues.length > 0) return { action: 'none', issues };
  // Mandatory fields are checked on what the row says; only what the target holds is planned.
  const attributes = managed(resolved, ctx);

  if (current === undefined) {
    if (intent.package === undefined) {
      return {
        action: 'none',
        issues: [
          rowError(
            'NO_PACKAGE_FOR_NEW_USER',
            `${intent.email} is not a user of this customer yet, and every package column is blank; mark exactly one package TRUE to add the user.`,
          ),
        ],
      };
    }
    const missing = mandatoryFields(intent.package, resolved);
    if (missing.length > 0) return { action: 'none', issues: missing };
    // Object.assign, not spread: V8's spread of these small objects cost ten times as much (profiled).
    const added: UserAttributes = Object.assign(defaultLicences(ctx.mode), attributes);
    return {
      action: 'add',
      op: { kind: 'add', customerId: ctx.customerId, email: intent.email, package: intent.package, attributes: added },
      issues: siteWarning(intent.package, added.preferredSite),
    };
  }

  const packageChanges = intent.package !== undefined && intent.package !== current.package;
  if (packageChanges && current.isFullAdmin) {
    return {
      action: 'none',
      issues: [
        rowError(
          'FULL_ADMIN_PROTECTED',
          `${intent.email} is the customer's full admin, whose package (${PACKAGE_COLUMN[current.package]}) cannot change to ${PACKAGE_COLUMN[intent.package!]} (seed 003: no package downgrade for the full admin).`,
        ),
      ],
    };
  }
  if (packageChanges) {
    const missing = mandatoryFields(intent.package!, resolved);
    if (missing.length > 0) return { action: 'none', issues: missing };
  }
  const changes = differences(attributes, current);
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
      issues: [rowError('FULL_ADMIN_PROTECTED', `${email} is the customer's full admin and cannot be removed (seed 003).`)],
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
    } else resolved.location = known;
  }
  if (attributes.preferredSite !== undefined) {
    const known = ctx.sites.get(attributes.preferredSite.toLowerCase());
    if (known === undefined) {
      issues.push(rowError('SITE_NOT_FOUND', `${COLUMNS.preferredSite}: ${quote(attributes.preferredSite)} is not a Webex site of this customer${listOf(ctx.sites)}.`, COLUMNS.preferredSite));
    } else resolved.preferredSite = known;
  }
  return resolved;
}

function listOf(names: ReadonlyMap<string, string>): string {
  if (names.size === 0) return ' (it has none yet)';
  const shown = [...names.values()].slice(0, 5).map((n) => quote(n));
  return ` (known: ${shown.join(', ')}${names.size > 5 ? `, and ${names.size - 5} more` : ''})`;
}

/** Without "Add and remove services" Control Hub gives a new user the basic licences (seed 004). */
function defaultLicences(mode: ImportMode): UserAttributes {
  return mode === 'add-only'
    ? { basicMessaging: true, basicSpaceMeetings: true, callingViaWebex: true }
    : { basicMessaging: false, basicSpaceMeetings: false, callingViaWebex: false };
}

/**
 * Seed 004, table 1: the fields a package needs, checked when a user is added or moves to
 * another package (seed 004: "a change to Webex Calling or Webex Suite: update the phone number
 * information"). A row that keeps the package leaves blank fields as they are.
 */
function mandatoryFields(pkg: PackageId, attributes: UserAttributes): Issue[] {
  const issues: Issue[] = [];
  const name = PACKAGE_COLUMN[pkg];
  const missing = (column: string, rule: string) =>
    issues.push(rowError('MISSING_MANDATORY_FIELD', `${column} is required: ${rule} (seed 004, table 1).`, column));
  if (NEEDS_NUMBER_AND_LOCATION.has(pkg)) {
    if (attributes.extension === undefined && attributes.phoneNumber === undefined) {
      missing(`${COLUMNS.extension} or ${COLUMNS.phoneNumber}`, `a user who gets ${name} needs an extension or a phone number`);
    }
    if (attributes.location === undefined) missing(COLUMNS.location, `a user who gets ${name} needs a location`);
  }
  if (attributes.jabberCalling === undefined) missing(COLUMNS.jabberCalling, 'every package needs it set to TRUE or FALSE');
  if (attributes.jabberTeams === undefined) missing(COLUMNS.jabberTeams, 'every package needs it set to TRUE or FALSE');
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

/** Seed 004: no Preferred Webex Site is no error, but it causes trouble later: say so. */
function siteWarning(pkg: Parameters<typeof wantsPreferredSite>[0], site: string | undefined): Issue[] {
  if (site !== undefined || !wantsPreferredSite(pkg)) return [];
  return [
    rowWarning(
      'MISSING_PREFERRED_SITE',
      `${COLUMNS.preferredSite} is blank for a ${PACKAGE_COLUMN[pkg]} user: no error, but it can cause problems with the user's meeting site later (seed 004).`,
      COLUMNS.preferredSite,
    ),
  ];
}

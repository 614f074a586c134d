import { COLUMNS, type ColumnKey } from './columns.js';
import { rowError, rowNote, rowWarning, type Issue } from './codes.js';
import {
  emailKey,
  parseBoolean,
  parseEmail,
  parseExtension,
  parseSite,
  parseText,
  type Parsed,
} from './fields.js';
import { PACKAGE_COLUMN, PACKAGES, type PackageId } from './packages.js';
import { readPhoneNumber } from './phone.js';
import type { AttributeKey, Intent, UserAttributes } from './user.js';

/** Where each known column sits in a record, and how many fields a record should have. */
export interface RowLayout {
  index: Partial<Record<ColumnKey, number>>;
  width: number;
  /** Columns whose values are ignored (unknown or read-only columns): a row says which held values. */
  ignored?: ReadonlyArray<{ at: number; name: string }>;
}

/** What the rows are read against: facts of the customer that do not depend on the user. */
export interface RowRules {
  /** Lower-case location name → ISO country: the region a national phone number is read in. */
  countries: ReadonlyMap<string, string>;
}

const NO_RULES: RowRules = { countries: new Map() };

/**
 * `add-remove` (the default) honours FALSE: a FALSE basic licence is removed, all packages
 * FALSE removes the user. `add-only` ignores every FALSE, as Control Hub's "Add services only"
 * does ("No services will be removed").
 */
export type ImportMode = 'add-remove' | 'add-only';

export interface ValidatedRow {
  /** The e-mail as written (trimmed), '' when blank. */
  email: string;
  /** The lower-case key of a valid e-mail, for duplicate checks and lookups. */
  key?: string;
  /** Set when the row has no error. Absent for an error row and for an ignored removal. */
  intent?: Intent;
  issues: Issue[];
  /**
   * For a row with errors whose e-mail could be read: what could be read of it, so planning can
   * find the row's other problems too (it is never applied).
   */
  draft?: Draft;
}

/** What could be read of a row with errors. */
export interface Draft {
  intent: Intent;
  /** Cells that held a value which could not be read, by attribute, as written: not blank to the planner. */
  unreadable: Partial<Record<AttributeKey, string>>;
  /** The package columns could not be read (not TRUE/FALSE, several TRUE, a partial removal). */
  packageUnread: boolean;
}

const NAME_MAX = 128;
const LOCATION_MAX = 80;

type TextKey = 'firstName' | 'lastName' | 'displayName' | 'location';
type BoolKey = 'jabberCalling' | 'jabberTeams' | 'basicMessaging' | 'basicSpaceMeetings' | 'callingViaWebex';

const TEXT_FIELDS: ReadonlyArray<[TextKey, number]> = [
  ['firstName', NAME_MAX],
  ['lastName', NAME_MAX],
  ['displayName', NAME_MAX],
  ['location', LOCATION_MAX],
];
const BOOL_FIELDS: readonly BoolKey[] = ['jabberCalling', 'jabberTeams', 'basicMessaging', 'basicSpaceMeetings', 'callingViaWebex'];
const BASIC_LICENCE_FIELDS: ReadonlySet<BoolKey> = new Set(['basicMessaging', 'basicSpaceMeetings', 'callingViaWebex']);

/**
 * Validates one record against the field rules and the package columns (one package per user,
 * all FALSE = remove; Cisco's Wholesale CSV import). The mandatory fields depend on whether the
 * user exists, so the planner checks them. A phone number is read in the country of the row's
 * location (`rules`); written nationally in a row without a location, it is left as digits for
 * the planner, who knows the user's location. Pure: nothing about the user is known here.
 */
export function validateRow(cells: readonly string[], layout: RowLayout, mode: ImportMode, rules: RowRules = NO_RULES): ValidatedRow {
  const cell = (key: ColumnKey): string => {
    const at = layout.index[key];
    return at === undefined ? '' : (cells[at] ?? '');
  };
  const rawEmail = cell('email').trim();

  if (cells.length !== layout.width) {
    const hint = cells.length > layout.width ? '; a comma or delimiter inside a value must be in double quotes' : '';
    return {
      email: rawEmail,
      issues: [rowError('WRONG_FIELD_COUNT', `The row has ${cells.length} fields but the header has ${layout.width}${hint}.`)],
    };
  }

  const issues: Issue[] = [];
  const fail = (code: Parameters<typeof rowError>[0], key: ColumnKey, reason: string) =>
    issues.push(rowError(code, `${COLUMNS[key]}: ${reason}.`, COLUMNS[key]));

  let email = '';
  let key: string | undefined;
  if (rawEmail === '') {
    issues.push(rowError('MISSING_EMAIL', `${COLUMNS.email} is blank; every row needs the user's e-mail.`, COLUMNS.email));
  } else {
    const parsed = parseEmail(rawEmail);
    if (parsed.ok) {
      email = parsed.value;
      key = emailKey(parsed.value);
    } else fail('INVALID_EMAIL', 'email', parsed.reason);
  }

  const attributes: UserAttributes = {};
  const unreadable: Partial<Record<AttributeKey, string>> = {};
  const take = <T>(field: AttributeKey, parse: (raw: string) => Parsed<T>, code: Parameters<typeof rowError>[0]): T | undefined => {
    const raw = cell(field);
    if (raw.trim() === '') return undefined;
    const parsed = parse(raw);
    if (parsed.ok) return parsed.value;
    fail(code, field, parsed.reason);
    unreadable[field] = raw;
    return undefined;
  };

  for (const [field, max] of TEXT_FIELDS) {
    const value = take(field, (raw) => parseText(raw, max), 'INVALID_VALUE');
    if (value !== undefined) attributes[field] = value;
  }
  const extension = take('extension', parseExtension, 'INVALID_EXTENSION');
  if (extension !== undefined) attributes.extension = extension;
  const region = attributes.location === undefined ? undefined : rules.countries.get(attributes.location.toLowerCase());
  const phoneNumber = take('phoneNumber', (raw) => readPhoneNumber(raw, region), 'INVALID_PHONE_NUMBER');
  if (phoneNumber !== undefined) attributes.phoneNumber = phoneNumber;
  const site = take('preferredSite', parseSite, 'INVALID_VALUE');
  if (site !== undefined) attributes.preferredSite = site;
  for (const field of BOOL_FIELDS) {
    const value = take(field, parseBoolean, 'INVALID_BOOLEAN');
    // add-only ignores FALSE for the basic licences: nothing is ever taken away in that mode.
    if (value === undefined || (mode === 'add-only' && value === false && BASIC_LICENCE_FIELDS.has(field))) continue;
    attributes[field] = value;
  }

  const packages = readPackages(cell, layout, issues);
  const valid = issues.length === 0;
  const ignored = layout.ignored?.filter(({ at }) => (cells[at] ?? '').trim() !== '');
  if (ignored !== undefined && ignored.length > 0) {
    issues.push(rowNote('IGNORED_CELLS', `Ignored (bulkhub does not read these columns): ${ignored.map(({ name }) => JSON.stringify(name)).join(', ')}.`));
  }
  const row: ValidatedRow = { email: rawEmail, issues };
  if (key === undefined) return row;
  row.key = key;
  if (valid) row.email = email;

  let intent: Intent;
  if (packages.kind === 'remove') {
    if (mode === 'add-only' && valid) {
      issues.push(rowWarning(
        'REMOVAL_IGNORED',
        'Every package column is FALSE, which removes the user, but --mode add-only never removes anything; nothing was done. Run with --mode add-remove to remove the user.',
      ));
      return row;
    }
    intent = { kind: 'remove', email: key };
  } else {
    const pkg = packages.kind === 'set' ? packages.package : undefined;
    intent = pkg === undefined ? { kind: 'set', email: key, attributes } : { kind: 'set', email: key, package: pkg, attributes };
  }
  if (valid) row.intent = intent;
  else row.draft = { intent, unreadable, packageUnread: packages.kind === 'invalid' };
  return row;
}

type PackageCells = { kind: 'set'; package: PackageId } | { kind: 'remove' } | { kind: 'blank' } | { kind: 'invalid' };

/** One TRUE: that package. All five FALSE: remove. All blank: attributes only. */
function readPackages(cell: (key: ColumnKey) => string, layout: RowLayout, issues: Issue[]): PackageCells {
  const trueOnes: PackageId[] = [];
  let falseCount = 0;
  let invalid = false;
  for (const pkg of PACKAGES) {
    if (layout.index[pkg] === undefined || cell(pkg).trim() === '') continue;
    const parsed = parseBoolean(cell(pkg));
    if (!parsed.ok) {
      issues.push(rowError('INVALID_BOOLEAN', `${PACKAGE_COLUMN[pkg]}: ${parsed.reason}.`, PACKAGE_COLUMN[pkg]));
      invalid = true;
    } else if (parsed.value) trueOnes.push(pkg);
    else falseCount++;
  }
  if (invalid) return { kind: 'invalid' };
  if (trueOnes.length > 1) {
    const names = trueOnes.map((p) => PACKAGE_COLUMN[p]).join(', ');
    issues.push(rowError('MULTIPLE_PACKAGES', `A user has exactly one package, but ${trueOnes.length} package columns are TRUE: ${names}.`));
    return { kind: 'invalid' };
  }
  if (trueOnes.length === 1) return { kind: 'set', package: trueOnes[0]! };
  if (falseCount === 0) return { kind: 'blank' };
  if (falseCount === PACKAGES.length) return { kind: 'remove' };
  issues.push(
    rowError(
      'PARTIAL_REMOVAL',
      `${falseCount} of the ${PACKAGES.length} package columns are FALSE and the others blank or missing. ` +
        `To remove the user set all five (${PACKAGES.map((p) => PACKAGE_COLUMN[p]).join(', ')}) to FALSE; ` +
        'to change only attributes leave them all blank; to set a package mark one TRUE.',
    ),
  );
  return { kind: 'invalid' };
}

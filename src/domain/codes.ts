/**
 * Every code the tool writes into a report or prints for a refused file, with what it means.
 * The list is closed: reports, tests and the README all read it from here, and the codes are
 * stable (scripts match on them).
 */
export const FILE_CODES = {
  UNREADABLE_INPUT: 'The input file cannot be read (missing, a directory, or no permission).',
  EMPTY_FILE: 'The file is empty or holds only blank lines.',
  NOT_A_CSV: 'The file is an old .xls or protected workbook, an archive or another binary format (an .xlsx is read as a workbook).',
  UNSUPPORTED_ENCODING: 'The file is UTF-16 (or another non-UTF-8 encoding with a byte order mark).',
  INVALID_ENCODING: 'The file holds bytes that are not UTF-8 (for example Windows-1252).',
  UNCLOSED_QUOTE: 'A quoted field is never closed: every line after it would be misread.',
  INVALID_QUOTE: 'A quote appears inside an unquoted field, or text follows a closing quote.',
  RECORD_TOO_LARGE: 'One record is larger than the limit (usually a runaway quote).',
  TOO_MANY_COLUMNS: 'The header has more columns than the limit.',
  MISSING_EMAIL_COLUMN: 'The header has no "User ID/Email (Required)" column.',
  DUPLICATE_COLUMN: 'Two header cells name the same column.',
  AMBIGUOUS_DELIMITER: 'The header line does not tell which delimiter the file uses.',
  BAD_HEADER_MAP: 'The --header-map file is not valid.',
  UNREADABLE_PACKAGE_COLUMN: 'A header looks like a package column but cannot be read as one (a typo, or a bracket never closed).',
  READER_FAILED: 'The reading of the file stopped (out of memory or a crash of the reader); nothing was applied.',
  NOT_A_WORKBOOK: 'The file is a ZIP archive but not a readable Excel workbook (.xlsx): damaged, or another format.',
  SHEET_NOT_FOUND: 'The workbook has no sheet of the name --sheet gives.',
  FORMULA_WITHOUT_VALUE: 'A cell holds a formula with no saved result (bulkhub never runs formulas).',
} as const;

export const ROW_CODES = {
  WRONG_FIELD_COUNT: 'The row has more or fewer fields than the header.',
  MISSING_EMAIL: 'The "User ID/Email (Required)" cell is blank.',
  INVALID_EMAIL: 'The e-mail address is not valid.',
  INVALID_BOOLEAN: 'A TRUE/FALSE column holds something else.',
  INVALID_PHONE_NUMBER: 'The phone number is not a valid number (read in the country of the user\'s location).',
  INVALID_EXTENSION: 'The extension is not 2 to 10 digits.',
  EXTENSION_RESERVED: 'The extension is an emergency number in the country of the user\'s location; Webex refuses it (error 4911).',
  INVALID_VALUE: 'A text value holds hidden characters or line breaks, is too long, or is a name Webex refuses for a Webex Calling user.',
  SPREADSHEET_DAMAGE: 'The value is the user\'s current one as a spreadsheet damages it (leading zeros or "+" dropped, scientific notation).',
  MULTIPLE_PACKAGES: 'More than one package column is TRUE: a user has exactly one package.',
  PARTIAL_REMOVAL: 'Some package columns are FALSE and the rest blank: intent is unclear.',
  MISSING_MANDATORY_FIELD: 'A field the package requires is blank (Cisco\'s table of mandatory CSV fields for packages).',
  DUPLICATE_EMAIL: 'The same e-mail appears on more than one row of the file.',
  DUPLICATE_PHONE_NUMBER: 'The same phone number is given to more than one row of the file.',
  DUPLICATE_EXTENSION: 'The same extension is given to more than one row in one location.',
  NO_PACKAGE_FOR_NEW_USER: 'The user does not exist yet and the row sets no package.',
  USER_IN_OTHER_CUSTOMER: 'The e-mail is already a user of another customer; a Webex account belongs to one organisation.',
  LOCATION_NOT_FOUND: 'The location does not exist in the customer.',
  SITE_NOT_FOUND: 'The preferred Webex site does not exist in the customer.',
  FULL_ADMIN_PROTECTED: "The customer's full admin cannot be removed or moved to another package.",
  EXTENSION_IN_USE: 'Another user of the location already has this extension.',
  PHONE_NUMBER_IN_USE: 'Another user of the customer already has this phone number.',
  USER_EXISTS: 'The user was added by someone else in the meantime.',
  USER_NOT_FOUND: 'The user was removed by someone else in the meantime.',
  BACKEND_ERROR: 'The target refused or failed the change; the message has its words.',
  NOT_A_CALLING_USER: 'Webex: an extension, phone number or location for a user whose package has no calling (Webex Meetings).',
  PARTLY_APPLIED: 'Webex refused a change after applying part of it; the message says what landed and what did not.',
} as const;

export const WARNING_CODES = {
  MISSING_PREFERRED_SITE: 'No Preferred Webex Site: no error, but the meeting site may misbehave later.',
  REMOVAL_IGNORED: 'All packages FALSE in add-only mode: nothing is removed in that mode.',
  UNKNOWN_COLUMN: 'Columns whose values are ignored (unknown ones, and the read-only columns of a Control Hub export).',
  DECORATED_COLUMN: 'A service column is named with a decoration such as "(Suspended)"; it is read as that column.',
  PHONE_NUMBER_COUNTRY: 'The phone number belongs to another country than the user\'s location.',
  BLANK_LINES: 'Blank lines were skipped.',
  NO_DATA_ROWS: 'The file has a header and no data rows.',
  PENDING_USER_MIGRATION: 'Webex: the user has an account elsewhere and must accept the move by e-mail first.',
} as const;

/** Notes: said in a row's message, never its status or code. */
export const NOTE_CODES = {
  IGNORED_CELLS: 'The row holds values in columns bulkhub does not read; its message names them.',
} as const;

export const RUN_CODES = {
  REMOVAL_GUARD: 'More removals than the guard allows (over 10 users and over 10%); nothing applied.',
  CUSTOMER_NOT_FOUND: 'The customer id is not known to the target.',
  INPUT_CHANGED: 'The file changed since the run being resumed started.',
  RUN_IN_PROGRESS: 'Another import of the same customer and target is running right now (one at a time), or another process is applying this run.',
  RUN_NOT_FOUND: 'No run with that id.',
  BAD_ARGUMENTS: 'The command line is not valid.',
  TARGET_UNAVAILABLE: 'The target cannot be reached.',
  NO_PUBLIC_API: 'Webex has no public API for this command (a Partner Hub or Control Hub wizard); it works only on the embedded directory.',
  RUN_OPTIONS_DIFFER: 'An unfinished run of this file was started with other options: resume it as it was (--resume RUN_ID) or start a new run (--new-run).',
  REPORTS_EXIST: 'The --out folder already holds reports of another run; they are never overwritten silently.',
} as const;

/**
 * Faults of the environment: the disk, the database file, the machine. Found before the first
 * change they refuse the command (exit 2); once a run has begun they stop it, unfinished and
 * resumable (exit 3, or 128 + the signal's number for INTERRUPTED).
 */
export const FAULT_CODES = {
  STORAGE_FULL: 'No space left on the disk of the database or the report folder (or a disk quota was reached).',
  NOT_WRITABLE: 'The database, its folder or the report folder cannot be written (a read-only file system, or permissions).',
  NOT_A_BULKHUB_DATABASE: "The --db file is not a SQLite database, or is another application's: bulkhub writes nothing into it.",
  DATABASE_CORRUPT: 'The database file is damaged.',
  DATABASE_BUSY: 'Another process kept the database locked for too long.',
  IO_ERROR: 'The disk reported an input/output error.',
  INTERRUPTED: 'Stopped by SIGINT, SIGTERM or SIGHUP at the next safe point; the run resumes where it stopped.',
  INTERNAL_ERROR: 'Something unexpected stopped the command (a defect of bulkhub); --log-level debug shows where.',
} as const;

/**
 * Refusals of the provisioning commands (organisations, subscriptions, services, templates,
 * customer setup). Like RUN_CODES they stop the command with exit code 2 and change nothing;
 * PSTN_NOT_ADVISED is the one warning: printed, and the command goes on.
 */
export const PROVISIONING_CODES = {
  ORGANISATION_NOT_FOUND: 'No organisation with that id.',
  ORGANISATION_CHOICE_NEEDED: 'The finder found candidate organisations (or none): say which one to use, or to create one.',
  SUBSCRIPTION_NOT_FOUND: 'No subscription with that id.',
  SUBSCRIPTION_STATE: 'The subscription is not in a state that allows this step (not mapped yet, already mapped or provisioned).',
  LICENCES_DO_NOT_ADD_UP: "The sites' Meetings licences do not add up to the subscription's Meetings licences.",
  TEMPLATE_NOT_FOUND: 'No onboarding template with that provisioning ID.',
  LOCATION_NOT_ATTESTED: 'A customer is created only with the attestation that it is in a Webex-supported location.',
  NUMBER_POOL_EXHAUSTED: 'The number pool has fewer free numbers than users who need one.',
  CUSTOMER_PROVISIONING_FAILED: 'Webex refused the new customer, or its provisioning ended in error; the message has the Webex error details.',
  CUSTOMER_STILL_PROVISIONING: 'The Webex customer did not finish provisioning (or waits for Webex review) within the timeout; check it again later.',
  PSTN_NOT_ADVISED: '(warning) The template names a Cloud Connected PSTN provider; the vendor advises against it.',
} as const;

/**
 * Refusals of the directory's upkeep (renaming or removing a location or site, deleting a
 * customer or a template): something still depends on it. Exit code 2, nothing changed.
 */
export const UPKEEP_CODES = {
  LOCATION_IN_USE: 'Users are in the location: it cannot be renamed or removed while they are.',
  SITE_IN_USE: 'Users have the Meetings site as their preferred site: it cannot be renamed or removed while they do.',
  CUSTOMER_IN_USE: 'The customer still has users besides its full admin, or is being imported right now: it cannot be deleted.',
  TEMPLATE_IN_USE: 'Customers were created from the onboarding template: it cannot be deleted while they exist.',
} as const;

export type FileCode = keyof typeof FILE_CODES;
export type RowCode = keyof typeof ROW_CODES;
export type WarningCode = keyof typeof WARNING_CODES;
export type NoteCode = keyof typeof NOTE_CODES;
export type RunCode = keyof typeof RUN_CODES;
export type ProvisioningCode = keyof typeof PROVISIONING_CODES;
export type FaultCode = keyof typeof FAULT_CODES;
export type UpkeepCode = keyof typeof UPKEEP_CODES;
export type Code = FileCode | RowCode | WarningCode | NoteCode | RunCode | ProvisioningCode | FaultCode | UpkeepCode;

/** A problem with one row (or, for file warnings, with the file), or a note about it. */
export interface Issue {
  code: RowCode | WarningCode | NoteCode;
  /** An error stops the row; a warning lets it be applied; a note is only said. */
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** The column the problem is in, by its canonical name, when there is one. */
  column?: string;
}

export function rowError(code: RowCode, message: string, column?: string): Issue {
  return column === undefined ? { code, severity: 'error', message } : { code, severity: 'error', message, column };
}

export function rowWarning(code: WarningCode, message: string, column?: string): Issue {
  return column === undefined
    ? { code, severity: 'warning', message }
    : { code, severity: 'warning', message, column };
}

/** A note for the row's message: it changes neither its status nor its code. */
export function rowNote(code: NoteCode, message: string): Issue {
  return { code, severity: 'info', message };
}

/**
 * A problem that stops a whole run before anything changes: a file that cannot be trusted, a
 * run that cannot go on. The CLI turns it into exit code 2.
 */
/** The codes a whole command can stop with (exit 2). Upkeep names a location or site it cannot find with the row codes. */
export type RefusalCode = FileCode | RunCode | ProvisioningCode | FaultCode | UpkeepCode | Extract<RowCode, 'LOCATION_NOT_FOUND' | 'SITE_NOT_FOUND'>;

export class RunRefused extends Error {
  readonly code: RefusalCode;
  readonly line: number | undefined;
  readonly column: string | undefined;

  constructor(code: RefusalCode, message: string, where: { line?: number; column?: string } = {}) {
    super(message);
    this.name = 'RunRefused';
    this.code = code;
    this.line = where.line;
    this.column = where.column;
  }

  /**
   * The message with where it happened (`(line 3, column "Location")`), leaving out what the
   * message already says: never "Line 2 ... (line 2)".
   */
  describe(): string {
    return this.message + whereNotSaid(this.message, this.line, this.column);
  }
}

/**
 * ` (line 3, column "Location")`: where a problem is, leaving out what its message already says,
 * so a message never reads "Line 2 ... (line 2)". '' when the message says it all.
 */
export function whereNotSaid(message: string, line: number | undefined, column: string | undefined): string {
  const parts: string[] = [];
  if (line !== undefined && !new RegExp(`\\bline ${line}\\b`, 'i').test(message)) parts.push(`line ${line}`);
  if (column !== undefined && column !== '' && !message.includes(`"${column}"`)) parts.push(`column "${column}"`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

/**
 * A run that began and was stopped part-way by a fault (the disk, the database, the target
 * refusing the token) or a signal. Nothing is half-done: every line is either recorded or will
 * be settled against the target when the run is resumed. The CLI prints how to resume it.
 */
export class RunStopped extends Error {
  readonly runId: string;

  constructor(
    readonly code: RefusalCode,
    message: string,
    /** The run, as much of it as the command that resumes it names. */
    readonly run: { id: string; inputFile: string; customerId: string; backend: string },
    /** Set when a signal stopped the run. */
    readonly signal?: NodeJS.Signals,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RunStopped';
    this.runId = run.id;
  }
}

/** A number option's value as a refusal shows it: yargs reads `abc` for a number option as NaN, which says nothing to a person. */
export function shownNumber(value: unknown): string {
  if (typeof value === 'number' && Number.isNaN(value)) return 'something that is not a number';
  return JSON.stringify(value) ?? String(value);
}

import type { Db } from '../db/open.js';
import type { Issue, RowCode, WarningCode } from '../domain/codes.js';
import type { AttributeKey, DirectoryUser, Operation } from '../domain/user.js';

/** What the planner needs to know about the customer before it plans any row. */
export interface CustomerFacts {
  customerId: string;
  name: string;
  /** Location names of the customer (compared case-insensitively). */
  locations: string[];
  /** Meetings site URLs of the customer, e.g. `acme.webex.com`. */
  sites: string[];
  /** How many users the customer has now: the base of the removal guard. */
  userCount: number;
}

/**
 * The outcome of one operation. A refused change is data, not an exception. An accepted one
 * may carry a warning the row must show (Webex: the user must first accept the move).
 */
export type OperationResult =
  | { status: 'ok'; id?: string; note?: string; warning?: { code: WarningCode; message: string } }
  | { status: 'error'; code: RowCode; message: string };

/**
 * A target the import plans against and applies to: the embedded directory, or Webex itself.
 * Shaped for a remote API: everything is async, current state is looked up in batches of
 * e-mails, and every operation gets its own result (one failure never fails its neighbours).
 */
export interface Backend {
  readonly name: string;

  /**
   * Optional: attributes the target has no way to hold (Webex has no public API for the Jabber
   * columns). The planner still validates them but never compares nor sends them.
   */
  readonly unmanaged?: readonly AttributeKey[];

  /**
   * Optional: the target's own rules for a planned change, beyond seed 004's (pure; Webex:
   * src/domain/webex-rules.ts). An error among them stops the row at planning, so the dry run
   * sees it too.
   */
  readonly rules?: (op: Operation, current: DirectoryUser | undefined) => Issue[];

  /**
   * The customer's locations, sites and user count. Rejects with `RunRefused`
   * (`CUSTOMER_NOT_FOUND`) when the customer does not exist.
   */
  getCustomer(customerId: string): Promise<CustomerFacts>;

  /**
   * The current state of the users with these e-mails (lower-case), keyed by lower-case e-mail.
   * Users who do not exist are simply absent from the map. Callers pass at most
   * `lookupBatchSize` e-mails at a time.
   */
  findUsers(customerId: string, emails: readonly string[]): Promise<Map<string, DirectoryUser>>;

  /**
   * Applies one operation. Never rejects for a refused change: returns an error result. Rejects
   * with `TargetUnavailable` when the target can no longer be used at all (a refused token).
   */
  apply(op: Operation): Promise<OperationResult>;

  /**
   * Optional: applies many operations as one unit of work, a result per operation, in order.
   * A local target implements it to commit a whole window at once; the import falls back to
   * `apply` with bounded concurrency when it is absent.
   */
  applyMany?(ops: readonly Operation[]): Promise<OperationResult[]>;

  /**
   * Optional: the SQLite connection the target itself writes to (the embedded directory). When
   * it is the run journal's own connection, the import commits a window's changes together with
   * their outcomes, so no line is ever left in doubt.
   */
  database?: Db;

  /**
   * Optional: asks the target whether an operation would succeed, changing nothing (Webex:
   * POST /wholesale/subscribers/validate). `--dry-run --precheck` calls it for every planned add.
   */
  precheck?(op: Operation): Promise<OperationResult>;

  /** Optional: tags the changes that follow with the run making them, for the target's audit trail. */
  tagRun?(runId: string): void;

  /** Writes every user of the customer to `onUser`, in e-mail order. */
  listUsers(customerId: string, onUser: (user: DirectoryUser) => void): Promise<void>;

  close(): Promise<void>;
}

/**
 * The target as a whole can no longer be used (Webex: the token was refused, HTTP 401). `apply`
 * rejects with it instead of returning a row's error: it is never a row's final status. The
 * import stops the run where it is, resumable, and a later run with a valid token goes on.
 */
export class TargetUnavailable extends Error {
  override readonly name = 'TargetUnavailable';
  readonly code = 'TARGET_UNAVAILABLE';
}

/** How many e-mails one `findUsers` call may carry (Webex pages hold at most 100). */
export const LOOKUP_BATCH_SIZE = 100;

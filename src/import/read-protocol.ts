import type { Delimiter } from '../csv/sniff.js';
import type { Issue, RunRefused } from '../domain/codes.js';
import type { ImportMode } from '../domain/row.js';
import type { Intent } from '../domain/user.js';
import type { InputFormat } from './row-source.js';

/** What the reader thread is asked to read (its workerData). */
export interface ReadRequest {
  file: string;
  mode: ImportMode;
  /** Lines per batch at most. */
  batchSize: number;
  /** Characters of cells per batch at most (a batch ends early when its cells reach this). */
  batchChars: number;
  delimiter?: Delimiter;
  extraAliases?: Record<string, string>;
  /** The workbook's sheet to read. */
  sheet?: string;
}

/**
 * One validated row: line, e-mail as written, key (valid e-mail only), the intent (valid rows
 * only), and the row's issues (null when there are none).
 */
export type RowTuple = [line: number, email: string, key: string | null, intent: Intent | null, issues: Issue[] | null];

/** Reader thread → main thread, in this order: opened, rows…, then end (or refused / failed at any point). */
export type ToMain =
  | { kind: 'opened'; format: InputFormat; sheet?: string; header: string[]; columns: Array<string | null>; unknownColumns: string[]; delimiter: Delimiter; fileSize: number }
  /**
   * A batch as two JSON texts: `rows` the RowTuples, `cells` the rows' cells in the same order
   * (the form the journal stores). One string crosses between threads for the price of a copy;
   * an array of objects is cloned field by field, which cost more than the validating.
   */
  | { kind: 'rows'; rows: string; cells: string; bytesRead: number }
  /** `inputHash`: SHA-256 of every byte read, in the same pass (`sha256:` + hex). */
  | { kind: 'end'; blankLines: number; bytesRead: number; inputHash: string }
  | { kind: 'refused'; code: RunRefused['code']; message: string; line?: number; column?: string }
  | { kind: 'failed'; message: string; stack?: string };

/** Main thread → reader thread: a batch was taken, the reader may run further ahead. */
export type ToReader = { kind: 'ack' };

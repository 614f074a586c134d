import type { Cut } from '../csv/cut.js';
import type { Delimiter } from '../csv/sniff.js';
import type { RunRefused } from '../domain/codes.js';
import type { ImportMode } from '../domain/row.js';
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
  /** Lower-case location name → ISO country (CustomerFacts.locationCountries): national numbers are read in it. */
  countries?: Record<string, string>;
  /** The workbook's sheet to read. */
  sheet?: string;
  /**
   * A CSV split across two reader threads (read-rows.ts): `first` reads from the start up to the
   * cut, which it is sent (ToReader `cut`) and waits for only once it reads past `after`; `second`
   * finds the cut (csv/cut.ts) at or after `target`, says where it is (ToMain `cut`), and reads
   * from there to the end.
   */
  part?: { role: 'first'; after: number } | { role: 'second'; target: number; searchBytes: number };
}

/** Reader thread → main thread, in this order: opened, rows…, then end (or refused / failed at any point). */
export type ToMain =
  | { kind: 'opened'; format: InputFormat; sheet?: string; header: string[]; columns: Array<string | null>; unknownColumns: string[]; ignoredColumns: string[];
      decoratedColumns: Array<{ name: string; column: string }>; delimiter: Delimiter; fileSize: number }
  /**
   * A batch as two JSON texts: `rows` the rows as batch-wire.ts encodes them, `cells` the rows' cells in the same order
   * (the form the journal stores). One string crosses between threads for the price of a copy;
   * an array of objects is cloned field by field, which cost more than the validating.
   */
  | { kind: 'rows'; rows: string; cells: string; bytesRead: number }
  /** `inputHash`: SHA-256 of every byte read, in the same pass (`sha256:` + hex). */
  | { kind: 'end'; blankLines: number; bytesRead: number; inputHash: string }
  /** From the second part's reader: where the file is cut (null: nowhere; the first part's reader reads it all). */
  | { kind: 'cut'; cut: Cut | null }
  | { kind: 'refused'; code: RunRefused['code']; message: string; line?: number; column?: string }
  | { kind: 'failed'; message: string; stack?: string };

/** Main thread → reader thread: a batch was taken, the reader may run further ahead. */
export type ToReader = { kind: 'ack' } | { kind: 'cut'; byte: number | null };

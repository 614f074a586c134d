import type { Delimiter } from '../csv/sniff.js';
import type { ImportMode } from '../domain/row.js';
import { DuplicateFinder } from '../journal/cross-checks.js';
import type { IngestedRow, RunRows } from '../journal/rows.js';
import type { Progress } from './progress.js';
import { CutNotClean, readValidatedRows } from './read-rows.js';
import type { InputFormat } from './row-source.js';

export interface IngestOptions {
  file: string;
  /** Plans a batch of validated lines before they are written (see plan-stage.ts). */
  plan: (batch: IngestedRow[]) => Promise<void>;
  mode: ImportMode;
  /** False for a dry run: nothing will be applied, so the journal need not keep intents. */
  keepIntent: boolean;
  delimiter?: Delimiter;
  extraAliases?: Record<string, string>;
  /** Lower-case location name → ISO country: the reader reads national phone numbers in it. */
  countries?: Record<string, string>;
  /** The workbook's sheet to read. */
  sheet?: string;
  progress: Progress;
  /** Called between batches: may throw to stop the run there (a signal), with nothing half-written. */
  checkpoint?: () => void;
  /** A regular CSV of at least this many bytes is read by two threads; by default one thread reads every file. */
  splitBytes?: number;
}

export interface IngestResult {
  format: InputFormat;
  sheet?: string;
  header: string[];
  /** Per header cell, the canonical column it is read as, or null when ignored. */
  columns: Array<string | null>;
  delimiter: string;
  unknownColumns: string[];
  /** Columns whose values are ignored: the unknown ones and a Control Hub export's read-only ones. */
  ignoredColumns: string[];
  /** Service columns read through a decoration such as "(Suspended)". */
  decoratedColumns: Array<{ name: string; column: string }>;
  blankLines: number;
  rows: number;
  /** SHA-256 of the bytes read, in the same pass (`sha256:` + hex). */
  inputHash: string;
  /** What the cross-row checks need of every line seen (see cross-checks.ts). */
  duplicates: DuplicateFinder;
}

/**
 * Pass one: reads the whole file, validates and plans every record and writes it to the
 * journal, before anything is applied. A file-level problem (bad bytes at line 900,000, an
 * unclosed quote) stops the run here, with nothing changed. The reading and validating happen
 * on other threads (read-rows.ts) while this one plans and writes; memory holds a few batches.
 * A large file is read by two threads at once, their batches written as they come (the journal
 * keys each by its first line, and the cross-row checks do not depend on the order).
 */
export async function ingest(rows: RunRows, options: IngestOptions): Promise<IngestResult> {
  try {
    return await ingestOnce(rows, options, options.splitBytes ?? Infinity);
  } catch (error) {
    if (!(error instanceof CutNotClean)) throw error;
    // The two parts did not meet cleanly (wrong quotes): what they wrote goes, and one reader reads the file.
    rows.clear();
    return ingestOnce(rows, options, Infinity);
  }
}

async function ingestOnce(rows: RunRows, options: IngestOptions, splitBytes: number): Promise<IngestResult> {
  const { file: path, mode, delimiter, extraAliases, countries, sheet } = options;
  const file = await readValidatedRows({ file: path, mode, delimiter, extraAliases, countries, sheet }, { splitBytes });
  const duplicates = new DuplicateFinder();
  let count = 0;
  options.progress.start('validating', file.fileSize, 'bytes');
  for await (const batch of file.batches) {
    await options.plan(batch.rows);
    duplicates.add(rows.add(batch.rows, batch.cells, options.keepIntent));
    count += batch.rows.length;
    options.progress.update(batch.bytesRead, count);
    options.checkpoint?.();
  }
  options.progress.update(file.end.bytesRead, count);
  options.progress.finish();
  return {
    format: file.format, ...(file.sheet === undefined ? {} : { sheet: file.sheet }), header: file.header, columns: file.columns,
    delimiter: file.delimiter, unknownColumns: file.unknownColumns, ignoredColumns: file.ignoredColumns, decoratedColumns: file.decoratedColumns,
    blankLines: file.end.blankLines, rows: count, inputHash: file.end.inputHash, duplicates,
  };
}

import { openCsv, type OpenedCsv } from '../csv/read.js';
import { validateRow, type ImportMode, type RowLayout } from '../domain/row.js';
import type { IngestedRow, RunRows } from '../journal/rows.js';
import type { Progress } from './progress.js';

export interface IngestOptions {
  file: string;
  /** Plans a batch of validated lines before they are written (see plan-stage.ts). */
  plan: (batch: IngestedRow[]) => Promise<void>;
  mode: ImportMode;
  delimiter?: ',' | ';' | '\t';
  extraAliases?: Record<string, string>;
  progress: Progress;
}

export interface IngestResult {
  header: string[];
  delimiter: string;
  unknownColumns: string[];
  blankLines: number;
  rows: number;
}

const BATCH = 1000;

/**
 * Pass one: reads the whole file, validates and plans every record and writes it to the
 * journal, before anything is applied. A file-level problem (bad bytes at line 900,000, an unclosed quote) stops
 * the run here, with nothing changed. Memory holds one batch of rows at a time.
 */
export async function ingest(rows: RunRows, options: IngestOptions): Promise<IngestResult> {
  const csv = await openCsv(options.file, {
    ...(options.delimiter ? { delimiter: options.delimiter } : {}),
    ...(options.extraAliases ? { extraAliases: options.extraAliases } : {}),
  });
  const layout: RowLayout = { index: csv.header.index, width: csv.header.names.length };
  let batch: IngestedRow[] = [];
  let count = 0;
  options.progress.start('validating', csv.stats.fileSize, 'bytes');
  for await (const record of csv.records) {
    const validated = validateRow(record.cells, layout, options.mode);
    batch.push({ line: record.line, cells: record.cells, ...validated });
    count++;
    if (batch.length >= BATCH) {
      await options.plan(batch);
      rows.add(batch);
      batch = [];
      options.progress.update(csv.stats.bytesRead, count);
    }
  }
  await options.plan(batch);
  rows.add(batch);
  options.progress.update(csv.stats.bytesRead, count);
  options.progress.finish();
  return summarise(csv, count);
}

function summarise(csv: OpenedCsv, rows: number): IngestResult {
  return {
    header: csv.header.names,
    delimiter: csv.delimiter,
    unknownColumns: csv.header.unknown,
    blankLines: csv.stats.blankLines,
    rows,
  };
}

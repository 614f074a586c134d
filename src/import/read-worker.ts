import { parentPort, workerData } from 'node:worker_threads';
import { RunRefused } from '../domain/codes.js';
import { COLUMNS } from '../domain/columns.js';
import { validateRow, type RowLayout } from '../domain/row.js';
import type { ReadRequest, RowTuple, ToMain, ToReader } from './read-protocol.js';
import { openRowSource } from './row-source.js';

/**
 * The reader thread: reads, decodes, parses and validates the file (all pure work, no
 * database, no target) and hands the main thread batches of validated rows. It runs on the
 * second core while the main thread plans and writes the journal. A batch travels as JSON text
 * (see read-protocol.ts); its cells are already in the form the journal stores.
 */
const port = parentPort!;
const request = workerData as ReadRequest;

/** Batches sent and not yet taken by the main thread: a slow main thread pauses the reading. */
const AHEAD = 4;
let unacknowledged = 0;
let resume: (() => void) | undefined;
port.on('message', (message: ToReader) => {
  if (message.kind !== 'ack') return;
  unacknowledged--;
  resume?.();
  resume = undefined;
});

const send = (message: ToMain): void => port.postMessage(message);

async function read(): Promise<void> {
  // The row source per format (CSV or workbook): from here on every row is handled alike.
  const csv = await openRowSource(request.file, { delimiter: request.delimiter, extraAliases: request.extraAliases, sheet: request.sheet });
  send({
    kind: 'opened',
    format: csv.format,
    ...(csv.sheet === undefined ? {} : { sheet: csv.sheet }),
    header: csv.header.names,
    columns: csv.header.keys.map((key) => (key === null ? null : COLUMNS[key])),
    unknownColumns: csv.header.unknown,
    delimiter: csv.delimiter,
    fileSize: csv.stats.fileSize,
  });
  const layout: RowLayout = { index: csv.header.index, width: csv.header.names.length };
  let batch: RowTuple[] = [];
  let cells: string[][] = [];
  let chars = 0;
  const flush = async (): Promise<void> => {
    send({ kind: 'rows', rows: JSON.stringify(batch), cells: JSON.stringify(cells), bytesRead: csv.stats.bytesRead });
    batch = [];
    cells = [];
    chars = 0;
    if (++unacknowledged >= AHEAD) await new Promise<void>((done) => (resume = done));
  };
  for await (const record of csv.records) {
    const row = validateRow(record.cells, layout, request.mode);
    batch.push([record.line, row.email, row.key ?? null, row.intent ?? null, row.issues.length > 0 ? row.issues : null]);
    cells.push(record.cells);
    for (const cell of record.cells) chars += cell.length;
    // Bounded by lines and by size: 250 lines of 100 KB each would be 25 MB of text in one batch.
    if (batch.length >= request.batchSize || chars >= request.batchChars) await flush();
  }
  if (batch.length > 0) await flush();
  send({ kind: 'end', blankLines: csv.stats.blankLines, bytesRead: csv.stats.bytesRead, inputHash: await csv.inputHash() });
}

read().catch((error: unknown) => {
  if (error instanceof RunRefused) {
    send({ kind: 'refused', code: error.code, message: error.message, line: error.line, column: error.column });
  } else {
    send({ kind: 'failed', message: error instanceof Error ? error.message : String(error), ...(error instanceof Error && error.stack ? { stack: error.stack } : {}) });
  }
});

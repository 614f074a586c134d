import type { Hash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { findCut } from '../csv/cut.js';
import { RunRefused } from '../domain/codes.js';
import { COLUMNS } from '../domain/columns.js';
import { validateRow, type RowLayout, type RowRules } from '../domain/row.js';
import { BatchEncoder } from './batch-wire.js';
import type { ReadRequest, ToMain, ToReader } from './read-protocol.js';
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
/** The first part's reader: the cut, once the second part's reader found it. */
let cutKnown: ((byte: number | undefined) => void) | undefined;
const cut = new Promise<number | undefined>((resolve) => (cutKnown = resolve));
port.on('message', (message: ToReader) => {
  if (message.kind === 'cut') {
    cutKnown?.(message.byte ?? undefined);
    return;
  }
  unacknowledged--;
  resume?.();
  resume = undefined;
});

const send = (message: ToMain): void => port.postMessage(message);

async function read(): Promise<void> {
  const part = request.part;
  let from: { byte: number; line: number; hash: Hash } | undefined;
  if (part?.role === 'second') {
    const scan = await findCut(request.file, part.target, part.searchBytes);
    send({ kind: 'cut', cut: scan.cut ?? null });
    if (!scan.cut) {
      send({ kind: 'end', blankLines: 0, bytesRead: 0, inputHash: '' });
      return;
    }
    from = { byte: scan.cut.byte, line: scan.cut.line, hash: scan.hash };
  }
  const stopAt = part?.role === 'first' ? { after: part.after, cut: () => cut } : undefined;
  // The row source per format (CSV or workbook): from here on every row is handled alike.
  const csv = await openRowSource(request.file, {
    delimiter: request.delimiter, extraAliases: request.extraAliases, sheet: request.sheet, ...(stopAt ? { stopAt } : {}), ...(from ? { from } : {}),
  });
  const { names, unknown, ignored, decorated } = csv.header;
  send({
    kind: 'opened',
    format: csv.format,
    ...(csv.sheet === undefined ? {} : { sheet: csv.sheet }),
    header: names,
    columns: csv.header.keys.map((key) => (key === null ? null : COLUMNS[key])),
    unknownColumns: unknown,
    ignoredColumns: ignored.map((at) => names[at]!),
    decoratedColumns: decorated,
    delimiter: csv.delimiter,
    fileSize: csv.stats.fileSize,
  });
  const layout: RowLayout = { index: csv.header.index, width: names.length, ignored: ignored.map((at) => ({ at, name: names[at]! })) };
  const rules: RowRules = { countries: new Map(Object.entries(request.countries ?? {})) };
  const batch = new BatchEncoder();
  let cells: string[][] = [];
  let chars = 0;
  const flush = async (): Promise<void> => {
    send({ kind: 'rows', rows: batch.take(), cells: JSON.stringify(cells), bytesRead: csv.stats.bytesRead });
    cells = [];
    chars = 0;
    if (++unacknowledged >= AHEAD) await new Promise<void>((done) => (resume = done));
  };
  for await (const record of csv.records) {
    batch.add(record.line, validateRow(record.cells, layout, request.mode, rules));
    cells.push(record.cells);
    for (const cell of record.cells) chars += cell.length;
    // Bounded by lines and by size: 250 lines of 100 KB each would be 25 MB of text in one batch.
    if (batch.size >= request.batchSize || chars >= request.batchChars) await flush();
  }
  if (batch.size > 0) await flush();
  send({ kind: 'end', blankLines: csv.stats.blankLines, bytesRead: csv.stats.bytesRead, inputHash: await csv.inputHash() });
}

read().catch((error: unknown) => {
  if (error instanceof RunRefused) {
    send({ kind: 'refused', code: error.code, message: error.message, line: error.line, column: error.column });
  } else {
    send({ kind: 'failed', message: error instanceof Error ? error.message : String(error), ...(error instanceof Error && error.stack ? { stack: error.stack } : {}) });
  }
});

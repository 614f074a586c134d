import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MAX_RECORD_CHARS } from '../csv/read.js';
import type { Delimiter } from '../csv/sniff.js';
import { RunRefused } from '../domain/codes.js';
import type { IngestedRow } from '../journal/rows.js';
import { decodeBatch } from './batch-wire.js';
import type { ReadRequest, ToMain, ToReader } from './read-protocol.js';
import type { InputFormat } from './row-source.js';

export interface ValidatedFile {
  format: InputFormat;
  /** The sheet read, for a workbook. */
  sheet?: string;
  header: string[];
  /** Per header cell, the canonical column it is read as, or null when ignored. */
  columns: Array<string | null>;
  unknownColumns: string[];
  /** Columns whose values are ignored: the unknown ones and a Control Hub export's read-only ones. */
  ignoredColumns: string[];
  /** Service columns read through a decoration such as "(Suspended)". */
  decoratedColumns: Array<{ name: string; column: string }>;
  delimiter: Delimiter;
  fileSize: number;
  /** Validated rows in file order, a batch at a time; can be iterated once. */
  batches: AsyncIterable<ValidatedBatch>;
  /** Filled in when `batches` is exhausted. */
  end: { blankLines: number; bytesRead: number; inputHash: string };
}

/** Rows in file order, and their cells as the journal stores them (a JSON array, one entry per row). */
export interface ValidatedBatch {
  rows: IngestedRow[];
  cells: string;
  bytesRead: number;
}

/**
 * Lines per batch (and per journal row). Small enough that a batch's texts (about 110 KB of rows,
 * 50 KB of cells) stay out of V8's large-object space: at 1,000 lines every batch went there and
 * was only freed by a full collection, which let the heap grow by 100 MB at a million lines.
 */
const BATCH = 250;
/** Characters of cells per batch: a batch of long values ends early, so its texts stay small too. */
const BATCH_CHARS = 1024 * 1024;

/**
 * The reader's heap, sized to what the limits allow it to hold at once: its own working set
 * (48 MB measured at a million lines), plus, for the largest record (MAX_RECORD_CHARS) and the
 * largest batch (BATCH_CHARS plus one record), their text as UTF-16 in the chunk buffers, the
 * cells and the batch's JSON (four copies of two bytes a character).
 */
export const READER_HEAP_MB = 48 + Math.ceil(((MAX_RECORD_CHARS + BATCH_CHARS + MAX_RECORD_CHARS) * 2 * 4) / (1024 * 1024));

/**
 * Starts the reader thread (read-worker.ts) on a file and waits for its header. A file-level
 * problem, found before the header or at line 900,000, arrives as the same `RunRefused` the
 * reading code threw, with its line and column.
 */
export async function readValidatedRows(request: Omit<ReadRequest, 'batchSize' | 'batchChars'>, limits: { heapMb?: number } = {}): Promise<ValidatedFile> {
  const worker = new Worker(readerScript(), {
    workerData: { ...request, batchSize: BATCH, batchChars: BATCH_CHARS } satisfies ReadRequest,
    // The reader holds a few batches at most, but V8 lets a busy heap grow long before it
    // collects: a cap keeps the process's peak memory flat (-30 MB at 1,000,000 rows).
    resourceLimits: { maxOldGenerationSizeMb: limits.heapMb ?? READER_HEAP_MB },
  });
  const inbox = new Inbox(worker);
  let opened: Extract<ToMain, { kind: 'opened' }>;
  try {
    const first = await inbox.next();
    if (first.kind !== 'opened') throw new Error(`the reader thread sent ${first.kind} before the header`);
    opened = first;
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  const end = { blankLines: 0, bytesRead: 0, inputHash: '' };
  async function* batches(): AsyncGenerator<ValidatedBatch> {
    try {
      for (;;) {
        const message = await inbox.next();
        if (message.kind === 'end') {
          Object.assign(end, { blankLines: message.blankLines, bytesRead: message.bytesRead, inputHash: message.inputHash });
          return;
        }
        if (message.kind !== 'rows') continue;
        // Acknowledged on arrival, so the reader works on the next batches while this one is planned and written.
        worker.postMessage({ kind: 'ack' } satisfies ToReader);
        yield { rows: decodeBatch(message.rows), cells: message.cells, bytesRead: message.bytesRead };
      }
    } finally {
      inbox.finished = true;
      await worker.terminate();
    }
  }
  const { format, sheet, header, columns, unknownColumns, ignoredColumns, decoratedColumns, delimiter, fileSize } = opened;
  return { format, ...(sheet === undefined ? {} : { sheet }), header, columns, unknownColumns, ignoredColumns, decoratedColumns, delimiter, fileSize, batches: batches(), end };
}

/**
 * The reader thread runs compiled JavaScript. Under the test runner this module is loaded from
 * its TypeScript source, which a worker cannot run: the built copy (npm run build) is used then.
 */
function readerScript(): URL {
  const sibling = new URL('./read-worker.js', import.meta.url);
  return existsSync(fileURLToPath(sibling)) ? sibling : new URL('../../dist/src/import/read-worker.js', import.meta.url);
}

/** The reader's messages, queued until asked for; a refusal or a failure of the thread is thrown to the asker. */
class Inbox {
  private readonly queue: ToMain[] = [];
  private waiting: { resolve: (message: ToMain) => void; reject: (error: unknown) => void } | undefined;
  private failure: unknown;
  finished = false;

  constructor(worker: Worker) {
    worker.on('message', (message: ToMain) => this.push(message));
    worker.on('error', (error) => this.fail(readerFailed(error)));
    worker.on('exit', (code) => {
      if (!this.finished) this.fail(readerFailed(new Error(`it stopped unexpectedly (exit code ${code})`)));
    });
  }

  next(): Promise<ToMain> {
    const message = this.queue.shift();
    if (message) return settle(message);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<ToMain>((resolve, reject) => (this.waiting = { resolve, reject })).then(settle);
  }

  private push(message: ToMain): void {
    if (message.kind === 'end' || message.kind === 'refused' || message.kind === 'failed') this.finished = true;
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve(message);
    } else this.queue.push(message);
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    if (this.waiting) {
      const { reject } = this.waiting;
      this.waiting = undefined;
      reject(error);
    }
  }
}

/** Turns the reader's refusal or failure back into the error the reading code threw. */
function settle(message: ToMain): Promise<ToMain> {
  if (message.kind === 'refused') {
    return Promise.reject(new RunRefused(message.code, message.message, { line: message.line, column: message.column }));
  }
  if (message.kind === 'failed') return Promise.reject(readerFailed(Object.assign(new Error(message.message), { stack: message.stack })));
  return Promise.resolve(message);
}

/**
 * Any death of the reader thread (out of memory, a crash) refuses the file: nothing was applied
 * yet, and the run ends `file-refused` rather than staying in `ingesting`.
 */
function readerFailed(error: unknown): RunRefused {
  const code = (error as { code?: unknown } | undefined)?.code;
  const why = code === 'ERR_WORKER_OUT_OF_MEMORY'
    ? 'it ran out of memory'
    : error instanceof Error ? error.message : String(error);
  const refusal = new RunRefused('READER_FAILED', `Reading the file stopped: ${why}. Nothing was applied.`);
  return Object.assign(refusal, { cause: error });
}

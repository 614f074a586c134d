import { existsSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Cut } from '../csv/cut.js';
import { MAX_RECORD_CHARS } from '../csv/read.js';
import type { Delimiter } from '../csv/sniff.js';
import { RunRefused } from '../domain/codes.js';
import type { IngestedRow } from '../journal/rows.js';
import { decodeBatch } from './batch-wire.js';
import { inputChanged } from './open-run.js';
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
 * The young generation (V8's nursery) of each of two readers, in MB. V8's default (up to 48 MB a
 * thread) made two readers cost 35 MB more at their peak; one reader keeps the default, as the
 * smaller nursery costs it a second of garbage collection at 200,000 rows and saves only 6 MB.
 */
const SPLIT_READER_YOUNG_MB = 8;

/** With `--reader-threads 2`, files of at least this many bytes are read by two reader threads (ReadLimits.splitBytes). */
export const SPLIT_BYTES = 4 * 1024 * 1024;
/** How far past the middle the cut is looked for: a record boundary is normally a line away. */
const CUT_SEARCH_BYTES = 4 * MAX_RECORD_CHARS;
/**
 * Where the cut is aimed, as a share of the file: the second part's reader first scans and
 * hashes the first part to find the cut (about a sixth of the work of reading it), and hashes
 * the whole file, so it gets the smaller part.
 */
const CUT_SHARE = 0.54;

export interface ReadLimits {
  heapMb?: number;
  /** A regular CSV of at least this many bytes is read by two threads; by default (Infinity) one thread reads every file. */
  splitBytes?: number;
}

/**
 * The first part of a split file did not end cleanly at the cut (its quotes are wrong, so the
 * quote-parity scan cut inside a value, or the cut came before the header): the file must be
 * read again by one reader, which finds the file's real first problem.
 */
export class CutNotClean extends Error {}

/** Refusals of the first part that can come from the cut itself: the text ends inside a quote, or before the header. */
const CUT_DEPENDENT = new Set(['UNCLOSED_QUOTE', 'EMPTY_FILE']);

/**
 * Starts the reader thread(s) (read-worker.ts) on a file and waits for its header. A file-level
 * problem, found before the header or at line 900,000, arrives as the same `RunRefused` the
 * reading code threw, with its line and column.
 *
 * With `limits.splitBytes` (`--reader-threads 2`), a regular CSV of at least that size is read
 * by two threads, each reading one part of it (cut.ts), and their batches come as they are
 * ready: lines in order within a part, the parts interleaved (the journal keys every batch by
 * its first line). The first part's problems come first, as they
 * would from one reader; a refusal of the second part counts only once the first part ended
 * cleanly at the cut. When it did not, `batches` throws CutNotClean.
 */
export async function readValidatedRows(request: Omit<ReadRequest, 'batchSize' | 'batchChars' | 'part'>, limits: ReadLimits = {}): Promise<ValidatedFile> {
  const target = await splitTarget(request.file, limits.splitBytes ?? Infinity);
  return target === undefined ? oneReader(request, limits) : twoReaders(request, limits, target);
}

async function oneReader(request: Omit<ReadRequest, 'batchSize' | 'batchChars'>, limits: ReadLimits): Promise<ValidatedFile> {
  const reader = startReader(request, limits);
  const opened = await openedBy([reader]);
  const end = { blankLines: 0, bytesRead: 0, inputHash: '' };
  async function* batches(): AsyncGenerator<ValidatedBatch> {
    try {
      for (;;) {
        const message = await reader.inbox.next();
        if (message.kind === 'end') {
          Object.assign(end, { blankLines: message.blankLines, bytesRead: message.bytesRead, inputHash: message.inputHash });
          return;
        }
        if (message.kind !== 'rows') continue;
        // Acknowledged on arrival, so the reader works on the next batches while this one is planned and written.
        reader.worker.postMessage({ kind: 'ack' } satisfies ToReader);
        yield { rows: decodeBatch(message.rows), cells: message.cells, bytesRead: message.bytesRead };
      }
    } finally {
      await reader.stop();
    }
  }
  return validatedFile(opened, batches(), end);
}

async function twoReaders(request: Omit<ReadRequest, 'batchSize' | 'batchChars'>, limits: ReadLimits, target: number): Promise<ValidatedFile> {
  const first = startReader({ ...request, part: { role: 'first', after: target } }, limits);
  let cut: Cut | null | undefined;
  const tellFirst = (byte: number | null): void => first.worker.postMessage({ kind: 'cut', byte } satisfies ToReader);
  const second = startReader({ ...request, part: { role: 'second', target, searchBytes: CUT_SEARCH_BYTES } }, limits, (message) => {
    if (message.kind !== 'cut') return false;
    cut = message.cut;
    tellFirst(cut?.byte ?? null);
    return true;
  });
  let opened: Extract<ToMain, { kind: 'opened' }>;
  try {
    opened = await openedBy([first, second]);
  } catch (error) {
    // The first part may hold no header at all (a cut in the blank lines before it): one reader decides.
    if (error instanceof RunRefused && CUT_DEPENDENT.has(error.code)) return oneReader(request, limits);
    throw error;
  }
  const end = { blankLines: 0, bytesRead: 0, inputHash: '' };
  async function* batches(): AsyncGenerator<ValidatedBatch> {
    const readers = [first, second] as const;
    const ends: Array<Extract<ToMain, { kind: 'end' }> | undefined> = [undefined, undefined];
    const bytesRead = [0, 0];
    let secondRefusal: unknown;
    const nextOf = (i: 0 | 1) => readers[i].inbox.next().then((message) => ({ i, message }), (error: unknown) => ({ i, error }));
    const pending = new Map<0 | 1, ReturnType<typeof nextOf>>([[0, nextOf(0)], [1, nextOf(1)]]);
    try {
      while (pending.size > 0) {
        const step = await Promise.race(pending.values());
        const { i } = step;
        pending.delete(i);
        if ('error' in step) {
          if (i === 0) {
            const code = (step.error as { code?: string }).code;
            if (step.error instanceof RunRefused && cut && CUT_DEPENDENT.has(code ?? '')) throw new CutNotClean(`the first part ended with ${code}`);
            throw step.error; // the file's first problem, as one reader finds it
          }
          // Counts only once the first part ended cleanly at the cut; without a cut the first part reads everything.
          if (cut === undefined) tellFirst(null);
          if (cut) secondRefusal = step.error;
          continue;
        }
        const { message } = step;
        if (message.kind === 'rows') {
          readers[i].worker.postMessage({ kind: 'ack' } satisfies ToReader);
          bytesRead[i] = message.bytesRead;
          yield { rows: decodeBatch(message.rows), cells: message.cells, bytesRead: bytesRead[0]! + bytesRead[1]! };
        } else if (message.kind === 'end') {
          ends[i] = message;
          if (i === 0 && cut && message.bytesRead !== cut.byte) throw new CutNotClean(`the first part ended at byte ${message.bytesRead}, not at the cut (${cut.byte})`);
          if (i === 0 && secondRefusal !== undefined) throw secondRefusal;
          continue;
        }
        pending.set(i, nextOf(i));
      }
      if (secondRefusal !== undefined) throw secondRefusal;
      const [head, tail] = ends as [Extract<ToMain, { kind: 'end' }>, Extract<ToMain, { kind: 'end' }>];
      if (!cut) {
        Object.assign(end, { blankLines: head.blankLines, bytesRead: head.bytesRead, inputHash: head.inputHash });
        return;
      }
      // The second reader's hash runs over the whole file (its scan of the first part, then its own part);
      // the first reader's must be of the same first part, or the file changed while the two read it.
      if (head.inputHash !== cut.firstPartHash) throw inputChanged(request.file);
      Object.assign(end, { blankLines: head.blankLines + tail.blankLines, bytesRead: head.bytesRead + tail.bytesRead, inputHash: tail.inputHash });
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  }
  return validatedFile(opened, batches(), end);
}

/**
 * Where to aim the cut, or undefined to read with one thread: a workbook, a pipe or a device,
 * or a file smaller than `splitBytes`.
 */
async function splitTarget(path: string, splitBytes: number): Promise<number | undefined> {
  if (!Number.isFinite(splitBytes)) return undefined;
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size < splitBytes || info.size < 2) return undefined;
    const handle = await open(path, 'r');
    try {
      const start = Buffer.alloc(4);
      await handle.read(start, 0, 4, 0);
      if (start[0] === 0x50 && start[1] === 0x4b) return undefined; // a ZIP archive: a workbook (or refused as one)
    } finally {
      await handle.close();
    }
    return Math.floor(info.size * CUT_SHARE);
  } catch {
    return undefined; // one reader says what is wrong with it
  }
}

interface Reader {
  worker: Worker;
  inbox: Inbox;
  stop(): Promise<void>;
}

function startReader(request: Omit<ReadRequest, 'batchSize' | 'batchChars'>, limits: ReadLimits, divert?: (message: ToMain) => boolean): Reader {
  const worker = new Worker(readerScript(), {
    workerData: { ...request, batchSize: BATCH, batchChars: BATCH_CHARS } satisfies ReadRequest,
    // The reader holds a few batches at most, but V8 lets a busy heap grow long before it
    // collects: a cap keeps the process's peak memory flat (-30 MB at 1,000,000 rows).
    resourceLimits: { maxOldGenerationSizeMb: limits.heapMb ?? READER_HEAP_MB, ...(request.part ? { maxYoungGenerationSizeMb: SPLIT_READER_YOUNG_MB } : {}) },
  });
  const inbox = new Inbox(worker, divert);
  return {
    worker,
    inbox,
    stop: async () => {
      inbox.finished = true;
      await worker.terminate();
    },
  };
}

/** The header, as the (first) reader sends it before any row; every reader is stopped when it fails. */
async function openedBy(readers: Reader[]): Promise<Extract<ToMain, { kind: 'opened' }>> {
  try {
    const first = await readers[0]!.inbox.next();
    if (first.kind !== 'opened') throw new Error(`the reader thread sent ${first.kind} before the header`);
    return first;
  } catch (error) {
    await Promise.all(readers.map((reader) => reader.stop()));
    throw error;
  }
}

function validatedFile(opened: Extract<ToMain, { kind: 'opened' }>, batches: AsyncIterable<ValidatedBatch>, end: ValidatedFile['end']): ValidatedFile {
  const { format, sheet, header, columns, unknownColumns, ignoredColumns, decoratedColumns, delimiter, fileSize } = opened;
  return { format, ...(sheet === undefined ? {} : { sheet }), header, columns, unknownColumns, ignoredColumns, decoratedColumns, delimiter, fileSize, batches, end };
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

  /** `divert` takes the messages that are not for the queue (a reader's `cut`): it returns true for those. */
  constructor(worker: Worker, divert?: (message: ToMain) => boolean) {
    worker.on('message', (message: ToMain) => {
      if (!divert?.(message)) this.push(message);
    });
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

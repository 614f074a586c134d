import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A workbook's shared strings (every text cell of a sheet Excel wrote points into this table by
 * number), kept in a temporary file instead of memory: a sheet of 1,000,000 users holds as many
 * unique e-mail addresses, and the reader thread's memory must stay flat whatever the sheet's size.
 * Memory: 8 bytes an entry (its offset), a 64 KiB read window and a cache of recently used entries.
 *
 * Excel numbers the strings in the order it first meets them while writing the rows, so the sheet
 * asks for them mostly in increasing order: the read window serves those, and the cache the ones
 * that repeat (locations, sites, first names).
 */
export class SharedStrings {
  private readonly dir: string;
  private readonly path: string;
  private readonly fd: number;
  private offsets = new Float64Array(4096);
  private count = 0;
  private size = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private sealed = false;
  private window = Buffer.alloc(WINDOW);
  private windowStart = 0;
  private windowEnd = 0;
  private readonly recent = new Map<number, string>();

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'bulkhub-xlsx-'));
    this.path = join(this.dir, 'shared-strings');
    this.fd = openSync(this.path, 'w+');
    // Gone as soon as it is closed, even if this thread is terminated before close() (POSIX).
    try {
      unlinkSync(this.path);
      rmSync(this.dir, { recursive: true, force: true });
    } catch {
      // Windows keeps an open file: close() removes it.
    }
  }

  get length(): number {
    return this.count;
  }

  add(text: string): void {
    if (this.sealed) throw new Error('shared strings are sealed');
    if (this.count + 1 >= this.offsets.length) {
      const grown = new Float64Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    const bytes = Buffer.from(text, 'utf8');
    this.offsets[this.count++] = this.size;
    this.size += bytes.length;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= FLUSH) this.flush();
  }

  /** Ends the table: from now on entries are read, not added. */
  seal(): void {
    this.flush();
    this.offsets[this.count] = this.size;
    this.sealed = true;
  }

  /** The text of entry `index`, or undefined when the table has no such entry. */
  get(index: number): string | undefined {
    if (!this.sealed) this.seal();
    if (!Number.isInteger(index) || index < 0 || index >= this.count) return undefined;
    const cached = this.recent.get(index);
    if (cached !== undefined) {
      this.recent.delete(index);
      this.recent.set(index, cached);
      return cached;
    }
    const start = this.offsets[index]!;
    const end = this.offsets[index + 1]!;
    if (start < this.windowStart || end > this.windowEnd) {
      if (end - start > this.window.length) this.window = Buffer.alloc(end - start);
      const read = readSync(this.fd, this.window, 0, this.window.length, start);
      this.windowStart = start;
      this.windowEnd = start + read;
    }
    const text = this.window.toString('utf8', start - this.windowStart, end - this.windowStart);
    this.recent.set(index, text);
    if (this.recent.size > CACHED) this.recent.delete(this.recent.keys().next().value!);
    return text;
  }

  close(): void {
    try {
      closeSync(this.fd);
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    const chunk = Buffer.concat(this.pending, this.pendingBytes);
    let at = this.size - this.pendingBytes;
    for (let written = 0; written < chunk.length; ) {
      const n = writeSync(this.fd, chunk, written, chunk.length - written, at);
      written += n;
      at += n;
    }
    this.pending = [];
    this.pendingBytes = 0;
  }
}

/** Bytes read at a time: small enough that a jump elsewhere costs little, large enough for a run of sequential entries. */
const WINDOW = 64 * 1024;
const FLUSH = 1024 * 1024;
const CACHED = 4096;

import { randomBytes } from 'node:crypto';
import { createWriteStream, renameSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';

/**
 * A file written under a temporary name beside its final one and renamed into place when whole,
 * so a crash never leaves a half file that looks complete. The temporary name is new each time
 * and created exclusively (O_CREAT | O_EXCL, flags `wx`): an existing file or a symlink planted
 * under that name makes it fail instead of writing through it to somewhere else. The rename
 * replaces a symlink at the final name itself, never the file it points to.
 */
export function partialName(path: string): string {
  return `${path}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
}

/** Writes `data` to `path` through an exclusive temporary file. */
export function writeFileWhole(path: string, data: string | Uint8Array): void {
  const partial = partialName(path);
  try {
    writeFileSync(partial, data, { flag: 'wx' });
    renameSync(partial, path);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

/** A stream to an exclusive temporary file; `commit` renames it to `path`, `discard` removes it. */
export function partialStream(path: string): { stream: WriteStream; commit(): void; discard(): void } {
  const partial = partialName(path);
  const stream = createWriteStream(partial, { flags: 'wx' });
  return {
    stream,
    commit: () => renameSync(partial, path),
    discard: () => {
      stream.destroy();
      rmSync(partial, { force: true });
    },
  };
}

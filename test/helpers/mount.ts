import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A small tmpfs mounted for one test: a real file system that fills up, or turns read-only, under
 * the program. Needs root (CI and the development machines run as root); `canMount` says
 * whether this machine allows it, and the tests that need it are skipped with that reason.
 */
export interface SmallDisk {
  dir: string;
  resize(kib: number): void;
  readOnly(): void;
  unmount(): void;
}

export function mountSmallDisk(kib: number): SmallDisk {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhub-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', dir]);
  return {
    dir,
    resize: (size) => execFileSync('mount', ['-o', `remount,size=${size}k`, dir]),
    readOnly: () => execFileSync('mount', ['-o', 'remount,ro', dir]),
    unmount: () => {
      execFileSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const canMount: boolean = (() => {
  try {
    mountSmallDisk(64).unmount();
    return true;
  } catch {
    return false;
  }
})();

import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, statfsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RunRefused } from '../domain/codes.js';
import { describeFault } from '../domain/faults.js';

/** The files a run writes into its report folder (report.html: the review page). */
const REPORT_FILES = ['results.csv', 'errors.csv', 'summary.json', 'report.html'];

/**
 * Checks a report folder before anything changes: it is a folder (or can be made one), it can be
 * written, and it holds no reports of another run, which are never overwritten silently
 * (`replace` says the person asked for it). `runId` is the run resuming into the folder; its own
 * reports may be rewritten.
 */
export function checkReportFolder(dir: string, options: { runId?: string; replace?: boolean } = {}): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new RunRefused('BAD_ARGUMENTS', `--out ${dir} is a file, not a folder: name a folder for results.csv, errors.csv and summary.json.`);
  }
  probeWritable(dir, 'report folder');
  if (options.replace) return;
  const present = REPORT_FILES.filter((name) => existsSync(join(dir, name)));
  if (present.length === 0) return;
  const owner = reportOwner(join(dir, 'summary.json'));
  if (options.runId !== undefined && (owner === options.runId || (owner === undefined && !present.includes('summary.json')))) return;
  throw new RunRefused(
    'REPORTS_EXIST',
    `${dir} already holds ${present.join(', ')}${owner ? ` of run ${owner}` : ''}. Reports are never overwritten silently: ` +
      'name another --out, remove them, or add --replace-reports to replace them.',
  );
}

/** The run id in a summary.json, if it can be read. */
function reportOwner(path: string): string | undefined {
  try {
    const runId = (JSON.parse(readFileSync(path, 'utf8')) as { runId?: unknown }).runId;
    return typeof runId === 'string' ? runId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes `dir` if needed and writes a small file into it, exclusively, then removes it: the
 * honest test of "can be written" (permissions, a read-only mount, a full disk all show here).
 */
export function probeWritable(dir: string, what: string): void {
  const probe = join(dir, `.bulkhub-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(dir, { recursive: true });
    closeSync(openSync(probe, 'wx'));
    rmSync(probe, { force: true });
  } catch (error) {
    const fault = describeFault(error);
    throw new RunRefused(fault.known ? fault.code : 'NOT_WRITABLE', `The ${what} ${dir} cannot be written: ${fault.message}`);
  }
}

const MiB = 1024 * 1024;

/**
 * Room a run needs, by what it will write: the journal holds each line's cells, keys and outcome
 * (about 3 times the file, measured on generated files), the reports about the file's size again.
 */
export function spaceNeeded(inputBytes: number, parts: { journal: boolean; reports: boolean }): { journal: number; reports: number } {
  return { journal: parts.journal ? 3 * inputBytes + MiB : 0, reports: parts.reports ? inputBytes + MiB : 0 };
}

/**
 * Refuses a run when the disks of the database and of the report folder have less free space
 * than it needs (`fs.statfs`: blocks available to this user). Both on one disk: their sum.
 */
export function checkFreeSpace(places: { database: string; reports: string }, need: { journal: number; reports: number }): void {
  const database = diskOf(dirname(places.database));
  const reports = diskOf(places.reports);
  const wanted = new Map<number, { free: number; need: number; paths: string[] }>();
  for (const [disk, bytes, path] of [[database, need.journal, places.database], [reports, need.reports, places.reports]] as const) {
    if (!disk || bytes === 0) continue;
    const entry = wanted.get(disk.device) ?? { free: disk.free, need: 0, paths: [] };
    entry.need += bytes;
    entry.paths.push(path);
    wanted.set(disk.device, entry);
  }
  for (const { free, need: bytes, paths } of wanted.values()) {
    if (free < bytes) {
      throw new RunRefused(
        'STORAGE_FULL',
        `The disk of ${paths.join(' and ')} has ${mb(free)} free; this run needs about ${mb(bytes)} (the journal takes about 3 times the file, the reports about its size). ` +
          'Free some space, or use another --db or --out.',
      );
    }
  }
}

function diskOf(path: string): { device: number; free: number } | undefined {
  try {
    const stats = statfsSync(path);
    return { device: statSync(path).dev, free: stats.bavail * stats.bsize };
  } catch {
    return undefined; // a file system that cannot tell: the run finds out when it writes
  }
}

const mb = (bytes: number): string => `${(bytes / MiB).toFixed(1)} MB`;

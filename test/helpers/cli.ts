import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(ROOT, 'dist/src/cli/main.js');

/**
 * For tests that run the CLI several times over hundreds of rows (stop, then resume): on a shared
 * two-core machine under load they take minutes, not seconds. A hang still fails them.
 */
export const SLOW_CLI_TEST_MS = 240_000;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /**
   * stderr as a person reads it on a terminal: each JSON line of a refusal or fault (what
   * bulkhub prints without a terminal: `code`, `message`, …) as `bulkhub: CODE: message`,
   * the other lines as they are.
   */
  said: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  /** Kills the child (SIGKILL) after this long: for tests of a hang, which must end either way. */
  timeoutMs?: number;
}

/** Runs the built `bulkhub` in a child process, as a user or a nightly job would. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).result;
}

/** Starts the built `bulkhub` and hands back the child too (to signal or kill it), and its result. */
export function startCli(args: string[], options: CliOptions = {}): { child: ChildProcessWithoutNullStreams; result: Promise<CliResult> } {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const result = new Promise<CliResult>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', () => clearTimeout(timer));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, said: renderProblems(stderr) }));
    child.stdin.end(options.input ?? '');
  });
  return { child, result };
}

/** A fresh temporary folder for one test's database, inputs and reports. */
export function tempDir(prefix = 'bulkhub-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The JSON problem lines of stderr (those with `code` and `message`), in order. */
export function problemsIn(stderr: string): Array<{ code: string; message: string; [key: string]: unknown }> {
  return stderr.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      const json = JSON.parse(line) as Record<string, unknown>;
      return typeof json.code === 'string' && typeof json.message === 'string' ? [json as { code: string; message: string }] : [];
    } catch {
      return [];
    }
  });
}

/** stderr with its JSON problem lines rendered as `bulkhub: CODE: message` (see CliResult.said). */
export function renderProblems(stderr: string): string {
  return stderr
    .split('\n')
    .map((line) => {
      const [problem] = problemsIn(line);
      if (!problem || problem.level !== 50) return line;
      const where = typeof problem.line === 'number' ? ` (line ${problem.line}${problem.column ? `, column "${String(problem.column)}"` : ''})` : '';
      return [`bulkhub: ${problem.code}: ${problem.message}${where}`, ...(problem.resume ? [`To resume: ${String(problem.resume)}`] : []), ...(problem.hint ? [String(problem.hint)] : [])].join('\n');
    })
    .join('\n');
}

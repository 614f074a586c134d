import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/cli.js';

/** The scripts a README or a --help names answer --help with their usage, and refuse typos in one line. */
describe('scripts answer --help', () => {
  const node = (args: string[]) => spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });

  it('generate-users.mjs --help prints its usage and exits 0', () => {
    for (const flag of ['--help', '-h']) {
      const run = node([join(ROOT, 'scripts/generate-users.mjs'), flag]);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain('Usage: node scripts/generate-users.mjs --out FILE');
      expect(run.stderr).toBe('');
    }
  });

  it('generate-users.mjs refuses an unknown option or a bad number with exit 2 and no stack', () => {
    for (const args of [['--bogus'], ['--rows', '12x', '--out', 'x.csv'], ['--rows', '0', '--out', 'x.csv'], []]) {
      const run = node([join(ROOT, 'scripts/generate-users.mjs'), ...args]);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/^generate-users: .+\nUsage:/);
      expect(run.stderr).not.toContain('    at ');
    }
  });

  it('generate-users.mjs writes the rows it was asked for', () => {
    const out = join(tempDir(), 'users.csv');
    const run = node([join(ROOT, 'scripts/generate-users.mjs'), '--rows', '7', '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(8);
  });

  it('the fake Webex prints its help instead of starting (it would never exit)', () => {
    for (const flag of ['--help', '-h']) {
      const run = node([join(ROOT, 'dist/src/dev/fake-webex/main.js'), flag]);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain('Usage: npm run fake-webex');
      expect(run.stdout).not.toContain('listening');
    }
  });

  it('the fake Webex refuses a bad option before listening', () => {
    for (const args of [['--port', 'x'], ['--rate', '-1'], ['--bogus']]) {
      const run = node([join(ROOT, 'dist/src/dev/fake-webex/main.js'), ...args]);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/^fake-webex: /);
      expect(run.stdout).not.toContain('listening');
    }
  });

  it('npm run fake-webex -- --help goes through npm to the same help', () => {
    const run = spawnSync('npm', ['run', '-s', 'fake-webex', '--', '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('Usage: npm run fake-webex');
  });
});

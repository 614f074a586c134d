import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, tempDir } from './helpers/cli.js';
import { readReport } from './helpers/directory.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The ```sh block right after an HTML comment `<!-- NAME: ... -->` in the README. */
function block(name: string): string {
  const at = readme.indexOf(`<!-- ${name}:`);
  expect(at, `README has a <!-- ${name}: --> block`).toBeGreaterThanOrEqual(0);
  const match = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  return match![1]!;
}

/**
 * The README's commands on a newcomer's machine: typed in order, in a fresh database, from the
 * repository's folder. `bulkhub` is the built program, as `npm link` makes it.
 */
describe('README, as a newcomer types it', () => {
  it('the provisioning story works typed in order in a fresh database', async () => {
    const dir = tempDir('bulkhub-readme-');
    symlinkSync(join(ROOT, 'samples'), join(dir, 'samples')); // the story names samples/story/*.csv from the repository's folder
    const script = `set -euo pipefail\nbulkhub() { node ${JSON.stringify(CLI)} "$@"; }\n${block('readme-story')}\necho "DB=$BULKHUB_DB"\n`;
    const env = { ...process.env, NO_COLOR: '1' };
    delete env.BULKHUB_DB;
    const run = spawnSync('bash', ['-c', script], { cwd: dir, env, encoding: 'utf8' });
    // Nothing refused and nothing warned: bulkhub's stderr lines are JSON, none above info (the script echoes its commands there too).
    expect(run.stderr.split('\n').filter((l) => l.startsWith('bulkhub:') || (l.startsWith('{') && JSON.parse(l).level > 30))).toEqual([]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('none: no customer organisation matches inkop@delta.se');
    expect(run.stdout).toContain('Subscription Sub100200 mapped for a customer.');
    expect(run.stdout).toContain('4 rows: 4 added, 0 modified, 0 removed, 0 unchanged, 0 warnings, 0 errors');
    expect(existsSync(join(dir, 'order.pdf'))).toBe(true);
    // It used a database of its own, not ./.bulkhub in the folder it was typed in.
    expect(run.stdout).toMatch(/DB=\/.+\/story\.db/);
    expect(existsSync(join(dir, '.bulkhub'))).toBe(false);
    const reports = /Reports: (.+)/.exec(run.stdout)![1]!.trim();
    const results = await readReport(join(reports, 'results.csv'));
    expect(results.slice(1).map((r) => r[3])).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('npm link puts bulkhub on the PATH, working from any folder', () => {
    expect(readme).toContain('npm link ');
    const prefix = tempDir('bulkhub-prefix-');
    const link = spawnSync('npm', ['link', '--no-audit', '--no-fund', '--offline', '--ignore-scripts'], {
      cwd: ROOT,
      env: { ...process.env, NPM_CONFIG_PREFIX: prefix },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(link.status, link.stderr).toBe(0);
    const elsewhere = tempDir('bulkhub-elsewhere-');
    const version = spawnSync('bulkhub', ['--version'], { cwd: elsewhere, env: { ...process.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}` }, encoding: 'utf8' });
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });
});

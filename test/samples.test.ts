import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from './helpers/cli.js';

/**
 * Runs every sample the way the README tells a newcomer to, in story order against one
 * directory, and compares results.csv with the sample's `.expected.csv`. A sample whose
 * expected outcome goes stale fails here.
 */
const ORDER = ['clean-add', 'usual-mistakes', 'semicolon-bom-export', 'removals'];
const samples = join(ROOT, 'samples');
const customer = JSON.parse(readFileSync(join(samples, 'demo-customer.json'), 'utf8')) as { id: string };

describe('samples', () => {
  it('every sample has an expected outcome and a place in the story', () => {
    const csvs = readdirSync(samples).filter((f) => f.endsWith('.csv') && !f.endsWith('.expected.csv')).map((f) => f.replace(/\.csv$/, ''));
    expect(csvs.sort()).toEqual([...ORDER].sort());
    for (const name of ORDER) expect(readdirSync(samples)).toContain(`${name}.expected.csv`);
  });

  it('run as documented and give their expected outcomes', async () => {
    const dir = tempDir();
    const env = { ...process.env, BULKHUB_DB: join(dir, 'bulkhub.db') };
    // `npm run demo`: sets up the demo customer and imports the first sample.
    const demo = spawnSync(process.execPath, [join(ROOT, 'scripts/demo.mjs')], { cwd: dir, env, encoding: 'utf8' });
    expect(demo.status).toBe(0);
    const reports = /Reports: (.+)/.exec(demo.stdout)?.[1];
    expect(reports).toBeDefined();
    expect(readFileSync(join(reports!, 'results.csv'), 'utf8').slice(1)).toBe(readFileSync(join(samples, 'clean-add.expected.csv'), 'utf8'));

    for (const name of ORDER.slice(1)) {
      const out = join(dir, name);
      const result = await runCli(['users', 'import', join(samples, `${name}.csv`), '--customer', customer.id, '--out', out], { cwd: dir, env });
      const expected = readFileSync(join(samples, `${name}.expected.csv`), 'utf8');
      expect(readFileSync(join(out, 'results.csv'), 'utf8').slice(1), name).toBe(expected);
      expect(result.code, name).toBe(/[,;]error[,;]/.test(expected) ? 1 : 0);
    }
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/cli.js';

/** A small run of `npm run bench`, so the script cannot rot; it measures nothing worth keeping. */
describe('scripts/bench.mjs', () => {
  it('measures the six steps on a generated file and prints the table, and the review page\'s size', () => {
    const dir = tempDir();
    const out = join(dir, 'BENCHMARKS.md');
    const result = spawnSync(process.execPath, [join(ROOT, 'scripts/bench.mjs'), '--rows', '3000', '--dir', dir, '--out', out, '--label', 'smoke', '--xlsx-rows', '500', '--webex-runs', '1', '--webex-rows', '45'], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    for (const step of ['floor', 'baseline', 'validate', 'import', 'reimport', 'report']) {
      expect(result.stdout).toMatch(new RegExp(`\\| 3,000 \\| ${step} \\| [\\d.]+ \\| [\\d,]+ \\| [\\d.]+ \\| \\d+ \\|`));
    }
    expect(result.stdout).toMatch(/\| 3,000 \| baseline \| [\d.]+ \| [\d,]+ \| 1\.00 \|/);
    // The Webex step: one small run, checked for nothing lost or doubled, its fraction reported.
    expect(result.stdout).toMatch(/\| 1 \| 45 \| [\d.]+ \| \d+ \| [\d.]+ \| [\d.]+ \|/);
    expect(result.stdout).toMatch(/Webex step: fraction of the limit [\d.]+; nothing lost or doubled in any run\./);
    expect(result.stdout).toMatch(/- report\.html at 3,000 rows: \d+ KiB, built in [\d.]+ s/);
    for (const step of ['import xlsx', 'import csv']) expect(result.stdout).toMatch(new RegExp(`\\| 500 \\| ${step} \\| [\\d.]+ \\| [\\d,]+ \\| \\d+ \\|`));
    expect(existsSync(out)).toBe(true);
  }, 180_000);
});

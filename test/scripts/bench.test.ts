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
    const result = spawnSync(process.execPath, [join(ROOT, 'scripts/bench.mjs'), '--rows', '3000', '--dir', dir, '--out', out, '--label', 'smoke'], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    for (const step of ['floor', 'baseline', 'validate', 'import', 'reimport', 'report']) {
      expect(result.stdout).toMatch(new RegExp(`\\| 3,000 \\| ${step} \\| [\\d.]+ \\| [\\d,]+ \\| [\\d.]+ \\| \\d+ \\|`));
    }
    expect(result.stdout).toMatch(/\| 3,000 \| baseline \| [\d.]+ \| [\d,]+ \| 1\.00 \|/);
    expect(result.stdout).toMatch(/- report\.html at 3,000 rows: \d+ KiB, built in [\d.]+ s/);
    expect(existsSync(out)).toBe(true);
  });
});

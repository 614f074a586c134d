import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReportRow } from '../../src/journal/types.js';
import { reportPaths, writeRowReports } from '../../src/reports/write.js';
import { tempDir } from '../helpers/cli.js';

describe('writing large reports', () => {
  it('waits for the disk without leaving listeners behind (no MaxListenersExceededWarning on stderr)', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(`${warning.name}: ${warning.message}`);
    };
    process.on('warning', onWarning);
    try {
      const rows = function* (): Generator<ReportRow> {
        for (let line = 2; line < 60_002; line++) {
          const error = line % 10 === 0;
          yield {
            line, email: `user${line}@acme.nl`, cells: [`user${line}@acme.nl`, 'Some', `Name ${'x'.repeat(40)}`], action: error ? 'none' : 'add',
            status: error ? 'error' : 'ok', code: error ? 'INVALID_EMAIL' : '', message: error ? 'E-mail: not an e-mail address.' : '', issues: [],
          };
        }
      };
      const paths = reportPaths(join(tempDir(), 'out'));
      await writeRowReports(paths, ['User ID/Email (Required)', 'First Name', 'Last Name'], rows());
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(readFileSync(paths.results, 'utf8').split('\r\n').length).toBeGreaterThan(60_000);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.includes('MaxListeners'))).toEqual([]);
  });
});

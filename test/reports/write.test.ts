import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReportRow } from '../../src/journal/types.js';
import { reportPaths, writeRowReports } from '../../src/reports/write.js';
import { tempDir } from '../helpers/cli.js';

describe('writeRowReports', () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  afterEach(() => {
    process.off('warning', onWarning);
    warnings.length = 0;
  });

  it('writes many batches under backpressure without piling up listeners (no MaxListenersExceededWarning on stderr)', async () => {
    process.on('warning', onWarning);
    const paths = reportPaths(tempDir());
    const rows = 30_000;
    function* reportRows(): Generator<ReportRow> {
      for (let i = 0; i < rows; i++) {
        const error = i % 2 === 0;
        yield {
          line: i + 2, email: `user${i}@acme.nl`, cells: [`user${i}@acme.nl`, 'x'.repeat(40)], action: error ? 'none' : 'add',
          status: error ? 'error' : 'ok', code: error ? 'INVALID_EXTENSION' : '', message: error ? 'Extension: an extension is 2 to 10 digits, found "1".' : '', issues: [],
        };
      }
    }
    await writeRowReports(paths, ['User ID/Email (Required)', 'First Name'], reportRows());
    // A warning is emitted on the next tick of the process: let it arrive.
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
    expect(readFileSync(paths.results, 'utf8').split('\r\n').filter(Boolean)).toHaveLength(rows + 1);
    expect(readFileSync(paths.errors, 'utf8').split('\r\n').filter(Boolean)).toHaveLength(rows / 2 + 1);
  });
});

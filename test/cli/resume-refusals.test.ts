import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { createRun } from '../../src/journal/runs.js';
import { migrateJournal } from '../../src/journal/schema.js';
import { runCli } from '../helpers/cli.js';
import { acmeDirectory, HEADER, meetingsUser } from '../helpers/directory.js';

/** An unfinished run of `inputFile` in the journal, as a run killed while reading it leaves one. */
function unfinishedRun(dbPath: string, inputFile: string, outDir: string): string {
  const db = openDb(dbPath);
  migrateJournal(db);
  const run = createRun(db, { customerId: 'acme', backend: 'sqlite', inputFile, inputHash: 'sha256:not-this-content', mode: 'add-remove', dryRun: false, allowRemovals: false, outDir });
  db.close();
  return run.id;
}

describe('--resume says what is wrong with the run named', () => {
  it('a completed run: nothing left to resume, where its reports are, and to leave out --resume (not "the file changed")', async () => {
    const acme = acmeDirectory();
    const first = acme.write('first.csv', `${HEADER}\n${meetingsUser(1)}\n`);
    const other = acme.write('other.csv', `${HEADER}\n${meetingsUser(2)}\n`);
    const out = join(acme.dir, 'first-reports');
    expect((await runCli(['users', 'import', first, '--customer', 'acme', '--db', acme.db, '--out', out])).code).toBe(0);
    const listed = JSON.parse((await runCli(['runs', 'list', '--json', '--db', acme.db])).stdout) as Array<{ id: string }>;
    const runId = listed[0]!.id;

    for (const file of [first, other]) {
      const resumed = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--resume', runId]);
      expect(resumed.code).toBe(2);
      expect(resumed.said).toContain(`bulkhub: BAD_ARGUMENTS: Run ${runId} is completed; only an unfinished run can be resumed`);
      expect(resumed.said).toContain(`its reports: ${out}`);
      expect(resumed.said).toContain('To import the file again, leave out --resume.');
      expect(resumed.said).not.toContain('INPUT_CHANGED');
    }
  });

  it('another file than the run\'s: names the run\'s own file', async () => {
    const acme = acmeDirectory();
    const own = acme.write('monday.csv', `${HEADER}\n${meetingsUser(1)}\n`);
    const other = acme.write('tuesday.csv', `${HEADER}\n${meetingsUser(2)}\n`);
    const runId = unfinishedRun(acme.db, own, join(acme.dir, 'reports'));
    const resumed = await runCli(['users', 'import', other, '--customer', 'acme', '--db', acme.db, '--resume', runId]);
    expect(resumed.code).toBe(2);
    expect(resumed.said).toContain(`bulkhub: INPUT_CHANGED: Run ${runId} was started with ${own}, not ${other}`);
    expect(resumed.said).not.toContain('its content changed');
  });

  it('the run\'s own file, edited since: says that it changed', async () => {
    const acme = acmeDirectory();
    const own = acme.write('monday.csv', `${HEADER}\n${meetingsUser(1)}\n`);
    const runId = unfinishedRun(acme.db, own, join(acme.dir, 'reports'));
    const resumed = await runCli(['users', 'import', own, '--customer', 'acme', '--db', acme.db, '--resume', runId]);
    expect(resumed.code).toBe(2);
    expect(resumed.said).toContain(`bulkhub: INPUT_CHANGED: ${own} changed since run ${runId} started with it`);
  });
});

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { problemsIn, runCli, tempDir } from '../helpers/cli.js';
import { acmeDirectory, HEADER, meetingsUser } from '../helpers/directory.js';

/**
 * A database file that cannot be written in a folder that can (a file made read-only, which root
 * too must respect: the immutable attribute). Skipped where chattr is not allowed.
 */
const canMakeImmutable: boolean = (() => {
  try {
    const probe = join(tempDir(), 'probe');
    execFileSync('touch', [probe]);
    execFileSync('chattr', ['+i', probe], { stdio: 'ignore' });
    execFileSync('chattr', ['-i', probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!canMakeImmutable)('a database file that cannot be written (chattr +i: needs root)', () => {
  const immutable: string[] = [];
  afterEach(() => {
    for (const file of immutable.splice(0)) execFileSync('chattr', ['-i', file]);
  });

  it('is refused with NOT_WRITABLE, exit 2, naming the database file, by an import and by runs prune', async () => {
    const acme = acmeDirectory();
    const file = acme.write('in.csv', [HEADER, meetingsUser(1)].join('\n'));
    execFileSync('chattr', ['+i', acme.db]);
    immutable.push(acme.db);

    const imported = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'out')]);
    expect(imported.code).toBe(2);
    expect(problemsIn(imported.stderr).map((p) => p.code)).toEqual(['NOT_WRITABLE']);
    expect(imported.said).toContain(`bulkhub: NOT_WRITABLE: The database ${acme.db} cannot be used: the file system or file is read-only`);

    // Named the same way when it came from BULKHUB_DB, on another command.
    const pruned = await runCli(['runs', 'prune', '--keep', '1'], { env: { BULKHUB_DB: acme.db } });
    expect(pruned.code).toBe(2);
    expect(pruned.said).toContain(`bulkhub: NOT_WRITABLE: The database ${acme.db} cannot be used`);
  });
});

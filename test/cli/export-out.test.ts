import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { acmeDirectory } from '../helpers/directory.js';

describe('users export --out that cannot be written as a file is refused before anything is read', () => {
  it('a folder: BAD_ARGUMENTS, exit 2, naming a file to give instead; nothing left in or beside it', async () => {
    const acme = acmeDirectory();
    const folder = join(acme.dir, 'exports');
    mkdirSync(folder);
    const result = await runCli(['users', 'export', '--customer', 'acme', '--db', acme.db, '--out', folder]);
    expect(result.code).toBe(2);
    expect(result.said).toContain(`bulkhub: BAD_ARGUMENTS: --out ${folder} is a folder; users export writes one CSV file: name the file, for example ${join(folder, 'users.csv')}.`);
    expect(result.said).not.toContain('INTERNAL_ERROR');
    expect(readdirSync(folder)).toEqual([]);
    expect(readdirSync(acme.dir).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });

  it('a file in a folder that does not exist: BAD_ARGUMENTS, exit 2, naming the folder', async () => {
    const acme = acmeDirectory();
    const out = join(acme.dir, 'no-such-folder', 'users.csv');
    const result = await runCli(['users', 'export', '--customer', 'acme', '--db', acme.db, '--out', out]);
    expect(result.code).toBe(2);
    expect(result.said).toContain(`bulkhub: BAD_ARGUMENTS: --out ${out}: the folder ${join(acme.dir, 'no-such-folder')} does not exist`);
    expect(existsSync(join(acme.dir, 'no-such-folder'))).toBe(false);
  });

  it('a file in an existing folder is written as before', async () => {
    const acme = acmeDirectory();
    const out = join(acme.dir, 'now.csv');
    const result = await runCli(['users', 'export', '--customer', 'acme', '--db', acme.db, '--out', out]);
    expect(result.code).toBe(0);
    expect(existsSync(out)).toBe(true);
  });
});

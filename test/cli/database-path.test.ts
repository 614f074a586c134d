import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acmeDirectory, HEADER, meetingsUser } from '../helpers/directory.js';
import { runCli, tempDir } from '../helpers/cli.js';

const clean = { BULKHUB_DB: undefined };

/**
 * "Customer not found" because the command ran in another folder than usual must be obvious:
 * every "not found" names the database file it looked in and how to name another.
 */
describe('which database a command used', () => {
  it('a customer not found names the database file and --db', async () => {
    const acme = acmeDirectory();
    const elsewhere = realpathSync(tempDir());
    const file = acme.write('users.csv', `${HEADER}\n${meetingsUser(1)}\n`);
    const result = await runCli(['users', 'import', file, '--customer', 'acme'], { cwd: elsewhere, env: clean });
    expect(result.code).toBe(2);
    expect(result.said).toContain(`CUSTOMER_NOT_FOUND: Customer "acme" does not exist in the database ${join(elsewhere, '.bulkhub', 'bulkhub.db')}.`);
    expect(result.said).toContain('Another database file is named with --db (or BULKHUB_DB');
    // With --db it is found, and summary.json records the file.
    const ok = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'out')], { cwd: elsewhere, env: clean });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`Database: ${acme.db}`);
    expect(JSON.parse(readFileSync(join(acme.dir, 'out', 'summary.json'), 'utf8'))).toMatchObject({ database: acme.db, added: 1 });
    const runs = JSON.parse((await runCli(['runs', 'list', '--json', '--db', acme.db], { env: clean })).stdout) as { id: string }[];
    const show = await runCli(['runs', 'show', runs[0]!.id, '--db', acme.db], { env: clean });
    expect(show.stdout).toContain(`database   ${acme.db}`);
  });

  it('every other "not found" names it too', async () => {
    const dir = tempDir();
    const db = join(dir, 'x.db');
    for (const args of [['customers', 'show', 'nope'], ['runs', 'show', 'nope'], ['templates', 'show', 'prov-nope'], ['subscriptions', 'show', 'Sub0'], ['orgs', 'show', 'org-nope'], ['locations', 'list', '--customer', 'nope']]) {
      const result = await runCli([...args, '--db', db], { env: clean });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.said, args.join(' ')).toMatch(/_NOT_FOUND: /);
      expect(result.said, args.join(' ')).toContain(` in the database ${db}`);
      expect(result.said, args.join(' ')).toContain('--db');
    }
    expect((await runCli(['runs', 'list', '--db', db], { env: clean })).stdout).toBe(`No runs yet in the database ${db}.\n`);
    expect((await runCli(['customers', 'list', '--db', db], { env: clean })).stdout).toContain(`No customers yet in the database ${db}.`);
  });
});

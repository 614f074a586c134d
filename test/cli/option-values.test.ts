import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { acmeDirectory, HEADER, meetingsUser } from '../helpers/directory.js';

/** The runs the journal holds, as `runs list --json` gives them. */
async function runsIn(db: string): Promise<Array<{ id: string; state: string }>> {
  const listed = await runCli(['runs', 'list', '--json', '--db', db]);
  return JSON.parse(listed.stdout) as Array<{ id: string; state: string }>;
}

describe('a count option that is no whole number is refused before a run begins', () => {
  it.each([
    [['--concurrency', 'abc'], '--concurrency must be a whole number of at least 1, not something that is not a number'],
    [['--concurrency', '0'], '--concurrency must be a whole number of at least 1, not 0'],
    [['--concurrency', '1.5'], '--concurrency must be a whole number of at least 1, not 1.5'],
  ])('users import %j: BAD_ARGUMENTS, exit 2, no run left unfinished', async (option, text) => {
    const acme = acmeDirectory();
    const file = acme.write('users.csv', `${HEADER}\n${meetingsUser(1)}\n`);
    for (const command of ['import', 'validate']) {
      const result = await runCli(['users', command, file, '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, command), ...option]);
      expect(result.code).toBe(2);
      expect(result.said).toContain(`bulkhub: BAD_ARGUMENTS: ${text}.`);
      expect(result.said).not.toContain('INTERNAL_ERROR');
      expect(result.said).not.toContain('--resume');
    }
    expect(await runsIn(acme.db)).toEqual([]);
    expect(existsSync(join(acme.dir, 'import')) && readdirSync(join(acme.dir, 'import')).length).toBeFalsy();
  });

  it('names BULKHUB_CONCURRENCY when the environment gave the bad value', async () => {
    const acme = acmeDirectory();
    const file = acme.write('users.csv', `${HEADER}\n${meetingsUser(1)}\n`);
    const result = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db], { env: { BULKHUB_CONCURRENCY: 'abc' } });
    expect(result.code).toBe(2);
    expect(result.said).toContain('bulkhub: BAD_ARGUMENTS: BULKHUB_CONCURRENCY (the environment\'s --concurrency) must be a whole number of at least 1, not "abc".');
    expect(await runsIn(acme.db)).toEqual([]);
  });

  it('names BULKHUB_MODE when the environment gave a value that is not a choice; a typed --mode is named as typed', async () => {
    const acme = acmeDirectory();
    const file = acme.write('users.csv', `${HEADER}\n${meetingsUser(1)}\n`);
    const fromEnv = await runCli(['users', 'validate', file, '--customer', 'acme', '--db', acme.db], { env: { BULKHUB_MODE: 'add-onyl' } });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.said).toContain('bulkhub: BAD_ARGUMENTS: BULKHUB_MODE (the environment\'s --mode) must be one of "add-remove", "add-only", not "add-onyl"');
    const typed = await runCli(['users', 'validate', file, '--customer', 'acme', '--db', acme.db, '--mode', 'x'], { env: { BULKHUB_MODE: 'add-onyl' } });
    expect(typed.said).toContain('bulkhub: BAD_ARGUMENTS: --mode must be one of "add-remove", "add-only", not "x"');
  });

  it('batch --concurrency 0 and --parallel abc are refused before any entry runs', async () => {
    const acme = acmeDirectory();
    acme.write('users.csv', `${HEADER}\n${meetingsUser(1)}\n`);
    const manifest = acme.write('nightly.json', JSON.stringify({ entries: [{ customer: 'acme', file: 'users.csv' }] }));
    const concurrency = await runCli(['batch', manifest, '--db', acme.db, '--concurrency', '0']);
    expect(concurrency.code).toBe(2);
    expect(concurrency.said).toContain('bulkhub: BAD_ARGUMENTS: --concurrency must be a whole number of at least 1, not 0.');
    const parallel = await runCli(['batch', manifest, '--db', acme.db, '--backend', 'webex', '--parallel', 'abc'], { env: { WEBEX_ACCESS_TOKEN: 'unused', WEBEX_API_URL: 'http://127.0.0.1:9/v1' } });
    expect(parallel.code).toBe(2);
    expect(parallel.said).toContain('bulkhub: BAD_ARGUMENTS: --parallel must be a whole number of at least 1, not something that is not a number.');
    expect(await runsIn(acme.db)).toEqual([]);
  });
});

describe('refusals of files and numbers in plain words', () => {
  it('a batch manifest that does not exist: "it does not exist", not ENOENT', async () => {
    const acme = acmeDirectory();
    const result = await runCli(['batch', join(acme.dir, 'nightly.json'), '--db', acme.db]);
    expect(result.code).toBe(2);
    expect(result.said).toContain(`bulkhub: BAD_ARGUMENTS: The manifest ${join(acme.dir, 'nightly.json')} cannot be read: it does not exist.`);
  });

  it('runs prune --keep 0 and --older-than abc say what is wrong without the import\'s words or NaN', async () => {
    const acme = acmeDirectory();
    const keep = await runCli(['runs', 'prune', '--keep', '0', '--db', acme.db]);
    expect(keep.code).toBe(2);
    expect(keep.said).toContain('bulkhub: BAD_ARGUMENTS: --keep must be a whole number of at least 1, not 0.');
    const older = await runCli(['runs', 'prune', '--older-than', 'abc', '--db', acme.db]);
    expect(older.code).toBe(2);
    expect(older.said).toContain('bulkhub: BAD_ARGUMENTS: --older-than must be a number of days above 0, not something that is not a number.');
    // The import's retention still says why at least 1: the run just made counts.
    const file = acme.write('users.csv', `${HEADER}\n${meetingsUser(1)}\n`);
    const keepRuns = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--keep-runs', '0']);
    expect(keepRuns.said).toContain('--keep-runs must be a whole number of at least 1 (the run just made is one of them), not 0.');
  });
});

describe('users import --help and users validate --help answer a nightly job\'s questions', () => {
  it.each([['import'], ['validate']])('users %s --help gives the exit codes once', async (command) => {
    const help = await runCli(['users', command, '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout.match(/Exit codes: 0 every row ok/g)).toHaveLength(1);
    expect(help.stdout).toContain('130');
  });

  it('users import --help names the samples with the demo customer they belong to, not acme', async () => {
    const help = await runCli(['users', 'import', '--help']);
    expect(help.stdout).not.toMatch(/samples\/clean-add\.csv\s+--customer acme/);
    expect(help.stdout).toContain('--customer demo-bakkerij');
  });
});

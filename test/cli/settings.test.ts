import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCustomer } from '../../src/backends/sqlite/directory.js';
import { migrateDirectory } from '../../src/backends/sqlite/schema.js';
import { openDb } from '../../src/db/open.js';
import { acmeDirectory, meetingsUser, HEADER } from '../helpers/directory.js';
import { runCli, tempDir } from '../helpers/cli.js';

/** A database holding one customer whose id says which file it is. */
function dbWith(path: string, id: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  const db = openDb(path);
  migrateDirectory(db);
  createCustomer(db, { id, name: id, adminEmail: `admin@${id}.nl`, package: 'webex_suite' });
  db.close();
  return path;
}

const noBulkhubEnv = (): Record<string, string | undefined> =>
  Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith('BULKHUB_')).map((k) => [k, undefined]));

async function customerIds(args: string[], options: { cwd: string; env?: Record<string, string | undefined> }): Promise<string[]> {
  const result = await runCli(['customers', 'list', '--json', ...args], { cwd: options.cwd, env: { ...noBulkhubEnv(), ...options.env } });
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { id: string }[]).map((c) => c.id);
}

describe('settings: flag > environment > config file > default', () => {
  it('--db is taken from the first of the four that has it', async () => {
    const dir = tempDir();
    dbWith(join(dir, '.bulkhub', 'bulkhub.db'), 'fromdefault');
    const fromConfig = dbWith(join(dir, 'config.db'), 'fromconfig');
    const fromEnv = dbWith(join(dir, 'env.db'), 'fromenv');
    const fromFlag = dbWith(join(dir, 'flag.db'), 'fromflag');

    expect(await customerIds([], { cwd: dir })).toEqual(['fromdefault']);
    writeFileSync(join(dir, 'bulkhub.config.json'), JSON.stringify({ db: 'config.db' }));
    expect(await customerIds([], { cwd: dir })).toEqual(['fromconfig']);
    expect(await customerIds([], { cwd: dir, env: { BULKHUB_DB: fromEnv } })).toEqual(['fromenv']);
    expect(await customerIds(['--db', fromFlag], { cwd: dir, env: { BULKHUB_DB: fromEnv } })).toEqual(['fromflag']);
    // An explicit --config wins over the conventional file; its paths are relative to itself.
    mkdirSync(join(dir, 'etc'));
    dbWith(join(dir, 'etc', 'other.db'), 'fromexplicit');
    writeFileSync(join(dir, 'etc', 'nightly.json'), JSON.stringify({ db: 'other.db' }));
    expect(await customerIds(['--config', 'etc/nightly.json'], { cwd: dir })).toEqual(['fromexplicit']);
    expect(await customerIds(['--config', 'etc/nightly.json'], { cwd: dir, env: { BULKHUB_DB: fromEnv } })).toEqual(['fromenv']);
  });

  it('a boolean follows the same order (--json from the config file, --no-json on the command line)', async () => {
    const dir = tempDir();
    dbWith(join(dir, '.bulkhub', 'bulkhub.db'), 'acme');
    const env = noBulkhubEnv();
    const list = (args: string[], extra: Record<string, string> = {}) => runCli(['customers', 'list', ...args], { cwd: dir, env: { ...env, ...extra } });
    expect((await list([])).stdout).toMatch(/^ID\s+NAME/);
    writeFileSync(join(dir, 'bulkhub.config.json'), JSON.stringify({ json: true }));
    expect(JSON.parse((await list([])).stdout)).toHaveLength(1);
    expect((await list([], { BULKHUB_JSON: 'false' })).stdout).toMatch(/^ID\s+NAME/);
    expect((await list(['--no-json'])).stdout).toMatch(/^ID\s+NAME/);
  });

  it('every option has its BULKHUB_ variable; one a command does not take is ignored by it', async () => {
    const acme = acmeDirectory();
    const file = acme.write('users.csv', `${HEADER}\n${meetingsUser(1)}\n`);
    const env = { ...noBulkhubEnv(), BULKHUB_DB: acme.db, BULKHUB_CUSTOMER: 'acme', BULKHUB_MODE: 'add-only', BULKHUB_OUT: join(acme.dir, 'out'), BULKHUB_CONCURRENCY: '2' };
    const imported = await runCli(['users', 'import', file], { cwd: acme.dir, env });
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(acme.dir, 'out', 'summary.json'), 'utf8'))).toMatchObject({ customerId: 'acme', mode: 'add-only', added: 1 });
    // runs list takes neither --customer nor --mode: the variables are not "unknown arguments" there.
    const runs = await runCli(['runs', 'list', '--json'], { cwd: acme.dir, env });
    expect(runs.code, runs.stderr).toBe(0);
    expect(JSON.parse(runs.stdout)).toHaveLength(1);
    // A typed unknown option is still refused.
    const typo = await runCli(['runs', 'list', '--custmer', 'acme'], { cwd: acme.dir, env });
    expect(typo.code).toBe(2);
    expect(typo.said).toContain('--custmer is not an option of bulkhub runs list');
  });

  it('a config file with an unknown key, a wrong type or broken JSON is refused, naming the file and the key', async () => {
    const dir = tempDir();
    const cases: [string, RegExp][] = [
      [JSON.stringify({ concurency: 4 }), /nightly\.json is not valid: unknown setting "concurency" \(known: db, backend, concurrency/],
      [JSON.stringify({ concurrency: 'four' }), /nightly\.json is not valid: "concurrency": .*number/],
      [JSON.stringify({ mode: 'remove-all' }), /"mode": .*add-remove/],
      [JSON.stringify({ 'log-level': 'loud' }), /"logLevel": /],
      [JSON.stringify([1]), /nightly\.json is not valid: .*object/],
      ['{"db": ', /nightly\.json is not valid JSON/],
    ];
    for (const [text, message] of cases) {
      writeFileSync(join(dir, 'nightly.json'), text);
      const result = await runCli(['customers', 'list', '--config', 'nightly.json'], { cwd: dir, env: noBulkhubEnv() });
      expect(result.code, text).toBe(2);
      expect(result.said, text).toMatch(/BAD_ARGUMENTS/);
      expect(result.said, text).toMatch(message);
    }
    const missing = await runCli(['customers', 'list', '--config', 'nowhere.json'], { cwd: dir, env: noBulkhubEnv() });
    expect(missing.code).toBe(2);
    expect(missing.said).toMatch(/nowhere\.json cannot be read: ENOENT/);
  });
});

describe('help and shell completion', () => {
  it('-h is --help, on every level', async () => {
    for (const args of [['-h'], ['users', 'import', '-h'], ['runs', '-h']]) {
      const result = await runCli(args, { env: noBulkhubEnv() });
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout, args.join(' ')).toMatch(/^bulkhub /);
      expect(result.stdout).toContain('-h, --help');
    }
  });

  it('prints a completion script, and completes commands and options', async () => {
    const script = await runCli(['completion']);
    expect(script.code).toBe(0);
    expect(script.stdout).toContain('complete -o bashdefault -o default -F _bulkhub_yargs_completions bulkhub');
    const commands = await runCli(['--get-yargs-completions', 'users', '']);
    expect(commands.stdout.split('\n')).toEqual(expect.arrayContaining(['import', 'validate', 'export']));
    const options = await runCli(['--get-yargs-completions', 'users', 'import', '--']);
    expect(options.stdout.split('\n')).toEqual(expect.arrayContaining(['--customer', '--dry-run', '--config']));
  });
});

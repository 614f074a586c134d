import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { CLI, problemsIn, runCli, SLOW_CLI_TEST_MS } from '../helpers/cli.js';
import { acmeDirectory, HEADER, meetingsUser } from '../helpers/directory.js';
import { canMount, mountSmallDisk, type SmallDisk } from '../helpers/mount.js';

/** 10,000 rows whose e-mail is invalid: 250 KB of file whose journal (about 4.5 MB) and reports (2.6 MB) are far larger than the file. */
function invalidRows(): string {
  return [HEADER, ...Array.from({ length: 10_000 }, (_, i) => `bad${i}${','.repeat(HEADER.split(',').length - 1)}`)].join('\n');
}

function runStates(db: string): string[] {
  const conn = openDb(db, { readonly: true });
  const states = conn.prepare('SELECT state FROM journal_runs').pluck().all() as string[];
  conn.close();
  return states;
}

describe('a --db file that is not bulkhub\'s is refused before anything is written into it', { timeout: SLOW_CLI_TEST_MS }, () => {
  const cases: Array<[string, (path: string) => void, string]> = [
    ['a text file', (path) => writeFileSync(path, 'name,email\nAnna,anna@acme.nl\n'.repeat(200)), 'not a SQLite database'],
    ['another application\'s SQLite file', (path) => {
      const db = new Database(path);
      db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep')");
      db.close();
    }, "not bulkhub's: its tables are another application's (notes)"],
    ['a damaged bulkhub file', (path) => {
      const acme = acmeDirectory();
      const bytes = readFileSync(acme.db);
      writeFileSync(path, bytes.subarray(0, 4096 * 2)); // cut short: the schema points past the end
    }, 'the database file is damaged'],
  ];
  it.each(cases)('%s: one line with its code, exit 2, the file unchanged', async (_name, make, words) => {
    const acme = acmeDirectory();
    const db = join(acme.dir, 'not-ours.db');
    make(db);
    const before = readFileSync(db);
    const file = acme.write('in.csv', [HEADER, meetingsUser(1)].join('\n'));
    for (const command of [['users', 'import', file, '--customer', 'acme'], ['runs', 'list'], ['customers', 'list']]) {
      const result = await runCli([...command, '--db', db]);
      expect(result.code, command.join(' ')).toBe(2);
      const problems = problemsIn(result.stderr);
      expect(problems).toHaveLength(1);
      expect(problems[0]!.code).toMatch(/^(NOT_A_BULKHUB_DATABASE|DATABASE_CORRUPT)$/);
      expect(problems[0]!.message).toContain(words);
      expect(problems[0]).not.toHaveProperty('stack');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect(readFileSync(db).equals(before)).toBe(true);
    expect(readdirSync(acme.dir).filter((n) => n.startsWith('not-ours.db-'))).toEqual([]);
    // The stack, for a person who asks for it.
    const debug = await runCli(['runs', 'list', '--db', db, '--log-level', 'debug']);
    expect(problemsIn(debug.stderr)[0]!.stack).toMatch(/at /);
  });
});

describe.skipIf(!canMount)('the disk (a small tmpfs: needs root)', { timeout: SLOW_CLI_TEST_MS }, () => {
  const disks: SmallDisk[] = [];
  const disk = (kib: number): SmallDisk => {
    const d = mountSmallDisk(kib);
    disks.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of disks.splice(0)) d.unmount();
  });

  it('a read-only database is refused before any change: NOT_WRITABLE, exit 2', async () => {
    const acme = acmeDirectory();
    const ro = disk(4096);
    const db = join(ro.dir, 'bulkhub.db');
    copyFileSync(acme.db, db);
    ro.readOnly();
    const file = acme.write('in.csv', [HEADER, meetingsUser(1)].join('\n'));
    const result = await runCli(['users', 'import', file, '--customer', 'acme', '--db', db, '--out', join(acme.dir, 'out')]);
    expect(result.code).toBe(2);
    expect(problemsIn(result.stderr).map((p) => p.code)).toEqual(['NOT_WRITABLE']);
    expect(result.said).toContain(`The database ${db} cannot be used`);
  });

  it('a read-only report folder and too little free space are refused before any change', async () => {
    const acme = acmeDirectory();
    const file = acme.write('in.csv', [HEADER, ...Array.from({ length: 8000 }, (_, i) => meetingsUser(i))].join('\n')); // about 1.3 MB
    const small = disk(512);
    const full = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--out', join(small.dir, 'out')]);
    expect(full.code).toBe(2);
    expect(full.said).toMatch(/STORAGE_FULL: The disk of .* has 0\.5 MB free; this run needs about 1\.\d MB \(the journal takes about 3 times the file, the reports about its size\)/);
    expect(runStates(acme.db)).toEqual([]);

    const ro = disk(4096);
    ro.readOnly();
    const readOnly = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--out', join(ro.dir, 'out')]);
    expect(readOnly.code).toBe(2);
    expect(readOnly.said).toContain(`NOT_WRITABLE: The report folder ${join(ro.dir, 'out')} cannot be written`);
    expect(runStates(acme.db)).toEqual([]);
  });

  it('the database disk filling up mid-run stops it (exit 3, STORAGE_FULL, the command to resume); once there is room the command finishes it', async () => {
    const acme = acmeDirectory();
    const small = disk(2560);
    const db = join(small.dir, 'bulkhub.db');
    copyFileSync(acme.db, db);
    const file = acme.write('bad.csv', invalidRows());
    const stopped = await runCli(['users', 'import', file, '--customer', 'acme', '--db', db, '--out', join(acme.dir, 'out')]);
    expect(stopped.code).toBe(3);
    const [problem, ...more] = problemsIn(stopped.stderr);
    expect(more).toEqual([]);
    expect(problem).toMatchObject({ code: 'STORAGE_FULL', message: expect.stringMatching(/^Run \S+ stopped while reading the file: No space is left on the disk/) });
    expect(problem!.resume).toBe(`bulkhub users import ${file} --customer acme --db ${db} --resume ${problem!.runId}`);
    expect(stopped.stderr).not.toMatch(/\n\s+at /);
    expect(runStates(db)).toEqual(['ingesting']);

    small.resize(16384);
    const args = (problem!.resume as string).split(' ').slice(1);
    const resumed = await runCli(args);
    expect(resumed.code).toBe(1); // every row has an error: the file's, not the disk's
    expect(resumed.stdout).toContain(`Run ${problem!.runId} (resumed)`);
    expect(JSON.parse(readFileSync(join(acme.dir, 'out', 'summary.json'), 'utf8'))).toMatchObject({ rows: 10_000, errors: 10_000 });
  });

  it('the report disk filling up stops the run (exit 3); once there is room the same command writes the reports', async () => {
    const acme = acmeDirectory();
    const small = disk(1536);
    const out = join(small.dir, 'out');
    const file = acme.write('bad.csv', invalidRows());
    const args = ['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--out', out];
    const stopped = await runCli(args);
    expect(stopped.code).toBe(3);
    expect(problemsIn(stopped.stderr)).toEqual([expect.objectContaining({ code: 'STORAGE_FULL', message: expect.stringContaining('stopped while applying') })]);
    expect(readdirSync(out).filter((n) => n.endsWith('.csv') || n.endsWith('.partial'))).toEqual([]);
    small.resize(16384);
    const again = await runCli(args);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('(resumed)');
    expect(existsSync(join(out, 'errors.csv'))).toBe(true);
  });
});

describe('stdout closed early', { timeout: SLOW_CLI_TEST_MS }, () => {
  it('ends quietly: no stack, no error line', async () => {
    const acme = acmeDirectory();
    const file = acme.write('in.csv', [HEADER, ...Array.from({ length: 3000 }, (_, i) => meetingsUser(i))].join('\n'));
    expect((await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'out')])).code).toBe(0);
    const child = spawn(process.execPath, [CLI, 'users', 'export', '--customer', 'acme', '--db', acme.db], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy()); // the reader goes away after the first chunk (| head -1)
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

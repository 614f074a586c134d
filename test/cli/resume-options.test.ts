import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { runCli, SLOW_CLI_TEST_MS } from '../helpers/cli.js';
import { acmeDirectory, HEADER, meetingsUser, readReport, removalOf } from '../helpers/directory.js';

const ROWS = 1200;

function users(db: string): string[] {
  const conn = openDb(db, { readonly: true });
  const emails = conn.prepare("SELECT email FROM users WHERE customer_id = 'acme' ORDER BY email").pluck().all() as string[];
  conn.close();
  return emails;
}

function runs(db: string): Array<{ id: string; state: string; mode: string }> {
  const conn = openDb(db, { readonly: true });
  const rows = conn.prepare('SELECT id, state, mode FROM journal_runs ORDER BY started_at').all() as Array<{ id: string; state: string; mode: string }>;
  conn.close();
  return rows;
}

/** A customer with 5 users to remove, and a file adding 1,200 and removing those 5 (its last lines). */
async function killedAddRemoveRun() {
  const acme = acmeDirectory();
  const seed = acme.write('seed.csv', [HEADER, ...[1, 2, 3, 4, 5].map((i) => meetingsUser(9000 + i))].join('\n'));
  expect((await runCli(['users', 'import', seed, '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'seed')])).code).toBe(0);
  const file = acme.write('big.csv', [HEADER, ...Array.from({ length: ROWS }, (_, i) => meetingsUser(i)), ...[1, 2, 3, 4, 5].map((i) => removalOf(`user${9000 + i}@acme.nl`))].join('\n'));
  const args = ['users', 'import', file, '--customer', 'acme', '--db', acme.db];
  // Killed after its second window was applied, before it was recorded: 500 lines done.
  const killed = await runCli([...args, '--out', join(acme.dir, 'first')], { env: { BULKHUB_FAULT_KILL_AFTER_WINDOW: '2' } });
  expect(killed.signal).toBe('SIGKILL');
  const [, run] = runs(acme.db);
  expect(run).toMatchObject({ state: 'applying', mode: 'add-remove' });
  return { acme, file, args, runId: run!.id };
}

describe('re-running an unfinished run with other options', { timeout: SLOW_CLI_TEST_MS }, () => {
  it('is refused, naming the differences and the two ways on; nothing changes; --resume finishes it as it was', async () => {
    const { acme, args, runId } = await killedAddRemoveRun();
    const before = users(acme.db);

    const other = await runCli([...args, '--mode', 'add-only', '--out', join(acme.dir, 'second')]);
    expect(other.code).toBe(2);
    expect(other.said).toContain('RUN_OPTIONS_DIFFER');
    expect(other.said).toContain('--mode: add-remove in the run, add-only now');
    expect(other.said).toContain(`--out: ${join(acme.dir, 'first')} in the run, ${join(acme.dir, 'second')} now`);
    expect(other.said).toContain(`--resume ${runId}`);
    expect(other.said).toContain('--new-run');
    expect(other.said).toContain(`bulkhub runs abandon ${runId}`);
    expect(users(acme.db)).toEqual(before);
    expect(runs(acme.db).map((r) => r.state)).toEqual(['completed', 'applying']);
    expect(existsSync(join(acme.dir, 'second'))).toBe(false);

    // --resume with an option that changes what is applied is refused too.
    const typed = await runCli([...args, '--resume', runId, '--mode', 'add-only']);
    expect(typed.code).toBe(2);
    expect(typed.said).toContain('--mode: add-remove in the run, add-only now');

    // As it was, with the reports in a new folder: the removals happen (add-remove), every row once.
    const resumed = await runCli([...args, '--resume', runId, '--out', join(acme.dir, 'third')]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`Run ${runId} (resumed)`);
    const after = users(acme.db);
    expect(after).toHaveLength(1 + ROWS); // the admin and the 1,200; the 5 removed
    expect(after.some((e) => /^user900\d@/.test(e))).toBe(false);
    const summary = JSON.parse(readFileSync(join(acme.dir, 'third', 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ runId, mode: 'add-remove', added: ROWS, removed: 5, errors: 0 });
  });

  it('with the same options resumes silently; --new-run starts another and says how to close the old one', async () => {
    const { acme, args, runId } = await killedAddRemoveRun();
    const newRun = await runCli([...args, '--mode', 'add-only', '--new-run', '--out', join(acme.dir, 'new')]);
    expect(newRun.code).toBe(0);
    expect(newRun.stdout).not.toContain('(resumed)');
    expect(newRun.said).toContain(`run ${runId} of`);
    expect(newRun.said).toContain(`bulkhub runs abandon ${runId}`);
    expect(users(acme.db).filter((e) => /^user900\d@/.test(e))).toHaveLength(5); // add-only removed nothing
    const all = runs(acme.db);
    expect(all.map((r) => [r.state, r.mode])).toEqual([['completed', 'add-remove'], ['applying', 'add-remove'], ['completed', 'add-only']]);
  });
});

describe('an edited file re-run, and runs abandon', { timeout: SLOW_CLI_TEST_MS }, () => {
  it('starts a new run, says the old one is left and how to close it; abandon closes it', async () => {
    const { acme, file, args, runId } = await killedAddRemoveRun();
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, `${original}\n${meetingsUser(99999)}`);
    const edited = await runCli([...args, '--out', join(acme.dir, 'edited')]);
    expect(edited.code).toBe(0);
    expect(edited.said).toContain(`run ${runId} of ${file} is unfinished (applying) and stays so`);
    expect(edited.said).toContain(`bulkhub runs abandon ${runId}`);

    const shown = await runCli(['runs', 'show', runId, '--db', acme.db]);
    expect(shown.stdout).toContain(`bulkhub runs abandon ${runId}`);
    const abandoned = await runCli(['runs', 'abandon', runId, '--db', acme.db]);
    expect(abandoned.code).toBe(0);
    expect(abandoned.stdout).toContain(`Run ${runId} (applying) abandoned: 500 of ${ROWS + 5} lines had been done`);
    expect(runs(acme.db).find((r) => r.id === runId)!.state).toBe('abandoned');
    const list = await runCli(['runs', 'list', '--db', acme.db]);
    expect(list.stdout).toMatch(new RegExp(`${runId} +abandoned`));

    const again = await runCli(['runs', 'abandon', runId, '--db', acme.db]);
    expect(again.code).toBe(2);
    expect(again.said).toContain('is abandoned, not unfinished');
    expect((await runCli(['runs', 'abandon', 'no-such-run', '--db', acme.db])).said).toContain('RUN_NOT_FOUND');
    // An abandoned run is never resumed.
    writeFileSync(file, original);
    const resume = await runCli([...args, '--resume', runId]);
    expect(resume.code).toBe(2);
    expect(resume.said).toContain('only an unfinished run can be resumed');
  });
});

describe('the report folder', { timeout: SLOW_CLI_TEST_MS }, () => {
  it('holding another run\'s reports is refused before anything changes; --replace-reports replaces them', async () => {
    const acme = acmeDirectory();
    const out = join(acme.dir, 'out');
    const first = acme.write('first.csv', [HEADER, meetingsUser(1)].join('\n'));
    expect((await runCli(['users', 'import', first, '--customer', 'acme', '--db', acme.db, '--out', out])).code).toBe(0);
    const firstRun = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).runId as string;

    const second = acme.write('second.csv', [HEADER, meetingsUser(2)].join('\n'));
    const refused = await runCli(['users', 'import', second, '--customer', 'acme', '--db', acme.db, '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.said).toContain(`REPORTS_EXIST: ${out} already holds results.csv, errors.csv, summary.json, report.html of run ${firstRun}`);
    expect(users(acme.db)).not.toContain('user2@acme.nl');
    expect(runs(acme.db)).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).runId).toBe(firstRun);

    const replaced = await runCli(['users', 'import', second, '--customer', 'acme', '--db', acme.db, '--out', out, '--replace-reports']);
    expect(replaced.code).toBe(0);
    expect((await readReport(join(out, 'results.csv')))[1]![1]).toBe('user2@acme.nl');
  });

  it('--out naming a file is refused before any change, and leaves no run behind', async () => {
    const acme = acmeDirectory();
    const file = acme.write('in.csv', [HEADER, meetingsUser(1)].join('\n'));
    const notAFolder = acme.write('taken.txt', 'a file');
    const refused = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--out', notAFolder]);
    expect(refused.code).toBe(2);
    expect(refused.said).toContain(`BAD_ARGUMENTS: --out ${notAFolder} is a file, not a folder`);
    expect(users(acme.db)).toEqual(['admin@acme.nl']);
    expect(runs(acme.db)).toEqual([]);
    const other = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'ok')]);
    expect(other.code).toBe(0);
    expect(other.stdout).not.toContain('(resumed)');
  });
});

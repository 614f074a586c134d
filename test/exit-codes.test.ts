import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../src/cli/exit-codes.js';
import type { FakeWebexOptions } from '../src/dev/fake-webex/server.js';
import { readFileSync } from 'node:fs';
import { problemsIn, ROOT, runCli, startCli, type CliResult, SLOW_CLI_TEST_MS } from './helpers/cli.js';
import { acmeDirectory, HEADER, meetingsUser } from './helpers/directory.js';
import { ACME, startFake } from './fake-webex/fixture.js';

/** The codes of the README's "Exit codes" table, in its order. */
function documentedExitCodes(): number[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Exit codes'));
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('|')));
  return [...table.matchAll(/^\| `(\d+)` \|/gm)].map((m) => Number(m[1]));
}

/** A file of users for acme: `bad` rows have an invalid e-mail. */
function file(acme: ReturnType<typeof acmeDirectory>, name: string, good: number, bad = 0): string {
  return acme.write(name, [HEADER, ...Array.from({ length: good }, (_, i) => meetingsUser(i)), ...Array.from({ length: bad }, () => meetingsUser(0, { email: 'not-an-email' }))].join('\n'));
}

/** Starts an import of 30,000 rows into the directory and sends `signal` once the run has started. */
async function signalled(signal: NodeJS.Signals): Promise<CliResult> {
  const acme = acmeDirectory();
  const run = startCli(['users', 'import', file(acme, 'big.csv', 30_000), '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'out')]);
  await new Promise<void>((resolve) => {
    let seen = '';
    run.child.stderr.on('data', (d: Buffer | string) => {
      seen += String(d);
      if (seen.includes('run started')) resolve();
    });
  });
  run.child.kill(signal);
  return run.result;
}

/** One scenario per exit code the README documents; each must produce its code. */
const SCENARIOS: Record<number, () => Promise<CliResult>> = {
  [EXIT.OK]: async () => {
    const acme = acmeDirectory();
    return runCli(['users', 'import', file(acme, 'ok.csv', 2), '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'out')]);
  },
  [EXIT.ROW_ERRORS]: async () => {
    const acme = acmeDirectory();
    return runCli(['users', 'import', file(acme, 'some-bad.csv', 2, 1), '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'out')]);
  },
  [EXIT.NOT_APPLIED]: async () => {
    const acme = acmeDirectory();
    return runCli(['users', 'import', acme.write('empty.csv', ''), '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'out')]);
  },
  [EXIT.STOPPED]: async () => {
    // A token that stops being accepted half-way.
    const options = { get token() { return fake.state.creations().size >= 20 ? 'new' : 'old'; } };
    const fake = await startFake(options as FakeWebexOptions);
    try {
      const acme = acmeDirectory();
      return await runCli(['users', 'import', file(acme, 'w.csv', 60), '--backend', 'webex', '--customer', ACME.id, '--db', join(acme.dir, 'j.db'), '--out', join(acme.dir, 'out')],
        { env: { WEBEX_API_URL: fake.url, WEBEX_ACCESS_TOKEN: 'old' } });
    } finally {
      await fake.close();
    }
  },
  [EXIT.SIGNAL_BASE + 1]: () => signalled('SIGHUP'),
  [EXIT.SIGNAL_BASE + 2]: () => signalled('SIGINT'),
  [EXIT.SIGNAL_BASE + 15]: () => signalled('SIGTERM'),
};

describe('the exit codes table in README.md', { timeout: SLOW_CLI_TEST_MS }, () => {
  it('lists exactly the codes bulkhub has', () => {
    expect(documentedExitCodes()).toEqual(Object.keys(SCENARIOS).map(Number).sort((a, b) => a - b));
  });

  it.each(documentedExitCodes())('exit code %i is produced by its scenario', async (code) => {
    const scenario = SCENARIOS[code];
    expect(scenario, `no scenario for exit code ${code}`).toBeDefined();
    const result = await scenario!();
    expect(result.code, result.said).toBe(code);
    // A stopped run says how to resume it, whatever stopped it.
    if (code >= EXIT.STOPPED) expect(problemsIn(result.stderr).find((p) => p.resume)?.code).toBe(code === EXIT.STOPPED ? 'TARGET_UNAVAILABLE' : 'INTERRUPTED');
  });
});


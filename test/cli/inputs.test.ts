import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { problemsIn, runCli, SLOW_CLI_TEST_MS } from '../helpers/cli.js';
import { acmeDirectory, HEADER, meetingsUser } from '../helpers/directory.js';

/** Long enough for a loaded machine to read a refused file, far too short for an endless read. */
const HANG = 120_000;

describe('endless and non-regular inputs', { timeout: SLOW_CLI_TEST_MS }, () => {
  it.each([
    ['/dev/zero', 'UNSUPPORTED_ENCODING'],
    ['/dev/urandom', /^(INVALID_ENCODING|NOT_A_CSV|UNSUPPORTED_ENCODING|AMBIGUOUS_DELIMITER|MISSING_EMAIL_COLUMN|TOO_MANY_COLUMNS|RECORD_TOO_LARGE|INVALID_QUOTE|UNCLOSED_QUOTE)$/],
  ])('%s is refused, not read forever', async (device, code) => {
    const acme = acmeDirectory();
    const result = await runCli(['users', 'import', device, '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'out')], { timeoutMs: HANG });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(2);
    expect(problemsIn(result.stderr)[0]!.code).toMatch(code);
  });

  it('a FIFO is read once: the file applied is the file whose hash is recorded, even when a second one follows', async () => {
    const acme = acmeDirectory();
    const fifo = join(acme.dir, 'users.fifo');
    execFileSync('mkfifo', [fifo]);
    const first = acme.write('first.csv', [HEADER, meetingsUser(1), meetingsUser(2)].join('\n'));
    const second = acme.write('second.csv', [HEADER, meetingsUser(3)].join('\n'));
    // Feeds the first file, then, to whoever opens the FIFO again, the second. (The pause lets the
    // reader see the end of the first: a writer that opens while the reader is still reading
    // would simply continue the same stream.)
    const feeder = spawn('bash', ['-c', `cat "${first}" > "${fifo}"; sleep 5; cat "${second}" > "${fifo}"`], { stdio: 'ignore' });
    try {
      const result = await runCli(['users', 'import', fifo, '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'out')], { timeoutMs: HANG });
      expect(result.code).toBe(0);
      const db = openDb(acme.db, { readonly: true });
      const run = db.prepare('SELECT input_file, input_hash FROM journal_runs').get() as { input_file: string; input_hash: string };
      const emails = db.prepare("SELECT email FROM users WHERE email LIKE 'user%' ORDER BY email").pluck().all();
      db.close();
      expect(emails).toEqual(['user1@acme.nl', 'user2@acme.nl']);
      expect(run.input_hash).toBe(`sha256:${createHash('sha256').update(readFileSync(first)).digest('hex')}`);
      expect(JSON.parse(readFileSync(join(acme.dir, 'out', 'summary.json'), 'utf8'))).toMatchObject({ inputHash: run.input_hash, added: 2 });
    } finally {
      feeder.kill('SIGKILL');
    }
  });
});

describe('large legal input', { timeout: SLOW_CLI_TEST_MS }, () => {
  it('250 rows with a 100 KB value each in an ignored column are imported; a 300,000-entry header map is refused in one line', async () => {
    const acme = acmeDirectory();
    const file = acme.write('wide.csv', [`${HEADER},Notes`, ...Array.from({ length: 250 }, (_, i) => `${meetingsUser(i)},${'x'.repeat(100_000)}`)].join('\n'));
    const out = join(acme.dir, 'out');
    const result = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--out', out]);
    expect(result.said).not.toContain('READER_FAILED');
    expect(result.code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toMatchObject({ rows: 250, added: 250 });

    const map = acme.write('map.json', JSON.stringify(Object.fromEntries(Array.from({ length: 300_000 }, (_, i) => [`Kolom ${i}`, 'Location']))));
    const refused = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--out', join(acme.dir, 'x'), '--header-map', map]);
    expect(refused.code).toBe(2);
    expect(problemsIn(refused.stderr)).toEqual([expect.objectContaining({ code: 'BAD_HEADER_MAP' })]);
    const db = openDb(acme.db, { readonly: true });
    expect(db.prepare("SELECT count(*) FROM journal_runs WHERE state = 'ingesting'").pluck().get()).toBe(0);
    db.close();
  });
});

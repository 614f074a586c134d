import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import type { Intent } from '../../src/domain/user.js';
import { DuplicateFinder, fingerprint, markDuplicates } from '../../src/journal/cross-checks.js';
import { RunRows, type IngestedRow } from '../../src/journal/rows.js';
import { migrateJournal } from '../../src/journal/schema.js';
import { tempDir } from '../helpers/cli.js';

/** Two different e-mail keys with one fingerprint (so the same filter bits): a birthday search over 32 bits, well under a second. */
function collidingEmails(): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; ; i++) {
    const email = `collide${i}@acme.nl`;
    const print = fingerprint(0, email);
    const other = seen.get(print);
    if (other !== undefined) return [other, email];
    seen.set(print, email);
  }
}

function row(line: number, email: string, attributes: { phoneNumber?: string; location?: string; extension?: string } = {}): IngestedRow {
  const intent = { kind: 'set', email, package: 'webex_calling', attributes } as unknown as Intent;
  return { line, email, key: email.toLowerCase(), intent, issues: [], plan: { action: 'add', pending: true, issues: [] } };
}

describe('duplicates across rows, found in memory and confirmed against the journal', () => {
  it('marks every line of a real duplicate, across batches and table growth, and never a fingerprint collision', () => {
    const db = openDb(join(tempDir(), 'journal.db'));
    migrateJournal(db);
    const rows = new RunRows(db, 'run-1');
    const finder = new DuplicateFinder();
    const [a, b] = collidingEmails();
    expect(a).not.toBe(b);

    const all: IngestedRow[] = [];
    for (let line = 2; line < 30_002; line++) all.push(row(line, `user${line}@acme.nl`, { location: 'HQ', extension: String(line) }));
    all[0] = row(2, a);
    all[1] = row(3, b);
    all[2] = row(4, 'Same@Acme.nl', { phoneNumber: '+31201111111' });
    all[29_000] = row(29_002, 'same@acme.nl', { phoneNumber: '+31201111111' }); // 29 batches later, after the table grew
    all[100] = row(102, 'x1@acme.nl', { phoneNumber: '+31201111111' });
    all[200] = row(202, 'x2@acme.nl', { location: 'hq', extension: '150' }); // line 150 has HQ / 150
    all[300] = row(302, 'x3@acme.nl', { location: 'Branch', extension: '151' }); // same number, other location: fine
    for (let at = 0; at < all.length; at += 1000) {
      const batch = all.slice(at, at + 1000);
      finder.add(rows.add(batch, JSON.stringify(batch.map((r) => [r.email]))));
    }
    expect([...finder.candidates.key]).toEqual(expect.arrayContaining([b, 'same@acme.nl']));

    expect(markDuplicates(rows, finder)).toBe(2 + 3 + 2);
    const report = new Map([...rows.reportRows()].map((r) => [r.line, r]));
    expect(report.get(2)).toMatchObject({ status: 'ok', action: 'add' });
    expect(report.get(3)).toMatchObject({ status: 'ok', action: 'add' });
    expect(report.get(4)).toMatchObject({ status: 'error', code: 'DUPLICATE_EMAIL', action: 'none', cells: ['Same@Acme.nl'] });
    expect(report.get(4)!.message).toContain('"Same@Acme.nl" appears on lines 4 and 29002');
    expect(report.get(4)!.message).toContain('Phone Number +31201111111 is given to the users on lines 4, 102 and 29002');
    expect(report.get(102)).toMatchObject({ status: 'error', code: 'DUPLICATE_PHONE_NUMBER' });
    expect(report.get(150)).toMatchObject({ status: 'error', code: 'DUPLICATE_EXTENSION' });
    expect(report.get(202)!.message).toContain('Extension 150 is given to the users on lines 150 and 202, all in location "hq"');
    expect(report.get(151)).toMatchObject({ status: 'ok' });
    expect(report.get(302)).toMatchObject({ status: 'ok' });
    expect(rows.tally()).toMatchObject({ rows: 30_000, errors: 5, added: 29_995, pending: 29_995 });
    db.close();
  });
});

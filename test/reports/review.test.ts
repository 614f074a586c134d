import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { RunRows } from '../../src/journal/rows.js';
import { requireRun } from '../../src/journal/runs.js';
import { renderReview } from '../../src/reports/review-html.js';
import { buildReview } from '../../src/reports/review.js';
import { runCli } from '../helpers/cli.js';
import { acmeDirectory, HEADER, meetingsUser, removalOf } from '../helpers/directory.js';

const importArgs = (file: string, db: string, out: string, ...more: string[]) =>
  ['users', 'import', file, '--customer', 'acme', '--db', db, '--out', out, ...more];
const runIdOf = (stdout: string) => /(?:Dry run|Run) (\d{8}-\d{6}-[0-9a-f]{6})/.exec(stdout)![1]!;

describe('the review page: content built from the journal', () => {
  it('embeds the first rows of each group with the full counts, and points to errors.csv for the rest', async () => {
    const acme = acmeDirectory();
    const file = acme.write('in.csv', [HEADER, ...Array.from({ length: 30 }, (_, i) => meetingsUser(i, { jabberTeams: `maybe ${i}` }))].join('\n'));
    const out = join(acme.dir, 'out');
    const result = await runCli(importArgs(file, acme.db, out));
    const db = openDb(acme.db);
    const run = requireRun(db, runIdOf(result.stdout));
    const review = buildReview(run, new RunRows(db, run.id), 5);
    db.close();
    expect(review.groups).toEqual([expect.objectContaining({ code: 'INVALID_BOOLEAN', status: 'error', count: 30, shown: [0, 1, 2, 3, 4] })]);
    expect(review.rows.map((r) => r.line)).toEqual([2, 3, 4, 5, 6]);
    expect(review.columns).toEqual([{ column: 'Jabber with Webex Teams', rows: 30, codes: [{ code: 'INVALID_BOOLEAN', rows: 30 }] }]);
    const html = renderReview(review, { errorsCsv: 'errors.csv', resultsCsv: 'results.csv' });
    expect(html).toContain('Showing the first 5 of 30 rows: all of them are in <a href="errors.csv">errors.csv</a>.');
    expect(html.match(/<tr data-line=/g)).toHaveLength(5);
    // The page the import wrote has them all (30 is under the default bound).
    expect(readFileSync(join(out, 'report.html'), 'utf8').match(/<tr data-line=/g)).toHaveLength(30);
  });

  it('escapes every value from the file: markup in a cell, a header or an e-mail is text', async () => {
    const acme = acmeDirectory();
    const header = `${HEADER},"<b onmouseover=alert(1)>Cost's ""centre""</b>"`;
    const file = acme.write('in.csv', [
      header,
      `${meetingsUser(1, { displayName: '<script>alert("x")</script>', jabberTeams: 'nee' })},</td></tr></table><script>alert(2)</script>`,
      `${meetingsUser(2, { email: '"><svg onload=alert(3)>@acme.nl' })},&amp;`,
    ].join('\n'));
    const out = join(acme.dir, 'out');
    await runCli(importArgs(file, acme.db, out));
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html.match(/<script>/g)).toHaveLength(1); // the page's own
    expect(html).not.toMatch(/<(b|svg|table)\s+on|<svg onload|<\/table><script>/);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).toContain('&lt;b onmouseover=alert(1)&gt;Cost&#39;s &quot;centre&quot;&lt;/b&gt;');
    expect(html).toContain('data-email="&quot;&gt;&lt;svg onload=alert(3)&gt;@acme.nl"');
    expect(html).toContain('<td>&amp;amp;</td>');
    // No address the page could load anything from.
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-[^']+'; script-src 'sha256-[^']+';/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('says at the top that the removal guard stopped the run, and lists the rows not applied', async () => {
    const acme = acmeDirectory();
    const seed = acme.write('seed.csv', [HEADER, ...Array.from({ length: 40 }, (_, i) => meetingsUser(i))].join('\n'));
    await runCli(importArgs(seed, acme.db, join(acme.dir, 'seed')));
    const wipe = acme.write('wipe.csv', [HEADER, ...Array.from({ length: 12 }, (_, i) => removalOf(`user${i}@acme.nl`)), meetingsUser(90, { jabberTeams: 'x' })].join('\n'));
    const out = join(acme.dir, 'refused');
    expect((await runCli(importArgs(wipe, acme.db, out))).code).toBe(2);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<strong>Nothing applied.</strong> 12 rows with a change were not applied.');
    expect(html).toContain('<code>REMOVAL_GUARD</code>: The file would remove 12 of the customer&#39;s 41 users');
    expect(html).toContain("Removal guard: <strong>stopped the run</strong> (12 planned removals of the customer's 41 users;");
    // The rows not applied come first, before the errors.
    expect(html).toContain('<section class="group" id="g0" data-code="REMOVAL_GUARD" data-status="not_applied"');
    expect(html).toContain('<section class="group" id="g1" data-code="INVALID_BOOLEAN" data-status="error"');
    expect(html).toMatch(/<span class="visible">12<\/span> shown of 12 rows/);
    expect(html).toContain('<dt>Removed</dt><dd>0</dd>');
    expect(html).toContain('<dt>Not applied</dt><dd>12</dd>');
  });

  it('a refused file still gets a page with the refusal; runs report writes it again, elsewhere with links back', async () => {
    const acme = acmeDirectory();
    const file = acme.write('in.csv', [HEADER, meetingsUser(1).replace('User,', '"User,'), meetingsUser(2)].join('\n'));
    const out = join(acme.dir, 'out');
    const result = await runCli(importArgs(file, acme.db, out));
    expect(result.code).toBe(2);
    const page = readFileSync(join(out, 'report.html'), 'utf8');
    expect(page).toContain('<strong>Nothing applied: the file was refused.</strong>');
    expect(page).toContain('<code>UNCLOSED_QUOTE</code>');
    expect(page).toContain('Removal guard: not reached (the file was refused first).');

    const runs = await runCli(['runs', 'list', '--db', acme.db, '--json']);
    const runId = JSON.parse(runs.stdout)[0].id as string;
    const elsewhere = join(acme.dir, 'elsewhere', 'review.html');
    const again = await runCli(['runs', 'report', runId, '--db', acme.db, '--out', elsewhere]);
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe(`Wrote ${elsewhere} (0 groups of problems).`);
    const copy = readFileSync(elsewhere, 'utf8');
    expect(copy).toContain(`href="${pathToFileURL(join(out, 'errors.csv')).href}"`);
    expect(copy.replace(/href="[^"]*"/g, '')).toBe(page.replace(/href="[^"]*"/g, ''));

    const unknown = await runCli(['runs', 'report', 'nope', '--db', acme.db]);
    expect(unknown.code).toBe(2);
    expect(unknown.said).toContain('RUN_NOT_FOUND');
    expect(existsSync(join(acme.dir, 'elsewhere', 'review.html.partial'))).toBe(false);
  });
});

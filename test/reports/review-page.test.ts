import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, testOutput } from '../helpers/browser.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { acmeDirectory, HEADER, meetingsUser } from '../helpers/directory.js';

/**
 * The review page of a real run (the CLI in a child process) in a real Chromium. Screenshots go
 * to test-output/review-page/ for a person to look at; with BULKHUB_DOCS_SCREENSHOT=1 the
 * README's screenshot (docs/review-page.png) is taken again too.
 */
const SCRIPT_CELL = '<script>window.__pwned = 1</script>';
const ATTRIBUTE_CELL = '"><img src=x onerror="window.__pwned = 2">';

describe('report.html in Chromium', () => {
  const acme = acmeDirectory();
  const out = join(acme.dir, 'reports');
  const shots = testOutput('review-page');
  let browser: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    // A column bulkhub does not know (ignored, with a warning), a blank line, errors of three codes and a warning.
    const row = (line: string) => `${line},KP-100`;
    const file = acme.write('users.csv', [
      `${HEADER},Kostenplaats`,
      row(meetingsUser(1)), // 2 ok
      row(meetingsUser(2, { phoneNumber: '0201234567' })), // 3 INVALID_PHONE_NUMBER
      row(meetingsUser(3, { jabberTeams: 'ja' })), // 4 INVALID_BOOLEAN
      row(meetingsUser(4, { preferredSite: '' })), // 5 MISSING_PREFERRED_SITE (warning)
      row(meetingsUser(5, { displayName: SCRIPT_CELL, jabberCalling: 'nee' })), // 6 INVALID_BOOLEAN
      '', // 7 blank
      row(meetingsUser(6, { phoneNumber: ATTRIBUTE_CELL })), // 8 INVALID_PHONE_NUMBER
      row(meetingsUser(7, { email: 'user7' })), // 9 INVALID_EMAIL
    ].join('\n'));
    const result = await runCli(['users', 'import', file, '--customer', 'acme', '--db', acme.db, '--out', out]);
    expect(result.code).toBe(1);

    browser = await openBrowser();
    page = await browser.newPage();
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(join(out, 'report.html')).href);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('opens from disk alone: no request but the page, no script or policy error', async () => {
    expect(requests).toEqual([pathToFileURL(join(out, 'report.html')).href]);
    expect(problems).toEqual([]);
    await page.screenshot({ path: join(shots, 'full.png'), fullPage: true });
  });

  it('shows the counts, the file warnings and the removal guard at the top', async () => {
    const tiles = await page.$$eval('.tiles div', (divs) => divs.map((d) => [d.querySelector('dt')!.textContent, d.querySelector('dd')!.textContent]));
    expect(Object.fromEntries(tiles)).toEqual({ Rows: '7', Added: '2', Modified: '0', Removed: '0', Unchanged: '0', Warnings: '1', Errors: '5' });
    expect(await page.getAttribute('.chart svg', 'role')).toBe('img');
    expect(await page.textContent('.chart svg title')).toContain('Rows by outcome, out of 7');
    const verdict = await page.textContent('.verdict');
    expect(verdict).toContain('Completed with 5 rows to fix.');
    expect(verdict).toContain('Removal guard: passed (0 planned removals of the customer\'s 1 user;');
    expect(await page.$$eval('.notices li', (li) => li.map((l) => l.textContent))).toEqual([
      'UNKNOWN_COLUMN: This column is not known, so its values were ignored: "Kostenplaats".',
      'BLANK_LINES: 1 blank line was skipped.',
    ]);
  });

  it('groups the problems by code and by column, with their counts and plain words', async () => {
    const groups = await page.$$eval('section.group', (sections) => sections.map((s) => [s.getAttribute('data-code'), s.getAttribute('data-status'), s.querySelectorAll('tbody tr').length]));
    expect(groups).toEqual([
      ['INVALID_BOOLEAN', 'error', 2],
      ['INVALID_PHONE_NUMBER', 'error', 2],
      ['INVALID_EMAIL', 'error', 1],
      ['MISSING_PREFERRED_SITE', 'warning', 1],
    ]);
    const byCode = await page.$$eval('table:has(caption:text("By code")) tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    expect(byCode[1]).toEqual(['INVALID_PHONE_NUMBER', 'Error', '2', 'The phone number is not in E.164 form (+ then up to 15 digits).']);
    const byColumn = await page.$$eval('table:has(caption:text("By column")) tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)));
    expect(byColumn).toEqual(expect.arrayContaining([['Phone Number', '2'], ['Jabber Calling', '1'], ['Jabber with Webex Teams', '1'], ['User ID/Email (Required)', '1'], ['Preferred Webex Site', '1']]));

    // Each row: its line, e-mail, and cells, the offending one marked under its column's header.
    const phone = page.locator('section.group[data-code="INVALID_PHONE_NUMBER"]');
    const headers = await phone.locator('thead th').allTextContents();
    const firstRow = phone.locator('tbody tr').first();
    expect(await firstRow.getAttribute('data-line')).toBe('3');
    expect(await firstRow.locator('th').textContent()).toBe('3');
    expect(await firstRow.locator('td').nth(0).textContent()).toBe('user2@acme.nl');
    const marked = await firstRow.locator('td.bad').evaluateAll((tds) => tds.map((td) => [(td as HTMLTableCellElement).cellIndex, td.textContent]));
    expect(marked).toHaveLength(1);
    expect(headers[marked[0]![0] as number]).toBe('Phone Number');
    expect(marked[0]![1]).toBe('0201234567 (problem in this cell)');
  });

  it('shows a cell holding markup as text, and runs none of it', async () => {
    const cell = page.locator('section.group[data-code="INVALID_BOOLEAN"] tbody tr[data-line="6"] td').filter({ hasText: 'window.__pwned' });
    expect(await cell.textContent()).toBe(SCRIPT_CELL);
    const phoneCell = page.locator('section.group[data-code="INVALID_PHONE_NUMBER"] tbody tr[data-line="8"] td.bad');
    expect(await phoneCell.textContent()).toBe(`${ATTRIBUTE_CELL} (problem in this cell)`);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
  });

  it('filters by code, column and status, and searches by e-mail', async () => {
    const visible = () => page.$$eval('section.group:not([hidden]) tbody tr:not([hidden])', (rows) => rows.map((r) => Number(r.getAttribute('data-line'))));
    expect(await page.isVisible('#filters')).toBe(true);
    expect(await page.textContent('#shown')).toBe('Showing 6 rows in 4 groups.');

    // Every control is found by its label, as a screen reader announces it.
    await page.getByLabel('Code').selectOption('INVALID_PHONE_NUMBER');
    expect(await visible()).toEqual([3, 8]);
    expect(await page.textContent('#shown')).toBe('Showing 2 rows in 1 group.');
    await page.screenshot({ path: join(shots, 'filtered-by-code.png'), fullPage: true });

    await page.selectOption('#f-code', '');
    await page.getByLabel('Status').selectOption('warning');
    expect(await visible()).toEqual([5]);

    await page.selectOption('#f-status', '');
    await page.getByLabel('Column').selectOption({ label: 'Jabber Calling' });
    expect(await visible()).toEqual([6]);

    await page.selectOption('#f-column', '');
    await page.getByLabel('E-mail').fill('USER3@');
    expect(await visible()).toEqual([4]);
    expect(await page.textContent('#shown')).toBe('Showing 1 row in 1 group.');
    await page.fill('#f-email', 'nobody');
    expect(await page.textContent('#shown')).toBe('No row matches these filters.');

    await page.click('#filters button[type="reset"]');
    await page.waitForFunction(() => document.getElementById('shown')!.textContent === 'Showing 6 rows in 4 groups.');

    // The counts tables set the filters too.
    await page.click('button[data-filter-code="INVALID_EMAIL"]');
    expect(await visible()).toEqual([9]);
    await page.screenshot({ path: join(shots, 'filtered-by-table.png'), fullPage: true });
  });

  it('keeps a screenshot of the page for the README when asked', async () => {
    await page.click('#filters button[type="reset"]');
    await page.selectOption('#f-code', 'INVALID_PHONE_NUMBER');
    await page.evaluate(() => window.scrollTo(0, 0));
    const shot = join(shots, 'readme.png');
    await page.screenshot({ path: shot, fullPage: true });
    if (process.env.BULKHUB_DOCS_SCREENSHOT === '1') copyFileSync(shot, join(ROOT, 'docs', 'review-page.png'));
  });
});

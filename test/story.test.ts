import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderProblems, ROOT, SLOW_CLI_TEST_MS, tempDir } from './helpers/cli.js';
import { readReport } from './helpers/directory.js';
import { readPdf } from './helpers/pdf.js';

/**
 * samples/story.sh walks a newcomer from an order to imported users. It runs here exactly as
 * the README tells a person to run it, so it never goes stale.
 */
describe('samples/story.sh', () => {
  it('tells the whole story: order, finder, mapping, Meetings, Calling, template, customer, users', async () => {
    const dir = tempDir('bulkhub-story-');
    const run = spawnSync('bash', [join(ROOT, 'samples/story.sh')], {
      cwd: dir,
      env: { ...process.env, STORY_DIR: dir, NO_COLOR: '1' },
      encoding: 'utf8',
    });
    // Nothing refused and nothing warned: refusals render as `bulkhub: CODE: …`, warnings are JSON lines above info (the script echoes its commands on stderr too).
    expect(renderProblems(run.stderr).split('\n').filter((l) => l.startsWith('bulkhub:') || (l.startsWith('{') && JSON.parse(l).level > 30))).toEqual([]);
    expect(run.status).toBe(0);
    const out = run.stdout;
    for (const expected of [
      'matched: ops@voxa.nl is an admin of partner organisation org-voxa',
      'candidates: no account matches inkop@delta.se, but 1 customer organisation uses delta.se',
      '[probably not the right one: no verified domain and no user activity in the last 12 months]',
      'Subscription Sub100200 mapped for a customer.',
      'Partner access: full admin (the customer organisation is new).',
      'Webex Meetings of Sub100200 is provisioned.',
      'Webex Calling of Sub100200 will be set up later',
      'Sub100200: Webex Calling: set up later',
      'Webex Calling of Sub100200 is provisioned.',
      'Locations: 2 added (Malmö, Stockholm)',
      'anna.berg@delta.se  +46313000100',
      '4 rows: 4 added, 0 modified, 0 removed, 0 unchanged, 0 warnings, 0 errors',
    ]) {
      expect(out).toContain(expected);
    }
    expect(out).toMatch(/Organisation: org-[a-z2-7]{8} \(template prov-[a-z2-7]{12}\)/);

    const summary = readPdf(readFileSync(join(dir, 'order-summary.pdf'))).flat;
    expect(summary).toContain('Customer organisation: Delta Bryggeri AB');
    expect(summary).toContain('delta.webex.com: 30 licences');
    expect(summary).toContain('Address: Lindholmspiren 7, 417 56 Göteborg, SE');
    const results = await readReport(join(dir, 'setup', 'results.csv'));
    expect(results.slice(1).map((r) => r[3])).toEqual(['ok', 'ok', 'ok', 'ok']);
  }, SLOW_CLI_TEST_MS);
});

import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { ROOT } from './cli.js';

/** Debian's chromium package (.ci/run installs it). */
export const CHROMIUM = '/usr/bin/chromium';

/** Where tests leave what a person may want to look at (screenshots); gitignored. */
export const TEST_OUTPUT = join(ROOT, 'test-output');

/**
 * A headless Chromium with a fresh profile, nothing in the background talking to the network.
 * A missing browser fails the test: a page a person looks at is tested in a real browser.
 */
export async function openBrowser(viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'bulkhub-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A folder under test-output/ for one test's files. */
export function testOutput(name: string): string {
  const dir = join(TEST_OUTPUT, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

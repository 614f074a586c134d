import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

/** Every `.ts` file under `dir`, recursively. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * A fresh clone with nothing beside it must pass `npm test` (.ci/run does exactly that): no test
 * may read a file outside the repository. Paths built from `import.meta.url` are resolved here;
 * absolute paths into the team's machines are refused outright.
 */
describe('the tests read only inside the repository', () => {
  const files = sources(join(ROOT, 'test'));

  it('finds the test sources', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('resolves every path relative to a test file inside the repository', () => {
    const outside: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/new URL\(\s*'([^']+)'\s*,\s*import\.meta\.url\s*\)/g)) {
        const target = resolve(join(file, '..'), match[1]!);
        if (relative(ROOT, target).startsWith('..')) outside.push(`${relative(ROOT, file)}: ${match[1]}`);
      }
      for (const match of text.matchAll(/['"`](\/work\/[^'"`]*|[^'"`]*\.\.\/shared\/[^'"`]*)['"`]/g)) {
        outside.push(`${relative(ROOT, file)}: ${match[1]}`);
      }
    }
    expect(outside).toEqual([]);
  });
});

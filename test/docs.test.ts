import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAULT_CODES, FILE_CODES, NOTE_CODES, PROVISIONING_CODES, ROW_CODES, RUN_CODES, UPKEEP_CODES, WARNING_CODES } from '../src/domain/codes.js';
import { ROOT } from './helpers/cli.js';

describe('README', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('documents every code the tool can write', () => {
    const codes = [FILE_CODES, ROW_CODES, WARNING_CODES, NOTE_CODES, RUN_CODES, PROVISIONING_CODES, FAULT_CODES, UPKEEP_CODES].flatMap((group) => Object.keys(group));
    expect(codes.filter((code) => !readme.includes(`| \`${code}\` |`))).toEqual([]);
  });

  it('names the test command that .ci/run runs', () => {
    expect(readme).toContain('npm test');
    expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  });
});

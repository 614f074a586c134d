import { describe, expect, it } from 'vitest';
import { errorTable } from '../../src/cli/error-table.js';
import type { ReportRow } from '../../src/journal/types.js';

const row = (line: number, email: string, code: string, message: string): ReportRow =>
  ({ line, email, cells: [], action: 'none', status: 'error', code, message, issues: [] });

describe('errorTable', () => {
  it('lines up line, e-mail and code; the message runs on', () => {
    expect(errorTable([row(3, 'kees@acme.nl', 'INVALID_BOOLEAN', 'Jabber Calling: found "ja".'), row(12, 'an@acme.nl', 'INVALID_EMAIL', 'x')])).toBe(
      [
        'LINE  E-MAIL        CODE             MESSAGE',
        '3     kees@acme.nl  INVALID_BOOLEAN  Jabber Calling: found "ja".',
        '12    an@acme.nl    INVALID_EMAIL    x',
      ].join('\n'),
    );
  });

  it('shows control characters of values as escapes, and clips a long e-mail', () => {
    const text = errorTable([row(2, `evil\u001b]0;title\u0007@acme.nl`, 'BACKEND_ERROR', 'Webex said:\r\nline two\u009b31m')]);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('evil\\u001b]0;title\\u0007@acme.nl');
    expect(text).toContain('Webex said:\\r\\nline two\\u009b31m');
    expect(text.split('\n')).toHaveLength(2);
    const long = errorTable([row(2, `${'a'.repeat(60)}@acme.nl`, 'INVALID_EMAIL', 'm')]).split('\n')[1]!;
    expect(long).toContain(`${'a'.repeat(39)}… `);
  });

  it('shows the code asked for when a row\'s first error is another', () => {
    expect(errorTable([row(5, 'a@acme.nl', 'INVALID_EXTENSION', 'm')], 'INVALID_PHONE_NUMBER')).toContain('INVALID_PHONE_NUMBER  m');
  });
});

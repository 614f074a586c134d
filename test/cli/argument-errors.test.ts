import { describe, expect, it } from 'vitest';
import { wordArgumentError } from '../../src/cli/argument-errors.js';
import { runCli } from '../helpers/cli.js';

const NOUNS = ['users', 'runs', 'customers', 'orgs'];

describe('wordArgumentError: yargs\' texts in bulkhub\'s words', () => {
  it.each([
    [['users', 'import', 'a.csv', '--customer', 'acme', '--bogus-flag'], 'Unknown arguments: bogus-flag, bogusFlag',
      '--bogus-flag is not an option of bulkhub users import; see "bulkhub users import --help".'],
    [['users', 'import', 'a.csv', 'b.csv', '--customer', 'acme'], 'Unknown argument: b.csv',
      '"b.csv" is more than bulkhub users import takes (a value with spaces needs quotes); see "bulkhub users import --help".'],
    [['users'], 'Not enough non-option arguments: got 0, need at least 1',
      '"bulkhub users" needs one more word: a command, or what it works on (a file, a run id...); see "bulkhub users --help".'],
    [['users', 'import', 'a.csv'], 'Missing required argument: customer', '--customer is required by bulkhub users import; see "bulkhub users import --help".'],
    [['users', 'import', 'a.csv', '--mode', 'x'], 'Invalid values:\n  Argument: mode, Given: "x", Choices: "add-remove", "add-only"',
      '--mode must be one of "add-remove", "add-only", not "x"; see "bulkhub users import --help".'],
    [['userz'], 'Did you mean users?', '"userz" is not a command of bulkhub. Did you mean "users"? See "bulkhub --help".'],
    [['users', 'imprt'], 'Did you mean import?', '"imprt" is not a command of bulkhub users. Did you mean "import"? See "bulkhub users --help".'],
    [['--db', '/tmp/x.db', '--log-level', 'info', 'orgs', 'create', '--name', 'X'], 'Missing required argument: vertical',
      '--vertical is required by bulkhub orgs create; see "bulkhub orgs create --help".'],
    [['users', 'import', 'a.csv', '--customer'], 'Not enough arguments following: customer', '--customer needs a value; see "bulkhub users import --help".'],
  ])('%j: %s', (words, message, worded) => {
    expect(wordArgumentError(message, words, NOUNS)).toBe(worded);
  });

  it('passes a text it does not know on as it is', () => {
    expect(wordArgumentError('Something new', ['users'])).toBe('Something new');
  });
});

describe('the CLI answers a bad command line in plain words, whatever the language of the shell', () => {
  it.each([
    [['users', 'import', 'x.csv', '--customer', 'acme', '--bogus-flag'], '--bogus-flag is not an option of bulkhub users import'],
    [['users'], '"bulkhub users" needs one more word'],
    [['users', 'import', 'x.csv'], '--customer is required by bulkhub users import'],
    [['users', 'import', 'x.csv', '--customer'], '--customer needs a value'],
  ])('%j', async (args, text) => {
    const result = await runCli(args, { env: { LANG: 'nl_NL.UTF-8', LC_ALL: 'nl_NL.UTF-8' } });
    expect(result.code).toBe(2);
    expect(result.said).toContain(`bulkhub: BAD_ARGUMENTS: ${text}`);
    expect(result.said).not.toMatch(/Unknown argument|non-option|Missing required|bogusFlag|Onbekend/);
  });
});

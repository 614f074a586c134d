import { describe, expect, it } from 'vitest';
import { spreadsheetDamage } from '../../src/domain/damage.js';
import { callingNameProblem } from '../../src/domain/names.js';

describe('spreadsheetDamage: a value that is the current one as a spreadsheet leaves it', () => {
  it.each([
    ['101', '0101', 'leading zero was dropped'],
    ['1', '001', 'leading 2 zeros were dropped'],
    ['31201110101', '+31201110101', 'the "+" was dropped'],
    ['31 20 111 0101', '+31201110101', 'the "+" was dropped'],
    ['3.12011E+10', '+31201110101', 'scientific notation'],
    ['3,12011E+10', '+31201110101', 'scientific notation'],
    ['3,12E+10', '+31201110101', 'scientific notation'],
    ['1.01E+02', '0101', 'scientific notation'],
    ['4,46313E+10', '+44631300010', 'scientific notation'],
  ])('%j against %j: %s', (file, current, what) => {
    expect(spreadsheetDamage(file, current)).toContain(what);
  });

  it.each([
    ['101', undefined],
    ['0101', '0101'],
    ['102', '0101'],
    ['1010', '0101'],
    ['3.12011E+10', '+31209990101'],
    ['3.12011E+9', '+31201110101'],
    ['+31201110102', '+31201110101'],
    ['0201110101', '+31201110101'],
  ])('%j against %j is no damage', (file, current) => {
    expect(spreadsheetDamage(file, current)).toBeUndefined();
  });
});

describe('callingNameProblem: Cisco\'s limit for the names of Webex Calling users', () => {
  it('takes 30 characters, counted as a person sees them', () => {
    expect(callingNameProblem('x'.repeat(30))).toBeUndefined();
    expect(callingNameProblem('José-María de la Cruz')).toBeUndefined();
    expect(callingNameProblem('佐藤'.repeat(15))).toBeUndefined();
    expect(callingNameProblem('x'.repeat(31))).toContain('is 31 characters long');
  });
  it.each(['%', '#', '<', '>', '\\', '/', '"'])('refuses %j and cites the article', (c) => {
    const why = callingNameProblem(`Anna${c}`);
    expect(why).toContain(`holds ${JSON.stringify(c)}`);
    expect(why).toContain('Add users manually in Control Hub');
  });
});

import { SCIENTIFIC } from './fields.js';

/**
 * Spreadsheet damage, told by comparing a cell with the value the user has now. Excel reads
 * `0101` as the number 101, `+31201110101` as 31201110101, and a long number as 3.12011E+10,
 * and writes it back so when the file is saved: each looks like a value, and would replace a
 * good one. Returns what happened in plain words when `file` is `current` with only such damage,
 * else undefined.
 */
export function spreadsheetDamage(file: string, current: string | undefined): string | undefined {
  if (current === undefined || file === current) return undefined;
  const currentDigits = current.replace(/^\+/, '');
  const fileText = file.trim();
  if (SCIENTIFIC.test(fileText)) return scientific(fileText, currentDigits);
  const fileDigits = fileText.replace(/[\s().\-/]/g, '');
  if (!/^\d+$/.test(fileDigits) || !/^\d+$/.test(currentDigits)) return undefined;
  const plus = current.startsWith('+');
  if (fileDigits === currentDigits) return plus ? 'the "+" was dropped' : undefined;
  const zeros = /^0+/.exec(currentDigits)?.[0].length ?? 0;
  if (zeros > 0 && fileDigits === currentDigits.slice(zeros)) {
    return `the leading ${zeros === 1 ? 'zero was' : `${zeros} zeros were`} dropped${plus ? ' with the "+"' : ''}`;
  }
  return undefined;
}

/** Whether the current digits, rounded to the digits the notation shows, are what the cell shows. */
function scientific(text: string, currentDigits: string): string | undefined {
  const [mantissa, exponent] = text.replace(',', '.').replace(/^[+-]/, '').toLowerCase().split('e') as [string, string];
  const point = mantissa.indexOf('.');
  const whole = point < 0 ? mantissa.length : point;
  const shown = mantissa.replace('.', '').replace(/^0+/, '');
  const significant = currentDigits.replace(/^0+/, '');
  if (shown === '' || significant.length < shown.length || significant.length !== whole + Number(exponent)) return undefined;
  const rounded = String(Math.round(Number(`${significant.slice(0, shown.length)}.${significant.slice(shown.length)}`)));
  return rounded === shown ? 'it was turned into scientific notation, which loses digits' : undefined;
}

import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Db } from '../db/open.js';
import { RunRefused } from '../domain/codes.js';
import { addLocation, listLocations, type LocationRecord } from '../backends/sqlite/directory.js';
import { parseCountry, requireText } from '../backends/sqlite/validate.js';
import { parseAddress } from './validate.js';
import { headerKey } from '../domain/columns.js';

/**
 * The branch locations of `customers setup` (seed 003, "add locations, such as branches"):
 * a small CSV, one location a row. Read whole and checked whole before anything is added, so
 * a typo on line 9 does not leave eight branches behind.
 */

export const LOCATION_COLUMNS = {
  name: 'Location Name',
  country: 'Country',
  addressLine1: 'Address Line 1',
  addressLine2: 'Address Line 2',
  city: 'City',
  stateOrProvince: 'State or Province',
  zipOrPostalCode: 'Zip or Postal Code',
} as const;

type LocationKey = keyof typeof LOCATION_COLUMNS;
type Branch = Omit<LocationRecord, 'customerId'> & { line: number };

const BY_HEADER = new Map(Object.entries(LOCATION_COLUMNS).map(([key, name]) => [headerKey(name), key as LocationKey]));
BY_HEADER.set(headerKey('Name'), 'name');

function bad(message: string): RunRefused {
  return new RunRefused('BAD_ARGUMENTS', message);
}

/** Reads and checks the file: UTF-8 (BOM or not), comma, semicolon or tab, a header line. */
export function readBranchLocations(path: string): Branch[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path)).replace(/^\uFEFF/, '');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ? 'it cannot be read' : 'it is not UTF-8 (save it as "CSV UTF-8")';
    throw bad(`Locations file ${path}: ${reason}.`);
  }
  const headerLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = ([',', ';', '\t'] as const).reduce((best, d) => (headerLine.split(d).length > headerLine.split(best).length ? d : best), ',');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { delimiter, skip_empty_lines: true, relax_column_count: false, info: true }) as unknown as typeof records;
  } catch (error) {
    throw bad(`Locations file ${path} is not a valid CSV: ${(error as Error).message}`);
  }
  const header = records[0]?.record;
  const rows = records.slice(1);
  if (!header) throw bad(`Locations file ${path} is empty; it needs a header line: ${Object.values(LOCATION_COLUMNS).join(',')}.`);
  const keys = header.map((cell) => BY_HEADER.get(headerKey(cell)));
  const unknown = header.filter((_, i) => keys[i] === undefined);
  if (unknown.length > 0 || !keys.includes('name') || !keys.includes('country')) {
    throw bad(
      `Locations file ${path}: the header must name the columns ${Object.values(LOCATION_COLUMNS).join(', ')} ` +
        `(Location Name and Country required)${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}.`,
    );
  }
  const problems: string[] = [];
  const branches: Branch[] = [];
  rows.forEach(({ record: cells, info }) => {
    // Where the record ends: a location never spans lines (a line break in a value is refused).
    const line = info.lines;
    const value = (key: LocationKey): string | undefined => cells[keys.indexOf(key)];
    try {
      const address = parseAddress({
        addressLine1: value('addressLine1'),
        addressLine2: value('addressLine2'),
        city: value('city'),
        stateOrProvince: value('stateOrProvince'),
        zipOrPostalCode: value('zipOrPostalCode'),
      });
      const branch: Branch = { line, name: requireText('Location Name', value('name'), 80), country: parseCountry(value('country') ?? ''), ...address };
      const twin = branches.find((b) => b.name.toLowerCase() === branch.name.toLowerCase());
      if (twin) throw bad(`Location "${branch.name}" is already on line ${twin.line}.`);
      branches.push(branch);
    } catch (error) {
      if (!(error instanceof RunRefused)) throw error;
      problems.push(`line ${line}: ${error.message}`);
    }
  });
  if (problems.length > 0) throw bad(`Locations file ${path} has errors; no location was added:\n  ${problems.join('\n  ')}`);
  return branches;
}

/**
 * Adds the branches the customer does not have yet. One that exists with the same country is
 * left as it is, so running the same setup again is harmless; a different country is refused.
 */
export function checkBranches(db: Db, customerId: string, branches: readonly Branch[]): { add: Branch[]; existing: string[] } {
  const current = new Map(listLocations(db, customerId).map((l) => [l.name.toLowerCase(), l]));
  const add: Branch[] = [];
  const existing: string[] = [];
  for (const branch of branches) {
    const there = current.get(branch.name.toLowerCase());
    if (!there) add.push(branch);
    else if (there.country === branch.country) existing.push(there.name);
    else throw bad(`Line ${branch.line}: location "${there.name}" already exists in customer ${customerId} in ${there.country}, not ${branch.country}.`);
  }
  return { add, existing };
}

export function addBranches(db: Db, customerId: string, branches: readonly Branch[]): LocationRecord[] {
  return db.transaction(() => branches.map(({ line: _line, ...branch }) => addLocation(db, { ...branch, customerId })))();
}

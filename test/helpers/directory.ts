import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addLocation, addSite, createCustomer } from '../../src/backends/sqlite/directory.js';
import { migrateDirectory } from '../../src/backends/sqlite/schema.js';
import { openDb } from '../../src/db/open.js';
import { COLUMN_KEYS, COLUMNS, type ColumnKey } from '../../src/domain/columns.js';
import { tempDir } from './cli.js';

export const HEADER = COLUMN_KEYS.map((k) => COLUMNS[k]).join(',');

/** A fresh folder with a directory holding customer `acme`: two locations, one site, its admin. */
export function acmeDirectory(): { dir: string; db: string; write(name: string, text: string): string } {
  const dir = tempDir();
  const dbPath = join(dir, 'bulkhub.db');
  const db = openDb(dbPath);
  migrateDirectory(db);
  createCustomer(db, { id: 'acme', name: 'Acme BV', adminEmail: 'admin@acme.nl', package: 'webex_suite' });
  addLocation(db, { customerId: 'acme', name: 'Amsterdam HQ', country: 'NL' });
  addLocation(db, { customerId: 'acme', name: 'Utrecht', country: 'NL' });
  addSite(db, { customerId: 'acme', url: 'acme.webex.com' });
  db.close();
  return {
    dir,
    db: dbPath,
    write(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
  };
}

/** One CSV line in the canonical column order from named values. */
export function userLine(values: Partial<Record<ColumnKey, string>>): string {
  return COLUMN_KEYS.map((k) => {
    const v = values[k] ?? '';
    return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  }).join(',');
}

/** A valid Webex Meetings user: the smallest row that adds someone. */
export function meetingsUser(n: number, extra: Partial<Record<ColumnKey, string>> = {}): string {
  return userLine({
    email: `user${n}@acme.nl`, firstName: `User`, lastName: `Number ${n}`, preferredSite: 'acme.webex.com',
    jabberCalling: 'FALSE', jabberTeams: 'TRUE', webex_calling: 'FALSE', webex_calling_standard: 'FALSE', webex_suite: 'FALSE',
    webex_voice: 'FALSE', webex_meetings: 'TRUE', ...extra,
  });
}

export const removalOf = (email: string): string =>
  userLine({ email, webex_calling: 'FALSE', webex_calling_standard: 'FALSE', webex_suite: 'FALSE', webex_voice: 'FALSE', webex_meetings: 'FALSE' });

/** Parses one of our report CSVs (BOM, CRLF, quoted cells) into rows of cells. */
export async function readReport(path: string, delimiter = ','): Promise<string[][]> {
  const { readFileSync } = await import('node:fs');
  const { parse } = await import('csv-parse/sync');
  return parse(readFileSync(path, 'utf8'), { bom: true, delimiter }) as string[][];
}

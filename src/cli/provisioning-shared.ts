import { notice } from './log.js';
import type { Argv } from 'yargs';
import type { Db } from '../db/open.js';
import { migrateProvisioning } from '../provisioning/schema.js';
import { openDbFromArgs, type GlobalArgs } from './context.js';

/** What the provisioning commands share: opening the file, address options, a warning line. */

/** Opens the database with the provisioning tables, runs `body`, and always closes the file. */
export async function withProvisioning<T>(argv: GlobalArgs, body: (db: Db) => T | Promise<T>): Promise<T> {
  const db = openDbFromArgs(argv);
  try {
    migrateProvisioning(db);
    return await body(db);
  } finally {
    db.close();
  }
}

export interface AddressArgs {
  'address-line1'?: string;
  'address-line2'?: string;
  city?: string;
  'state-or-province'?: string;
  'zip-or-postal-code'?: string;
}

/** The address fields of a location, optionally with a prefix (`--hq-city`). */
export function addressOptions<T>(y: Argv<T>, prefix = ''): Argv<T> {
  return y
    .option(`${prefix}address-line1`, { type: 'string', describe: 'Street and number (at most 50 characters)' })
    .option(`${prefix}address-line2`, { type: 'string', describe: 'Building, floor, suite' })
    .option(`${prefix}city`, { type: 'string', describe: 'City' })
    .option(`${prefix}state-or-province`, { type: 'string', describe: 'State or province' })
    .option(`${prefix}zip-or-postal-code`, { type: 'string', describe: 'Zip or postal code' });
}

/** Reads the address options back (yargs gives both spellings; the dashed one is typed here). */
export function addressFrom(argv: Record<string, unknown>, prefix = ''): {
  addressLine1?: string;
  addressLine2?: string;
  city?: string;
  stateOrProvince?: string;
  zipOrPostalCode?: string;
} {
  const get = (name: string): string | undefined => (typeof argv[`${prefix}${name}`] === 'string' ? (argv[`${prefix}${name}`] as string) : undefined);
  const fields = {
    addressLine1: get('address-line1'),
    addressLine2: get('address-line2'),
    city: get('city'),
    stateOrProvince: get('state-or-province'),
    zipOrPostalCode: get('zip-or-postal-code'),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

/** Warnings go to stderr with their code, so stdout stays the result (an id, or JSON). */
export function warn(code: string, message: string): void {
  notice('warn', `bulkhub: warning ${code}: ${message}`, { code });
}

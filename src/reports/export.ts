import { once } from 'node:events';
import type { Backend } from '../backends/port.js';
import { COLUMN_KEYS, COLUMNS, type ColumnKey } from '../domain/columns.js';
import { PACKAGES } from '../domain/packages.js';
import type { DirectoryUser } from '../domain/user.js';
import { csvText, UTF8_BOM } from '../csv/write.js';
import { partialStream } from './partial-file.js';

/**
 * Writes the customer's users in the import format, canonical columns in canonical order, the
 * user's package TRUE and the others FALSE. Importing the file again changes nothing, so an
 * export is also the best template to start from. A column the target cannot tell
 * (`Backend.unmanaged`: Webex has no API for the Jabber columns) is left blank, never FALSE.
 * Returns the number of users written.
 */
export async function exportUsers(backend: Backend, customerId: string, path?: string): Promise<number> {
  const file = path ? partialStream(path) : undefined;
  const out = file?.stream ?? process.stdout;
  let failure: Error | undefined;
  file?.stream.on('error', (error) => (failure ??= error));
  const write = (records: string[][]) => out.write(csvText(records));
  out.write(UTF8_BOM);
  write([COLUMN_KEYS.map((key) => COLUMNS[key])]);
  const unknown: ReadonlySet<string> = new Set(backend.unmanaged ?? []);
  let batch: string[][] = [];
  let count = 0;
  // NOTE: listUsers calls back synchronously, so writes cannot wait for the stream to drain;
  // the text is handed over in pieces of 5,000 users and the stream buffers what it must.
  await backend.listUsers(customerId, (user) => {
    batch.push(COLUMN_KEYS.map((key) => (unknown.has(key) ? '' : cellOf(user, key))));
    count++;
    if (batch.length >= 5000) {
      write(batch);
      batch = [];
    }
  });
  write(batch);
  if (file) {
    file.stream.end();
    if (!file.stream.closed) await once(file.stream, 'close');
    if (failure) {
      file.discard();
      throw failure;
    }
    file.commit();
  }
  return count;
}

function cellOf(user: DirectoryUser, key: ColumnKey): string {
  if (key === 'email') return user.email;
  if ((PACKAGES as readonly string[]).includes(key)) return user.package === key ? 'TRUE' : 'FALSE';
  const value = user[key as keyof DirectoryUser];
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (key === 'jabberCalling' || key === 'jabberTeams' || key === 'basicMessaging' || key === 'basicSpaceMeetings' || key === 'callingViaWebex') return 'FALSE';
  return value === undefined ? '' : String(value);
}

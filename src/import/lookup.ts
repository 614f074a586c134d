import type { Backend } from '../backends/port.js';
import { LOOKUP_BATCH_SIZE } from '../backends/port.js';
import type { DirectoryUser } from '../domain/user.js';

/** The current state of these users, asked for at most LOOKUP_BATCH_SIZE at a time. */
export async function lookUp(backend: Backend, customerId: string, keys: readonly string[]): Promise<Map<string, DirectoryUser>> {
  const found = new Map<string, DirectoryUser>();
  for (let i = 0; i < keys.length; i += LOOKUP_BATCH_SIZE) {
    for (const [key, user] of await backend.findUsers(customerId, keys.slice(i, i + LOOKUP_BATCH_SIZE))) found.set(key, user);
  }
  return found;
}

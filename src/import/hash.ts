import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { RunRefused } from '../domain/codes.js';
import { whyUnreadable } from '../domain/faults.js';

/** SHA-256 of the input file: identifies "the same file" for resume and for the audit trail. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  } catch (error) {
    throw new RunRefused('UNREADABLE_INPUT', `Cannot read ${path}: ${whyUnreadable(error)}.`);
  }
  return `sha256:${hash.digest('hex')}`;
}

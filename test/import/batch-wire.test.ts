import { describe, expect, it } from 'vitest';
import { rowError } from '../../src/domain/codes.js';
import { PACKAGES } from '../../src/domain/packages.js';
import type { ValidatedRow } from '../../src/domain/row.js';
import { ATTRIBUTE_KEYS, type Intent, type UserAttributes } from '../../src/domain/user.js';
import { BatchEncoder, decodeBatch, decodeIntent, encodeIntent } from '../../src/import/batch-wire.js';

const BOOLEAN_KEYS = new Set(['jabberCalling', 'jabberTeams', 'basicMessaging', 'basicSpaceMeetings', 'callingViaWebex']);
const AWKWARD = ['', 'El Amrani, Ørjan', 'say "hi"', 'two\nlines', '\\', 'Παπαδόπουλος', '😀', '\u2028', 'null', '0'];

/** Deterministic random intents: every attribute present or not, every package or none, removals. */
function randomIntents(count: number): Intent[] {
  let seed = 7;
  const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const email = `user${i}@acme.nl`;
    if (random() < 0.1) return { kind: 'remove', email };
    const attributes: UserAttributes = {};
    for (const key of ATTRIBUTE_KEYS) {
      if (random() < 0.4) continue;
      (attributes as Record<string, unknown>)[key] = BOOLEAN_KEYS.has(key) ? random() < 0.5 : `${pick(AWKWARD)}${pick(AWKWARD)}`;
    }
    return random() < 0.2 ? { kind: 'set', email, attributes } : { kind: 'set', email, package: pick(PACKAGES), attributes };
  });
}

describe('the compact intent between threads', () => {
  it('gives back every intent as it was: attributes present or absent, false, awkward text, each package or none, removals', () => {
    for (const intent of randomIntents(2000)) {
      const back = decodeIntent(intent.email, JSON.parse(encodeIntent(intent)));
      expect(back).toEqual(intent);
    }
  });

  it('is far shorter than the intent with names', () => {
    const intent: Intent = {
      kind: 'set', email: 'user1@bench.example.com', package: 'webex_calling',
      attributes: { firstName: 'Noa', lastName: 'Jansen', displayName: 'Jansen, Noa', extension: '0001000', phoneNumber: '+31200000001', location: 'Site 1', preferredSite: 'bench.webex.com', jabberCalling: false, callingViaWebex: true },
    };
    expect(encodeIntent(intent).length).toBeLessThan(JSON.stringify(intent).length / 2);
  });

  it('carries a batch of rows: lines, e-mails as written, keys, issues and drafts', () => {
    const intents = randomIntents(300);
    const encoder = new BatchEncoder();
    const rows: ValidatedRow[] = intents.map((intent, i) => {
      if (i % 7 === 3) {
        return { email: ` Bad "${i}" `, issues: [rowError('INVALID_EMAIL', 'E-mail: not an e-mail address.', 'E-mail')] };
      }
      if (i % 7 === 5) {
        return { email: intent.email, key: intent.email, issues: [rowError('INVALID_BOOLEAN', 'x: not TRUE or FALSE.', 'x')], draft: { intent, unreadable: { jabberCalling: 'yes' }, packageUnread: false } };
      }
      return { email: intent.email, key: intent.email, intent, issues: [] };
    });
    rows.forEach((row, i) => encoder.add(i + 2, row));
    expect(encoder.size).toBe(300);
    const decoded = decodeBatch(encoder.take());
    expect(encoder.size).toBe(0);
    expect(decoded).toHaveLength(300);
    decoded.forEach((row, i) => {
      expect(row).toEqual({ line: i + 2, ...rows[i] });
    });
    expect(decodeBatch(encoder.take())).toEqual([]);
  });
});

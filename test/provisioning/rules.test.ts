import { describe, expect, it } from 'vitest';
import { RunRefused } from '../../src/domain/codes.js';
import { isProbablyNotTheRightOne, rankCandidates, type OrgFacts } from '../../src/provisioning/finder-rules.js';
import { distributeLicences, parseSiteArg } from '../../src/provisioning/licences.js';
import { assignNumbers, parseNumberPool } from '../../src/provisioning/number-pool.js';
import { parseInstant, parseLanguage, parseTimeZone } from '../../src/provisioning/validate.js';

const NOW = new Date('2026-06-15T12:00:00Z');

function org(id: string, facts: Partial<OrgFacts> = {}): OrgFacts {
  return { id, name: id, kind: 'customer', vertical: null, country: 'NL', domains: [], users: 1, activeUsers: 0, lastActivity: null, ...facts };
}

function refusal(fn: () => unknown): RunRefused {
  try {
    fn();
  } catch (error) {
    if (error instanceof RunRefused) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('organisation finder rules', () => {
  it('flags an organisation with no verified domain and no activity in the last 12 months, and only that', () => {
    expect(isProbablyNotTheRightOne(org('never'), NOW)).toBe(true);
    expect(isProbablyNotTheRightOne(org('old', { lastActivity: '2025-06-15T11:59:59.000Z' }), NOW)).toBe(true);
    expect(isProbablyNotTheRightOne(org('just-in', { lastActivity: '2025-06-15T12:00:00.000Z' }), NOW)).toBe(false);
    expect(isProbablyNotTheRightOne(org('unverified', { domains: [{ domain: 'a.nl', status: 'unverified' }] }), NOW)).toBe(true);
    expect(isProbablyNotTheRightOne(org('verified', { domains: [{ domain: 'a.nl', status: 'verified' }] }), NOW)).toBe(false);
    expect(isProbablyNotTheRightOne(org('claimed', { domains: [{ domain: 'a.nl', status: 'claimed' }] }), NOW)).toBe(false);
  });

  it('ranks by the tie to the domain, then plausibility, active users, last activity and name', () => {
    const ranked = rankCandidates(
      [
        org('by-users-stale', { lastActivity: '2020-01-01T00:00:00.000Z' }),
        org('by-users-busy', { activeUsers: 5, lastActivity: '2026-06-01T00:00:00.000Z' }),
        org('verified-quiet', { domains: [{ domain: 'acme.nl', status: 'verified' }], activeUsers: 1 }),
        org('verified-busy', { domains: [{ domain: 'acme.nl', status: 'verified' }], activeUsers: 9 }),
        org('claimed', { domains: [{ domain: 'acme.nl', status: 'claimed' }] }),
        org('other-domain-verified', { domains: [{ domain: 'other.nl', status: 'verified' }] }),
      ],
      'acme.nl',
      NOW,
    );
    expect(ranked.map((c) => [c.id, c.matchedBy, c.probablyNotTheRightOne])).toEqual([
      ['claimed', 'claimed-domain', false],
      ['verified-busy', 'verified-domain', false],
      ['verified-quiet', 'verified-domain', false],
      ['by-users-busy', 'user-e-mails', false],
      ['other-domain-verified', 'user-e-mails', false],
      ['by-users-stale', 'user-e-mails', true],
    ]);
  });
});

describe('Meetings sites and licences', () => {
  it('reads site URL names as DNS labels and stores NAME.webex.com', () => {
    expect(parseSiteArg('Delta')).toEqual({ given: 'Delta', url: 'delta.webex.com' });
    expect(parseSiteArg('https://delta-events.webex.com/=20')).toMatchObject({ url: 'delta-events.webex.com', licences: 20 });
    for (const bad of ['-delta', 'delta-', 'del_ta', 'a.b', 'x'.repeat(64), 'delta=0', 'delta=2.5', 'delta=ten', 'a=1=2', '']) {
      expect(refusal(() => parseSiteArg(bad)).code, bad).toBe('BAD_ARGUMENTS');
    }
    expect(parseSiteArg('x'.repeat(63)).url).toBe(`${'x'.repeat(63)}.webex.com`);
  });

  it('gives one site every licence, and makes several add up exactly', () => {
    expect(distributeLicences([parseSiteArg('delta')], 50, 'Sub1')).toEqual([{ url: 'delta.webex.com', licences: 50 }]);
    expect(distributeLicences(['a=30', 'b=20'].map(parseSiteArg), 50, 'Sub1')).toEqual([
      { url: 'a.webex.com', licences: 30 },
      { url: 'b.webex.com', licences: 20 },
    ]);
    const short = refusal(() => distributeLicences(['a=30', 'b=15'].map(parseSiteArg), 50, 'Sub1'));
    expect(short.code).toBe('LICENCES_DO_NOT_ADD_UP');
    expect(short.message).toContain('add up to 45');
    expect(short.message).toContain('5 short');
    expect(refusal(() => distributeLicences(['a=40', 'b=20'].map(parseSiteArg), 50, 'Sub1')).message).toContain('10 too many');
    expect(refusal(() => distributeLicences([parseSiteArg('a=49')], 50, 'Sub1')).code).toBe('LICENCES_DO_NOT_ADD_UP');
    expect(refusal(() => distributeLicences(['a=30', 'b'].map(parseSiteArg), 50, 'Sub1')).message).toContain('missing for b.webex.com');
    expect(refusal(() => distributeLicences(['a=25', 'A=25'].map(parseSiteArg), 50, 'Sub1')).message).toContain('named twice');
  });
});

describe('number pool', () => {
  it('reads FIRST-LAST ranges of E.164 numbers', () => {
    expect(parseNumberPool('+31201234500-+31201234599')).toEqual({ first: '+31201234500', last: '+31201234599', size: 100 });
    expect(parseNumberPool('+31201234500 - 31201234509').size).toBe(10);
    for (const bad of ['31201234500-31201234599', '+31201234599-+31201234500', '+3120123450-+31201234599', '+31 20-+31 21', '+1-+2', '+31200000000-+31201000000']) {
      expect(refusal(() => parseNumberPool(bad)).code, bad).toBe('BAD_ARGUMENTS');
    }
  });

  it('assigns the lowest free numbers in file order and refuses when the pool runs out', () => {
    const pool = parseNumberPool('+31201234500-+31201234503');
    const needs = [{ email: 'a@x.nl', line: 2 }, { email: 'b@x.nl', line: 5 }];
    expect(assignNumbers(needs, pool, new Set(['+31201234500', '+31201234502']))).toEqual([
      { email: 'a@x.nl', line: 2, phoneNumber: '+31201234501' },
      { email: 'b@x.nl', line: 5, phoneNumber: '+31201234503' },
    ]);
    const none = refusal(() => assignNumbers([...needs, { email: 'c@x.nl', line: 6 }], pool, new Set(['+31201234500', '+31201234502'])));
    expect(none.code).toBe('NUMBER_POOL_EXHAUSTED');
    expect(none.message).toContain('only 2 free numbers');
    expect(none.message).toContain('c@x.nl (line 6)');
    expect(assignNumbers([], pool, new Set())).toEqual([]);
  });
});

describe('provisioning field rules', () => {
  it('accepts IANA time zones in their canonical spelling and refuses offsets and unknown names', () => {
    expect(parseTimeZone('europe/amsterdam')).toBe('Europe/Amsterdam');
    expect(parseTimeZone('UTC')).toBe('UTC');
    for (const bad of ['+01:00', 'Mars/Olympus', 'CET+1', '']) expect(refusal(() => parseTimeZone(bad)).code, bad).toBe('BAD_ARGUMENTS');
  });

  it('reads languages and instants', () => {
    expect(parseLanguage('sv-se')).toBe('sv_SE');
    expect(parseLanguage('EN')).toBe('en');
    expect(refusal(() => parseLanguage('Swedish')).code).toBe('BAD_ARGUMENTS');
    expect(parseInstant('Last activity', '2025-03-01', NOW)).toBe('2025-03-01T00:00:00.000Z');
    expect(parseInstant('Last activity', '2025-03-01T10:00:00+02:00', NOW)).toBe('2025-03-01T08:00:00.000Z');
    expect(refusal(() => parseInstant('Last activity', '2027-01-01', NOW)).message).toContain('in the future');
    expect(refusal(() => parseInstant('Last activity', 'yesterday', NOW)).code).toBe('BAD_ARGUMENTS');
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdaptiveLimiter, Governor, LIMITER_DEFAULTS } from '../../src/backends/webex/limiter.js';

const governor = (max = 8) => new Governor({ ...LIMITER_DEFAULTS, maxConcurrency: max }, 0);

describe('the governor (pure AIMD math)', () => {
  it('halves the concurrency once per throttle episode that teaches no rate, never below 1', () => {
    const g = governor(8);
    g.throttled(1_000, 1_000);
    expect(g.state.concurrency).toBe(4);
    g.throttled(1_100, 1_000); // another worker's 429 of the same episode
    g.throttled(1_500, 1_000);
    expect(g.state.concurrency).toBe(4);
    g.throttled(2_500, 1_000);
    expect(g.state.concurrency).toBe(2);
    g.throttled(4_000, 1_000);
    g.throttled(6_000, 1_000);
    expect(g.state.concurrency).toBe(1);
  });

  it('pauses everyone until the latest Retry-After', () => {
    const g = governor();
    g.throttled(1_000, 2_000);
    g.throttled(1_200, 500);
    expect(g.state.pausedUntil).toBe(3_000);
    expect(g.readyAt()).toBe(3_000);
  });

  it('learns a rate from what was sent when the throttle came, then cuts it gently, keeping the concurrency', () => {
    const g = governor();
    for (let t = 0; t < 1_000; t += 10) g.recordSend(t); // 100 sent in the last second
    g.throttled(999, 1_000);
    expect(g.state.rate).toBeCloseTo(85, 5);
    g.throttled(3_000, 1_000);
    expect(g.state.rate).toBeCloseTo(72.25, 5);
    // The rate is the control for a rate limit: halving the concurrency too would starve it when replies are slow.
    expect(g.state.concurrency).toBe(8);
  });

  it('learns no rate from a throttle after only a few sends', () => {
    const g = governor();
    g.recordSend(0);
    g.throttled(100, 1_000);
    expect(g.state.rate).toBe(Infinity);
    expect(g.state.pausedUntil).toBe(1_100);
  });

  it('grows back after calm periods: +1 concurrency, and +rate only while the rate is what holds us back', () => {
    const g = governor(8);
    g.recordSend(0);
    g.throttled(500, 1_000); // teaches no rate: the concurrency is halved
    expect(g.state.concurrency).toBe(4);
    for (let t = 1_520; t <= 2_500; t += 20) g.recordSend(t); // 50/s
    g.throttled(2_500, 1_000); // teaches a rate: 42.5
    const rate = g.state.rate;
    expect(rate).toBeCloseTo(42.5, 5);
    expect(g.state.concurrency).toBe(4);
    g.calm(3_000); // still paused
    expect(g.state.concurrency).toBe(4);
    g.calm(4_600); // calm for a second after the pause, but nothing sent lately
    expect(g.state.concurrency).toBe(5);
    expect(g.state.rate).toBe(rate);
    for (let t = 4_700; t < 5_700; t += 20) g.recordSend(t); // 50/s: at the rate
    g.calm(5_699);
    expect(g.state.concurrency).toBe(6);
    expect(g.state.rate).toBeCloseTo(rate + Math.max(LIMITER_DEFAULTS.rateStep, rate * LIMITER_DEFAULTS.rateGrowth), 5);
    for (let t = 7; t < 22; t++) g.calm(t * 1_000);
    expect(g.state.concurrency).toBe(8);
  });
});

describe('the pacing (pure, driven by a clock whose wake-ups come late)', () => {
  /** Sends in one second at 50/s learned (after a second of the same), each wake-up `late` ms after the slot it waited for. */
  const sentInOneSecond = (late: number): number => {
    const g = governor(16);
    for (let t = 0; t < 1_000; t += 1_000 / 59) g.recordSend(t);
    g.throttled(1_000, 0); // learns 59 × 0.85 ≈ 50/s
    expect(g.state.rate).toBeCloseTo(50, 0);
    let sent = 0;
    let now = 1_000;
    while (now < 3_000) {
      if (g.readyAt() <= now) {
        g.take(now);
        if (now >= 2_000) sent++; // the second second: the pace, whatever the start banked
      } else now = g.readyAt() + late; // a timer on a busy event loop fires late
    }
    return sent;
  };

  it('sends the rate it was set to even when every timer fires late: a late wake-up sends the slots it missed', () => {
    expect(sentInOneSecond(0)).toBe(50);
    expect(sentInOneSecond(4)).toBeGreaterThanOrEqual(49);
    expect(sentInOneSecond(15)).toBeGreaterThanOrEqual(49);
  });

  it('banks no more than catchUpMs of an idle spell: after a quiet second, the few slots of 50 ms leave at once, then the pace', () => {
    const g = governor(16);
    for (let t = 0; t < 1_000; t += 1_000 / 59) g.recordSend(t);
    g.throttled(1_000, 0);
    let now = 5_000; // idle since 1 s
    let atOnce = 0;
    while (g.readyAt() <= now) {
      g.take(now);
      atOnce++;
    }
    expect(atOnce).toBe(1 + Math.floor(LIMITER_DEFAULTS.catchUpMs / (1_000 / g.state.rate)));
    now = g.readyAt();
    g.take(now);
    expect(g.readyAt() - now).toBeCloseTo(1_000 / g.state.rate, 5);
  });
});

describe('the limiter', () => {
  afterEach(() => vi.useRealTimers());

  it('keeps at most `concurrency` in flight and hands slots over in order', async () => {
    const limiter = new AdaptiveLimiter({ maxConcurrency: 2 });
    const order: number[] = [];
    let inFlight = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const release = await limiter.acquire();
        order.push(i);
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        release();
      }),
    );
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('makes every waiting worker wait when one is throttled', async () => {
    vi.useFakeTimers({ now: 0 });
    const limiter = new AdaptiveLimiter({ maxConcurrency: 4 });
    const first = await limiter.acquire();
    limiter.throttled(2_000);
    first();
    const started: number[] = [];
    const workers = Array.from({ length: 3 }, async () => {
      const release = await limiter.acquire();
      started.push(Date.now());
      release();
    });
    await vi.advanceTimersByTimeAsync(1_999);
    expect(started).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    await Promise.all(workers);
    expect(started.length).toBe(3);
    expect(Math.min(...started)).toBeGreaterThanOrEqual(2_000);
    // One send is no evidence about our rate: nothing learned, only the pause.
    expect(limiter.rate).toBe(Infinity);
    expect(limiter.concurrency).toBe(2);
  });
});

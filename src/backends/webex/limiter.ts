/**
 * One limiter shared by every request of a run, so the workers behave as one client:
 * - when any request is told to wait (429/423 + Retry-After), every worker waits;
 * - concurrency follows AIMD: halved on a throttle that teaches no rate, +1 after a calm period;
 * - a request rate is learned the same way (the concurrency alone cannot bound the rate when
 *   replies are fast), so a run settles just under the server's limit instead of bouncing off it.
 *
 * The math lives in `Governor` (pure, driven by the caller's clock, unit-tested); `AdaptiveLimiter`
 * adds the queue and the timers.
 */

export interface LimiterOptions {
  /** The most requests in flight at once (the CLI's --concurrency). */
  maxConcurrency: number;
  /** How long without a throttle counts as calm. */
  calmMs?: number;
  /** Rate decrease factor on a throttle (TCP-like AIMD with a gentle cut: the pause refills the server's bucket). */
  backoffFactor?: number;
  /** Requests per second added for each calm period once a rate was learned: the larger of a step and a share. */
  rateStep?: number;
  rateGrowth?: number;
  /** Sends in the last second below which a throttle teaches no rate. */
  evidence?: number;
  /** The rate never drops below this (requests per second). */
  minRate?: number;
  /**
   * How far behind its schedule the pacing may catch up (ms). A timer fires late on a busy
   * event loop; without catching up, every late wake-up is a slot lost, and the rate actually
   * sent falls below the rate set (by 10-15% on a loaded machine). It also bounds the slots an
   * idle spell can bank: at most this long's worth leave at once.
   */
  catchUpMs?: number;
  now?: () => number;
}

export interface GovernorState {
  concurrency: number;
  /** Requests per second; Infinity until the first throttle. */
  rate: number;
  pausedUntil: number;
  lastThrottleAt: number;
  lastIncreaseAt: number;
  /** When the next request may leave by the rate (the pacing's schedule). */
  nextSlotAt: number;
}

/** The limiter's decisions, as pure functions of its state and the clock. */
export class Governor {
  readonly state: GovernorState;
  private readonly sent: number[] = [];

  constructor(private readonly options: Required<Omit<LimiterOptions, 'now'>>, now: number) {
    this.state = { concurrency: options.maxConcurrency, rate: Infinity, pausedUntil: 0, lastThrottleAt: -Infinity, lastIncreaseAt: now, nextSlotAt: 0 };
  }

  /** Records one request leaving now (the send rate is measured over the last second). */
  recordSend(now: number): void {
    this.sent.push(now);
    while (this.sent.length > 0 && this.sent[0]! <= now - 1000) this.sent.shift();
  }

  /** Requests sent in the last second. */
  sendRate(now: number): number {
    return this.sent.filter((t) => t > now - 1000).length;
  }

  /**
   * A request was told to wait `waitMs`. Everyone waits. The cut happens once per episode: the
   * workers that were in flight together all get 429s, and cutting once per 429 would collapse
   * what is one event.
   *
   * What we were sending when the server's bucket ran dry is at or above its limit: that rate,
   * cut gently, is what is learned, and it is the right control for a rate limit. The concurrency
   * is halved only when no rate can be learned (a throttle after only a few sends says nothing
   * about our rate: a burst aimed at everyone, another client). Halving it as well would starve
   * the rate whenever replies are slow (in flight = rate × reply time), and cost far more than
   * the 429s it avoids.
   */
  throttled(now: number, waitMs: number): void {
    const s = this.state;
    s.pausedUntil = Math.max(s.pausedUntil, now + waitMs);
    if (now < s.lastThrottleAt + Math.max(waitMs, 1000)) return;
    s.lastThrottleAt = now;
    s.lastIncreaseAt = now + waitMs;
    // Before the first throttle there is no rate yet: the last second's sends are the measure.
    const sent = this.sendRate(now);
    if (!Number.isFinite(s.rate) && sent < this.options.evidence) {
      s.concurrency = Math.max(1, Math.floor(s.concurrency / 2));
      return;
    }
    const sending = Number.isFinite(s.rate) ? s.rate : sent;
    s.rate = Math.max(this.options.minRate, sending * this.options.backoffFactor);
  }

  /** A request finished without being throttled: after a calm period, allow a little more. */
  calm(now: number): void {
    const s = this.state;
    if (now - s.lastIncreaseAt < this.options.calmMs || now < s.pausedUntil) return;
    s.lastIncreaseAt = now;
    if (s.concurrency < this.options.maxConcurrency) s.concurrency += 1;
    // Grow the rate only while it is what holds us back; otherwise it would drift far above
    // what we really send, and the next throttle would have to cut it many times.
    if (Number.isFinite(s.rate) && this.sendRate(now) >= s.rate * 0.8) s.rate += Math.max(this.options.rateStep, s.rate * this.options.rateGrowth);
  }

  /** The earliest time the next request may leave, given the pause and the rate. */
  readyAt(): number {
    return Math.max(this.state.pausedUntil, this.state.nextSlotAt);
  }

  /**
   * One request leaves now (at or after `readyAt()`). The schedule moves on by one interval from
   * where it was, not from now: a wake-up that came late sends the slots it missed, up to
   * `catchUpMs` behind; an idle spell banks no more than that.
   */
  take(now: number): void {
    const s = this.state;
    s.nextSlotAt = Math.max(now - this.options.catchUpMs, s.nextSlotAt) + this.interval();
    this.recordSend(now);
  }

  interval(): number {
    return Number.isFinite(this.state.rate) ? 1000 / this.state.rate : 0;
  }
}

export const LIMITER_DEFAULTS = { calmMs: 1000, backoffFactor: 0.85, rateStep: 0.5, rateGrowth: 0.02, minRate: 0.5, evidence: 5, catchUpMs: 50 } as const;

export class AdaptiveLimiter {
  readonly governor: Governor;
  private readonly now: () => number;
  private readonly waiters: Array<() => void> = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: LimiterOptions) {
    this.now = options.now ?? Date.now;
    this.governor = new Governor({ ...LIMITER_DEFAULTS, ...stripUndefined(options), maxConcurrency: Math.max(1, options.maxConcurrency) }, this.now());
  }

  /** Waits for a slot (concurrency, pause and rate); call the returned function when the reply is in. */
  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      this.waiters.push(() => {
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.inFlight--;
          this.pump();
        });
      });
      this.pump();
    });
  }

  throttled(waitMs: number): void {
    this.governor.throttled(this.now(), waitMs);
  }

  calm(): void {
    this.governor.calm(this.now());
    this.pump();
  }

  get concurrency(): number {
    return this.governor.state.concurrency;
  }

  get rate(): number {
    return this.governor.state.rate;
  }

  private pump(): void {
    if (this.timer) return; // a timer is set; it pumps when it fires
    while (this.waiters.length > 0 && this.inFlight < this.governor.state.concurrency) {
      const now = this.now();
      const readyAt = this.governor.readyAt();
      if (readyAt > now) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, Math.ceil(readyAt - now));
        return;
      }
      this.inFlight++;
      this.governor.take(now);
      this.waiters.shift()!();
    }
  }
}

function stripUndefined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as Partial<T>;
}

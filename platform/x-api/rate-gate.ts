import { abortable, sleep } from '../async.js';

export interface RateLimitStatus {
  readonly limit: number;
  readonly remaining: number;
  /** Epoch seconds, as `x-rate-limit-reset` gives it. */
  readonly reset: number;
}

export interface RateWait {
  readonly ms: number;
}

/**
 * Spends one endpoint's rate-limit window without ever asking for a 429: requests go out while
 * the window has room for them and the ones already in flight, and wait for the reset when it
 * has none. Before the first answer of a window only one request is in flight, to learn it.
 *
 * Answers can arrive out of order, so within one window the lowest `remaining` seen wins.
 */
export class RateGate {
  private remaining: number | undefined;
  private resetAtMs: number | undefined;
  private inFlight = 0;
  private wakers: Array<() => void> = [];
  /** When the next request may start, for endpoints that also limit requests per second. */
  private nextStartAt = 0;
  /** One wait for the reset, shared by every caller, so that it is counted once. */
  private windowWait: { promise: Promise<void>; cancel: () => void; waiters: number } | undefined;
  /** The reset the last reported wait was for: a timer can end before `now()` reaches it, and the rest is the same wait. */
  private reportedResetAtMs: number | undefined;

  constructor(
    /** Slack after the reset second, for clocks that disagree with X's. */
    private readonly marginMs: number,
    private readonly onWait: (wait: RateWait) => void = () => undefined,
    private readonly now: () => number = Date.now,
    /** Least time between two requests' starts (full-archive search allows one a second). */
    private readonly minIntervalMs = 0,
  ) {}

  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      if (this.resetAtMs !== undefined && this.now() >= this.resetAtMs) {
        this.remaining = undefined;
        this.resetAtMs = undefined;
      }
      if (this.remaining === undefined ? this.inFlight === 0 : this.remaining - this.inFlight > 0) {
        const early = this.nextStartAt - this.now();
        if (early > 0) {
          await sleep(early, signal);
          continue;
        }
        this.nextStartAt = this.now() + this.minIntervalMs;
        this.inFlight += 1;
        return;
      }
      if (this.inFlight === 0 && this.resetAtMs !== undefined) {
        await this.waitForReset(this.resetAtMs, signal);
        continue;
      }
      await abortable(new Promise<void>((resolve) => this.wakers.push(resolve)), signal);
    }
  }

  /** One wait shared by every caller; cancelled when the last of them gives up, so no timer outlives it. */
  private async waitForReset(resetAtMs: number, signal: AbortSignal | undefined): Promise<void> {
    if (!this.windowWait) {
      const ms = resetAtMs - this.now();
      if (this.reportedResetAtMs !== resetAtMs) this.onWait({ ms });
      this.reportedResetAtMs = resetAtMs;
      const cancel = new AbortController();
      const promise = sleep(ms, cancel.signal)
        .catch(() => undefined)
        .finally(() => (this.windowWait = undefined));
      this.windowWait = {
        promise,
        cancel: () => {
          cancel.abort();
        },
        waiters: 0,
      };
    }
    const wait = this.windowWait;
    wait.waiters += 1;
    try {
      await abortable(wait.promise, signal);
    } finally {
      wait.waiters -= 1;
      if (wait.waiters === 0 && signal?.aborted === true) wait.cancel();
    }
  }

  /** The request that `acquire` let through has its answer (or none, when it failed without one). */
  settle(status: RateLimitStatus | undefined): void {
    this.inFlight -= 1;
    if (status) this.observe(status);
    const wakers = this.wakers;
    this.wakers = [];
    for (const wake of wakers) wake();
  }

  /**
   * X refused a request (429) in a window that ends at `reset` (epoch seconds): count the window as
   * spent until then, whatever `remaining` said. False when that reset is not ahead of now.
   */
  spentUntil(reset: number): boolean {
    const resetAtMs = reset * 1000 + this.marginMs;
    if (resetAtMs <= this.now()) return false;
    this.resetAtMs = Math.max(this.resetAtMs ?? 0, resetAtMs);
    this.remaining = 0;
    return true;
  }

  private observe(status: RateLimitStatus): void {
    const resetAtMs = status.reset * 1000 + this.marginMs;
    if (this.resetAtMs === undefined || resetAtMs > this.resetAtMs) {
      this.resetAtMs = resetAtMs;
      this.remaining = status.remaining;
    } else if (resetAtMs === this.resetAtMs) {
      this.remaining = Math.min(this.remaining ?? status.remaining, status.remaining);
    }
  }
}

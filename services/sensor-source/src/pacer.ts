import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A token bucket: `rate` tokens a second, at most `burst` saved up. `take` resolves when the tokens
 * are there, so a producer loop runs at `rate` on average without drifting when a send is slow.
 */
export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #updated: number;

  constructor(rate: number, options: { burst?: number; now?: () => number } = {}) {
    if (!(rate > 0)) throw new RangeError('rate must be positive');
    this.#rate = rate;
    // A tenth of a second's worth by default, and at least one token.
    this.#burst = options.burst ?? Math.max(1, rate / 10);
    this.#now = options.now ?? (() => performance.now());
    this.#tokens = this.#burst;
    this.#updated = this.#now();
  }

  /** Milliseconds until `count` tokens are available (0: now), after refilling. */
  delayFor(count: number): number {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#updated) * this.#rate) / 1000);
    this.#updated = now;
    return this.#tokens >= count ? 0 : ((count - this.#tokens) * 1000) / this.#rate;
  }

  /** Waits for `count` tokens (count may exceed the burst: it then waits for the deficit) and spends them. */
  async take(count = 1, signal?: AbortSignal): Promise<void> {
    const delay = this.delayFor(count);
    if (delay > 0) await sleep(delay, undefined, signal ? { signal } : {});
    this.delayFor(0);
    this.#tokens -= count;
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import type { Pace } from './config.ts';

/**
 * Decides how long to wait before the next row. By rate: row n is due at start + n / rate, so a
 * slow send is caught up instead of drifting. By event time: a pickup is due at
 * start + (pickup − first pickup) / speed-up, measured on the latest pickup so far (an out-of-order
 * row never waits: the real file is not in time order).
 */
export class Pacer {
  readonly #pace: Pace;
  readonly #started = performance.now();
  #rows = 0;
  #firstEvent: number | undefined;
  #latestEvent = Number.NEGATIVE_INFINITY;

  constructor(pace: Pace) {
    this.#pace = pace;
  }

  /** Counts a row (with its pickup time, ISO, when it has one) and returns milliseconds to wait. */
  admit(pickup: string | undefined): number {
    this.#rows++;
    const pace = this.#pace;
    if (pace.kind === 'max') return 0;
    const elapsed = performance.now() - this.#started;
    if (pace.kind === 'rate') return Math.max(0, (this.#rows / pace.rowsPerSecond) * 1000 - elapsed);
    if (pickup === undefined) return 0;
    const eventTime = Date.parse(pickup);
    this.#firstEvent ??= eventTime;
    this.#latestEvent = Math.max(this.#latestEvent, eventTime);
    return Math.max(0, (this.#latestEvent - this.#firstEvent) / pace.factor - elapsed);
  }

  async wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (ms <= 0) return;
    await sleep(ms, undefined, signal ? { signal } : {}).catch(() => {});
  }
}

/** Exponential backoff with full jitter, as AWS's architecture blog recommends for contended retries. */
export class Backoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  #attempt = 0;

  constructor(initialMs = 200, maxMs = 30_000) {
    this.#initialMs = initialMs;
    this.#maxMs = maxMs;
  }

  get attempt(): number {
    return this.#attempt;
  }

  next(): number {
    const ceiling = Math.min(this.#maxMs, this.#initialMs * 2 ** this.#attempt);
    this.#attempt += 1;
    return Math.max(this.#initialMs / 2, Math.random() * ceiling);
  }

  reset(): void {
    this.#attempt = 0;
  }
}

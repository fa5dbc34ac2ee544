/**
 * X's documented reconnect policy for streaming endpoints
 * (https://docs.x.com/x-api/fundamentals/handling-disconnections): an established connection that
 * drops is reconnected at once; a failed attempt backs off by the kind of failure.
 */
export interface BackoffSettings {
  /** TCP/IP-level errors: linear, this much more per attempt (X: 250 ms)… */
  readonly networkStepMs: number;
  /** …up to this (X: 16 s). */
  readonly networkMaxMs: number;
  /** HTTP errors worth retrying (5xx): exponential from this (X: 5 s)… */
  readonly httpBaseMs: number;
  /** …up to this (X: 320 s). */
  readonly httpMaxMs: number;
  /** 429 without a reset header: exponential from this (X: 1 min), up to 32 times it. */
  readonly rateLimitBaseMs: number;
}

export const X_BACKOFF: BackoffSettings = {
  networkStepMs: 250,
  networkMaxMs: 16_000,
  httpBaseMs: 5_000,
  httpMaxMs: 320_000,
  rateLimitBaseMs: 60_000,
};

/** Why the client (re)connects; `dropped` and `stall` and `operational-disconnect` follow an established connection. */
export type ReconnectReason =
  | 'network'
  | 'http'
  | 'rate-limit'
  | 'dropped'
  | 'stall'
  | 'operational-disconnect';

export type Failure =
  | { readonly kind: 'network' }
  | { readonly kind: 'http'; readonly status: number }
  | { readonly kind: 'rate-limit'; readonly resetAtMs: number | undefined }
  /** An established connection ended (closed, stalled, or an errors object): reconnect at once. */
  | { readonly kind: 'established-ended' };

const RATE_LIMIT_MAX_FACTOR = 32;

/** Attempt counters per kind of failure; pure apart from the `now` it is given. */
export class ReconnectBackoff {
  readonly #settings: BackoffSettings;
  #network = 0;
  #http = 0;
  #rateLimit = 0;

  constructor(settings: BackoffSettings = X_BACKOFF) {
    this.#settings = settings;
  }

  /** The delay before the next attempt after `failure`, in milliseconds. */
  next(failure: Failure, now: number): number {
    const s = this.#settings;
    switch (failure.kind) {
      case 'established-ended':
        this.reset();
        return 0;
      case 'network':
        this.#network++;
        return Math.min(this.#network * s.networkStepMs, s.networkMaxMs);
      case 'http':
        this.#http++;
        return Math.min(s.httpBaseMs * 2 ** (this.#http - 1), s.httpMaxMs);
      case 'rate-limit':
        this.#rateLimit++;
        // The reset header says when the window reopens: waiting longer gains nothing, shorter fails again.
        if (failure.resetAtMs !== undefined) return Math.max(0, failure.resetAtMs - now);
        return s.rateLimitBaseMs * Math.min(2 ** (this.#rateLimit - 1), RATE_LIMIT_MAX_FACTOR);
    }
  }

  /** A connection was established and delivered data: the next failure starts from the first step. */
  reset(): void {
    this.#network = 0;
    this.#http = 0;
    this.#rateLimit = 0;
  }
}

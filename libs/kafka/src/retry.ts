import type { RetryOptions } from 'kafkajs';

const INITIAL_RETRY_MS = 300;
const MAX_RETRY_MS = 5_000;
const BACKOFF = {
  initialRetryTime: INITIAL_RETRY_MS,
  maxRetryTime: MAX_RETRY_MS,
  factor: 0.2,
  multiplier: 2,
};

/**
 * kafkajs counts retries, not time: find the count whose doubling delays (capped at 5 s) add up to
 * the budget, so a dead broker's leaderships can move before a request gives up.
 */
export function retryWithin(budgetMs: number): RetryOptions {
  let retries = 0;
  for (let spent = 0, delay = INITIAL_RETRY_MS; spent < budgetMs; retries += 1) {
    spent += delay;
    delay = Math.min(delay * 2, MAX_RETRY_MS);
  }
  return { ...BACKOFF, retries };
}

/**
 * Idempotent and transactional producers retry without limit, as kafkajs requires: giving up midway
 * can leave a sequence gap that breaks the no-duplicates guarantee. A send then waits for the cluster.
 */
export const IDEMPOTENT_RETRY: RetryOptions = { ...BACKOFF, retries: Number.MAX_SAFE_INTEGER };

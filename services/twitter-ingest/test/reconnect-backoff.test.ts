import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Failure, ReconnectBackoff, X_BACKOFF } from '../src/stream/reconnect-backoff.ts';

const schedule = (failures: readonly Failure[], now = 0) => {
  const backoff = new ReconnectBackoff(X_BACKOFF);
  return failures.map((failure) => backoff.next(failure, now));
};
const network: Failure = { kind: 'network' };
const http: Failure = { kind: 'http', status: 503 };
const limited: Failure = { kind: 'rate-limit', resetAtMs: undefined };
const established: Failure = { kind: 'established-ended' };

describe('ReconnectBackoff follows X’s documented schedule', () => {
  it('network errors: linear, 250 ms a step, capped at 16 s', () => {
    const delays = schedule(Array(70).fill(network));
    assert.deepEqual(delays.slice(0, 4), [250, 500, 750, 1000]);
    assert.equal(delays[63], 16_000);
    assert.equal(delays[69], 16_000);
  });

  it('HTTP errors: exponential from 5 s, capped at 320 s', () => {
    assert.deepEqual(
      schedule(Array(9).fill(http)),
      [5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 320_000, 320_000],
    );
  });

  it('429: exponential from 1 min; with x-rate-limit-reset, exactly until the reset', () => {
    assert.deepEqual(schedule([limited, limited, limited]), [60_000, 120_000, 240_000]);
    assert.deepEqual(schedule([{ kind: 'rate-limit', resetAtMs: 1_000_900 }], 1_000_000), [900]);
    assert.deepEqual(schedule([{ kind: 'rate-limit', resetAtMs: 999_000 }], 1_000_000), [0]);
  });

  it('an established connection that ends is reconnected at once, and the counters start over', () => {
    assert.deepEqual(
      schedule([http, http, network, established, http, network]),
      [5_000, 10_000, 250, 0, 5_000, 250],
    );
  });
});

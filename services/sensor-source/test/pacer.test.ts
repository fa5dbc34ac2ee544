import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBucket } from '../src/pacer.ts';

describe('TokenBucket', () => {
  it('allows the burst at once, then one token per 1/rate seconds of the injected clock', () => {
    let now = 0;
    const bucket = new TokenBucket(100, { burst: 5, now: () => now });
    assert.equal(bucket.delayFor(5), 0);
    assert.equal(bucket.delayFor(6), 10);
    now = 1_000; // a second later: refilled, but never beyond the burst
    assert.equal(bucket.delayFor(5), 0);
    assert.equal(bucket.delayFor(7), 20);
  });
});

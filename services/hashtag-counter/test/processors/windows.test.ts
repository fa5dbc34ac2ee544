import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isFinal, openWindowStartsOf, windowStartsOf } from '../../src/processors/windows.ts';

const SLIDING = { sizeMs: 20_000, slideMs: 10_000, allowedLatenessMs: 5_000 };
const TUMBLING = { sizeMs: 20_000, slideMs: 20_000, allowedLatenessMs: 0 };

describe('event-time windows', () => {
  it('puts an event into size/slide sliding windows, oldest first, start inclusive and end exclusive', () => {
    assert.deepEqual(windowStartsOf(25_000, SLIDING), [10_000, 20_000]);
    assert.deepEqual(windowStartsOf(20_000, SLIDING), [10_000, 20_000]);
    assert.deepEqual(windowStartsOf(19_999, SLIDING), [0, 10_000]);
  });

  it('puts an event into exactly one tumbling window', () => {
    assert.deepEqual(windowStartsOf(39_999, TUMBLING), [20_000]);
    assert.deepEqual(windowStartsOf(40_000, TUMBLING), [40_000]);
  });

  it('handles a size that is not a multiple of the slide, and times before the epoch', () => {
    assert.deepEqual(
      windowStartsOf(25_000, { sizeMs: 15_000, slideMs: 10_000, allowedLatenessMs: 0 }),
      [20_000],
    );
    assert.deepEqual(
      windowStartsOf(14_000, { sizeMs: 15_000, slideMs: 10_000, allowedLatenessMs: 0 }),
      [0, 10_000],
    );
    assert.deepEqual(windowStartsOf(-5_000, SLIDING), [-20_000, -10_000]);
  });

  it('makes a window final once the watermark reaches its end plus the allowed lateness', () => {
    assert.equal(isFinal(0, 24_999, SLIDING), false);
    assert.equal(isFinal(0, 25_000, SLIDING), true);
  });

  it('lets a late event into the windows still open and none into final ones', () => {
    assert.deepEqual(openWindowStartsOf(25_000, 34_999, SLIDING), [10_000, 20_000]);
    assert.deepEqual(openWindowStartsOf(25_000, 35_000, SLIDING), [20_000]);
    assert.deepEqual(openWindowStartsOf(25_000, 45_000, SLIDING), []);
  });
});

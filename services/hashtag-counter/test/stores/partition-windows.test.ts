import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_WATERMARK } from '../../src/processors/tag-tweets.ts';
import { PartitionWindows } from '../../src/stores/partition-windows.ts';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, tick: (ms: number) => (now += ms) };
}

describe('watermark of a repartition partition', () => {
  it('is the minimum over every source partition and waits for those not heard from yet', () => {
    const time = clock();
    const state = new PartitionWindows(3, { idleTimeoutMs: 0, now: time.now });
    state.observeSource(0, 50_000);
    state.observeSource(1, 40_000);
    assert.equal(state.advance(), false);
    assert.equal(state.watermark, NO_WATERMARK);
    state.observeSource(2, 45_000);
    assert.equal(state.advance(), true);
    assert.equal(state.watermark, 40_000);
  });

  it('never moves back, even when a source reports an older watermark', () => {
    const state = new PartitionWindows(1, { idleTimeoutMs: 0, now: clock().now });
    state.observeSource(0, 50_000);
    state.advance();
    assert.equal(state.observeSource(0, 30_000), false);
    state.advance();
    assert.equal(state.watermark, 50_000);
  });

  it('with an idle timeout, stops waiting for a source silent that long, and waits again once it speaks', () => {
    const time = clock();
    const state = new PartitionWindows(2, { idleTimeoutMs: 30_000, now: time.now });
    state.observeSource(0, 50_000);
    assert.equal(state.advance(), false, 'source 1 is not idle yet');
    time.tick(30_000);
    state.observeSource(0, 60_000);
    assert.equal(state.idleSources(), 1);
    assert.equal(state.advance(), true);
    assert.equal(state.watermark, 60_000);
    state.observeSource(1, 10_000);
    state.observeSource(0, 70_000);
    assert.equal(state.advance(), false, 'source 1 holds the watermark again');
    assert.equal(state.watermark, 60_000);
  });

  it('does not move when every source is idle', () => {
    const time = clock();
    const state = new PartitionWindows(1, { idleTimeoutMs: 1_000, now: time.now });
    state.observeSource(0, 50_000);
    state.advance();
    time.tick(5_000);
    assert.equal(state.advance(), false);
    assert.equal(state.watermark, 50_000);
  });
});

describe('open windows of a repartition partition', () => {
  it('counts per window and tag and hands over final windows oldest first', () => {
    const state = new PartitionWindows(1, { idleTimeoutMs: 0, now: clock().now });
    state.add(10_000, 'a', 5_000);
    state.add(10_000, 'a', -1_000);
    state.add(0, 'b', 1);
    state.add(20_000, 'a', 1);
    assert.equal(state.aggregateCount, 3);
    const taken = state.takeWindows((start) => start < 20_000);
    assert.deepEqual(
      taken.map(([start, tags]) => [start, Object.fromEntries(tags)]),
      [
        [0, { b: { count: 1, sentimentSum: 1 } }],
        [10_000, { a: { count: 2, sentimentSum: 4_000 } }],
      ],
    );
    assert.deepEqual([...state.windows.keys()], [20_000]);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PartitionFeatureStore } from '../../src/stores/feature-store.ts';

const reading = (machine: string, timestamp: number, temperature: number) => ({
  machine,
  timestamp,
  temperature,
});

function features(store: PartitionFeatureStore, partition: number, values: [string, number, number][]) {
  const sink = store.begin(partition);
  return values.map(([machine, timestamp, temperature]) => {
    const out = new Float64Array(3);
    return sink.update(reading(machine, timestamp, temperature), out, 0) ? [...out] : 'late';
  });
}

describe('PartitionFeatureStore', () => {
  it('revert puts back the windows of the last committed batch, so a redelivered batch gives the same features', () => {
    const store = new PartitionFeatureStore();
    store.reset({ kind: 'rolling', window: 3 });
    features(store, 0, [
      ['a', 1, 40],
      ['a', 2, 42],
    ]);
    const batch: [string, number, number][] = [
      ['a', 3, 50],
      ['b', 3, 60],
      ['a', 4, 52],
    ];
    const first = features(store, 0, batch);
    store.revert(0);
    assert.deepEqual(features(store, 0, batch), first);
    assert.equal(store.machineCount, 2);
  });

  it('rejects a late reading without changing the window, and drops the partitions no longer owned', () => {
    const store = new PartitionFeatureStore();
    store.reset({ kind: 'rolling', window: 3 });
    const [, late] = features(store, 1, [
      ['a', 10, 40],
      ['a', 5, 99],
    ]);
    assert.equal(late, 'late');
    features(store, 2, [['b', 1, 40]]);
    store.retain([2]);
    assert.equal(store.machineCount, 1);
  });
});

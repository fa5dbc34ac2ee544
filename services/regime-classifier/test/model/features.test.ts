import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom, generateReadings, type MachineReading, shuffleInPlace } from '@tributary/sensors';
import {
  batchFeatures,
  type FeatureConfig,
  FeatureExtractor,
  featureNames,
} from '../../src/model/features.ts';

const rolling: FeatureConfig = { kind: 'rolling', window: 10 };

describe('rolling features', () => {
  it('are bit-identical between the batch (training) and the incremental (serving) computation', () => {
    const readings = [...generateReadings({ seed: 4, machines: 7, count: 7_000 })].map(
      (item) => item.reading,
    );
    // Training sees a file in any order; serving sees each machine in event-time order.
    const shuffled = shuffleInPlace([...readings], createRandom(1));
    const batch = batchFeatures(shuffled, rolling);
    const extractor = new FeatureExtractor(rolling);
    const served = new Map<MachineReading, Float64Array>();
    for (const reading of readings) {
      const outcome = extractor.update(reading);
      assert.equal(outcome.kind, 'features');
      if (outcome.kind === 'features') served.set(reading, outcome.features);
    }
    shuffled.forEach((reading, row) => {
      assert.deepEqual(
        batch.data.subarray(row * 3, row * 3 + 3),
        served.get(reading),
        `row ${row} (${reading.machine}@${reading.timestamp})`,
      );
    });
    assert.equal(extractor.machineCount, 7);
  });

  it('use the readings so far until the window fills, then exactly the last W', () => {
    const readings = [10, 20, 30, 40].map((temperature, index) => ({
      machine: 'm',
      timestamp: index,
      temperature,
    }));
    const features = batchFeatures(readings, { kind: 'rolling', window: 3 });
    assert.deepEqual(
      [...features.data],
      [10, 10, 0, 20, 15, 5, 30, 20, Math.sqrt(200 / 3), 40, 30, Math.sqrt(200 / 3)],
    );
  });

  it('reject a reading older than the machine’s last one, leaving the state unchanged', () => {
    const extractor = new FeatureExtractor({ kind: 'rolling', window: 2 });
    extractor.update({ machine: 'm', timestamp: 2_000, temperature: 50 });
    assert.deepEqual(extractor.update({ machine: 'm', timestamp: 1_000, temperature: 90 }), {
      kind: 'late',
      lastTimestamp: 2_000,
    });
    const next = extractor.update({ machine: 'm', timestamp: 2_000, temperature: 52 });
    assert.deepEqual(next.kind === 'features' ? [...next.features] : [], [52, 51, 1]);
  });

  it('are the temperature alone for the raw configuration', () => {
    const readings = [{ machine: 'm', timestamp: 1, temperature: 41.5 }];
    assert.deepEqual([...batchFeatures(readings, { kind: 'raw', window: 10 }).data], [41.5]);
    assert.deepEqual(featureNames(rolling), ['temperature', 'rolling_mean_10', 'rolling_std_10']);
  });
});

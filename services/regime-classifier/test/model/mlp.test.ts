import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { generateArticleReadings } from '@tributary/sensors';
import { initBackend } from '../../src/model/backend.ts';
import { matrixFromRows } from '../../src/model/matrix.ts';
import { predictClasses, trainMlp, weightValues } from '../../src/model/mlp.ts';
import { trainRegimeModel } from '../../src/model/training.ts';
import { backendUnderTest } from './support.ts';

describe('MLP', () => {
  before(async () => {
    await initBackend({ prefer: backendUnderTest() });
  });

  it('trains the same model from the same seed (weights and predictions)', async () => {
    const x = matrixFromRows(Array.from({ length: 300 }, (_, i) => [Math.sin(i), Math.cos(i * 0.7)]));
    const labels = Int32Array.from(
      { length: 300 },
      (_, i) => (Math.sin(i) > 0 ? 1 : 0) + (Math.cos(i * 0.7) > 0.5 ? 1 : 0),
    );
    const options = { hidden: [6, 8], epochs: 5, batchSize: 32, learningRate: 0.02, seed: 17 };
    const first = await trainMlp(x, labels, 3, options);
    const second = await trainMlp(x, labels, 3, options);
    const other = await trainMlp(x, labels, 3, { ...options, seed: 18 });
    try {
      assert.deepEqual(weightValues(first.model), weightValues(second.model));
      assert.deepEqual(predictClasses(first.model, x), predictClasses(second.model, x));
      assert.deepEqual(first.history, second.history);
      assert.notDeepEqual(weightValues(first.model), weightValues(other.model));
    } finally {
      for (const run of [first, second, other]) run.model.dispose();
    }
  });

  it('reaches ≥ 0.99 test accuracy on the article data set with K=6 (the article reached 0.80)', async () => {
    const readings = [...generateArticleReadings({ seed: 42, count: 2_000 })];
    const { model, report } = await trainRegimeModel(readings, {
      seed: 42,
      features: { kind: 'raw', window: 10 },
      k: 6,
      kMax: 8,
      mlp: { epochs: 40, batchSize: 32, learningRate: 0.02 },
    });
    model.dispose();
    assert.equal(report.k, 6);
    assert.equal(report.rows.train, 1_200);
    assert.ok(report.test.accuracy >= 0.99, `test accuracy ${report.test.accuracy}`);
    assert.equal(report.test.confusion.length, 6);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate, majorityMapping, mapLabels } from '../../src/model/evaluation.ts';
import { matrixFromRows } from '../../src/model/matrix.ts';
import { fitScaler, scale, unscale } from '../../src/model/scaler.ts';

describe('evaluation', () => {
  it('computes accuracy, the confusion matrix and per-class precision/recall', () => {
    const result = evaluate([0, 0, 1, 1, 2], [0, 1, 1, 1, 1], 3, ['a', 'b', 'c']);
    assert.equal(result.accuracy, 3 / 5);
    assert.deepEqual(result.confusion, [
      [1, 1, 0],
      [0, 2, 0],
      [0, 1, 0],
    ]);
    assert.deepEqual(
      result.classes.map((entry) => [entry.name, entry.precision, entry.recall, entry.support]),
      [
        ['a', 1, 0.5, 2],
        ['b', 0.5, 1, 2],
        ['c', 0, 0, 1],
      ],
    );
  });

  it('maps clusters to the regime most of their points belong to', () => {
    const clusters = [0, 0, 0, 1, 1, 2];
    const regimes = [3, 3, 1, 0, 0, 2];
    const mapping = majorityMapping(clusters, regimes, 3, 4);
    assert.deepEqual(mapping, [3, 0, 2]);
    assert.deepEqual([...mapLabels(clusters, mapping)], [3, 3, 3, 0, 0, 2]);
  });
});

describe('standard scaler', () => {
  it('centres and scales each column, and inverts', () => {
    const data = matrixFromRows([
      [1, 5],
      [3, 5],
    ]);
    const state = fitScaler(data);
    assert.deepEqual(state, { mean: [2, 5], std: [1, 1] });
    assert.deepEqual([...scale(state, data).data], [-1, 0, 1, 0]);
    assert.deepEqual([...unscale(state, scale(state, data)).data], [...data.data]);
  });
});

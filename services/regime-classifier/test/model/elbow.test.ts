import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseKnee, elbow } from '../../src/model/elbow.ts';
import { blobs } from './support.ts';

describe('elbow', () => {
  it('picks K=4 on four well-separated blobs', () => {
    const { data } = blobs(
      [
        [0, 0],
        [12, 0],
        [0, 12],
        [12, 12],
      ],
      150,
      1,
      7,
    );
    const result = elbow(data, { seed: 1, kMin: 2, kMax: 12 });
    assert.equal(result.chosenK, 4);
    assert.equal(result.points.length, 11);
    assert.equal(result.sampleSize, 600);
  });

  it('picks K=6 on six blobs along a line', () => {
    const { data } = blobs([[0], [10], [20], [30], [40], [50]], 100, 0.7, 3);
    assert.equal(elbow(data, { seed: 2 }).chosenK, 6);
  });

  it('takes the point farthest below the chord, in normalised units', () => {
    const curve = [10, 3, 2.5, 2, 1.5, 1].map((inertia, index) => ({ k: index + 2, inertia }));
    const { chosenK, points } = chooseKnee(curve);
    assert.equal(chosenK, 3);
    assert.equal(points[0]?.distance, 0);
    assert.ok(Math.abs(points[points.length - 1]?.distance ?? 1) < 1e-12);
  });

  it('samples large data sets to the given size, reproducibly', () => {
    const { data } = blobs([[0], [10], [20]], 1000, 1, 5);
    const a = elbow(data, { seed: 9, kMax: 6, sampleSize: 500 });
    const b = elbow(data, { seed: 9, kMax: 6, sampleSize: 500 });
    assert.equal(a.sampleSize, 500);
    assert.deepEqual(a.points, b.points);
    assert.equal(a.chosenK, 3);
  });
});

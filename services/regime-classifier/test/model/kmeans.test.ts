import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assign, canonicalize, kmeans } from '../../src/model/kmeans.ts';
import { matrixFromRows, matrixToRows } from '../../src/model/matrix.ts';
import { blobs } from './support.ts';

describe('kmeans', () => {
  const centres = [
    [0, 0],
    [10, 0],
    [0, 10],
    [10, 10],
  ];

  it('recovers well-separated clusters exactly, up to relabelling', () => {
    const { data, truth } = blobs(centres, 200, 0.8, 1);
    const result = kmeans(data, { k: 4, seed: 3 });
    const mapping = new Map<number, number>();
    truth.forEach((blob, index) => {
      const label = result.labels[index] as number;
      if (!mapping.has(label)) mapping.set(label, blob);
      assert.equal(
        mapping.get(label),
        blob,
        `point ${index} of blob ${blob} shares a cluster with another blob`,
      );
    });
    assert.equal(mapping.size, 4);
    for (const centroid of matrixToRows(result.centroids)) {
      const distance = Math.min(
        ...centres.map((centre) =>
          Math.hypot((centre[0] ?? 0) - (centroid[0] ?? 0), (centre[1] ?? 0) - (centroid[1] ?? 0)),
        ),
      );
      assert.ok(distance < 0.2, `centroid ${centroid} is ${distance} from every true centre`);
    }
  });

  it('gives the same result for the same seed', () => {
    const { data } = blobs(centres, 100, 3, 2);
    const a = kmeans(data, { k: 5, seed: 11 });
    const b = kmeans(data, { k: 5, seed: 11 });
    assert.deepEqual(a.centroids.data, b.centroids.data);
    assert.deepEqual(a.labels, b.labels);
  });

  it('keeps the best of several restarts', () => {
    const { data } = blobs(centres, 100, 2.5, 4);
    const one = kmeans(data, { k: 6, seed: 5, restarts: 1 });
    const many = kmeans(data, { k: 6, seed: 5, restarts: 10 });
    assert.ok(many.inertia <= one.inertia);
  });

  it('relabels clusters by ascending first coordinate, consistently with assign()', () => {
    const data = matrixFromRows([[50], [51], [40], [41], [70], [71]]);
    const { result, order } = canonicalize(kmeans(data, { k: 3, seed: 1 }));
    assert.deepEqual([...result.centroids.data], [40.5, 50.5, 70.5]);
    assert.deepEqual([...result.labels], [1, 1, 0, 0, 2, 2]);
    assert.deepEqual([...assign(data, result.centroids).labels], [...result.labels]);
    assert.equal(order.length, 3);
  });

  it('handles fewer distinct points than k without failing', () => {
    const data = matrixFromRows([[1], [1], [1], [2]]);
    const result = kmeans(data, { k: 3, seed: 1 });
    assert.equal(result.k, 3);
    assert.ok(Number.isFinite(result.inertia));
  });
});

import { createRandom, deriveSeed, type Random } from '@tributary/sensors';
import { createMatrix, type Matrix } from './matrix.ts';

export interface KMeansOptions {
  readonly k: number;
  readonly seed: number;
  /** Independent k-means++ starts; the one with the lowest inertia wins. Default 8. */
  readonly restarts?: number;
  /** Lloyd iterations per start at most. Default 300. */
  readonly maxIterations?: number;
  /** A start stops when no centroid moves more than this (squared distance). Default 1e-10. */
  readonly tolerance?: number;
}

export interface KMeansResult {
  readonly k: number;
  /** k × d, in the scale the data was given in. */
  readonly centroids: Matrix;
  readonly labels: Int32Array;
  /** Sum of squared distances of points to their centroid. */
  readonly inertia: number;
  readonly iterations: number;
}

function squaredDistance(a: Float64Array, aAt: number, b: Float64Array, bAt: number, cols: number): number {
  let sum = 0;
  for (let c = 0; c < cols; c++) {
    const delta = (a[aAt + c] as number) - (b[bAt + c] as number);
    sum += delta * delta;
  }
  return sum;
}

/** Index of the centroid nearest to row `row` of `data`; ties go to the lower index. */
export function nearest(
  data: Float64Array,
  at: number,
  centroids: Matrix,
): { index: number; distance: number } {
  let index = 0;
  let distance = Number.POSITIVE_INFINITY;
  for (let j = 0; j < centroids.rows; j++) {
    const d = squaredDistance(data, at, centroids.data, j * centroids.cols, centroids.cols);
    if (d < distance) {
      distance = d;
      index = j;
    }
  }
  return { index, distance };
}

/** Labels every row with its nearest centroid. */
export function assign(data: Matrix, centroids: Matrix): { labels: Int32Array; inertia: number } {
  if (data.cols !== centroids.cols)
    throw new RangeError(`data has ${data.cols} columns, centroids ${centroids.cols}`);
  const labels = new Int32Array(data.rows);
  let inertia = 0;
  for (let r = 0; r < data.rows; r++) {
    const { index, distance } = nearest(data.data, r * data.cols, centroids);
    labels[r] = index;
    inertia += distance;
  }
  return { labels, inertia };
}

/** k-means++ (Arthur & Vassilvitskii): each next centre drawn with probability ∝ squared distance. */
function seedCentroids(data: Matrix, k: number, random: Random): Matrix {
  const { rows, cols } = data;
  const centroids = createMatrix(k, cols);
  const first = Math.floor(random.next() * rows);
  centroids.data.set(data.data.subarray(first * cols, (first + 1) * cols), 0);
  const closest = new Float64Array(rows);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    closest[r] = squaredDistance(data.data, r * cols, centroids.data, 0, cols);
    total += closest[r] as number;
  }
  for (let j = 1; j < k; j++) {
    let chosen = rows - 1;
    if (total > 0) {
      let target = random.next() * total;
      for (let r = 0; r < rows; r++) {
        target -= closest[r] as number;
        if (target < 0) {
          chosen = r;
          break;
        }
      }
    } else chosen = Math.floor(random.next() * rows); // fewer distinct points than k
    centroids.data.set(data.data.subarray(chosen * cols, (chosen + 1) * cols), j * cols);
    total = 0;
    for (let r = 0; r < rows; r++) {
      const d = squaredDistance(data.data, r * cols, centroids.data, j * cols, cols);
      if (d < (closest[r] as number)) closest[r] = d;
      total += closest[r] as number;
    }
  }
  return centroids;
}

function lloyd(data: Matrix, start: Matrix, maxIterations: number, tolerance: number): KMeansResult {
  const { rows, cols } = data;
  const k = start.rows;
  const centroids = createMatrix(k, cols, Float64Array.from(start.data));
  const sums = new Float64Array(k * cols);
  const counts = new Int32Array(k);
  const labels = new Int32Array(rows);
  const distances = new Float64Array(rows);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    sums.fill(0);
    counts.fill(0);
    for (let r = 0; r < rows; r++) {
      const { index, distance } = nearest(data.data, r * cols, centroids);
      labels[r] = index;
      distances[r] = distance;
      counts[index] = (counts[index] as number) + 1;
      for (let c = 0; c < cols; c++)
        sums[index * cols + c] = (sums[index * cols + c] as number) + (data.data[r * cols + c] as number);
    }
    let moved = 0;
    for (let j = 0; j < k; j++) {
      if (counts[j] === 0) {
        // An empty cluster takes the point farthest from its centroid, which then leaves its old cluster.
        let far = 0;
        for (let r = 1; r < rows; r++) if ((distances[r] as number) > (distances[far] as number)) far = r;
        distances[far] = 0;
        centroids.data.set(data.data.subarray(far * cols, (far + 1) * cols), j * cols);
        moved = Number.POSITIVE_INFINITY;
        continue;
      }
      let shift = 0;
      for (let c = 0; c < cols; c++) {
        const next = (sums[j * cols + c] as number) / (counts[j] as number);
        shift += (next - (centroids.data[j * cols + c] as number)) ** 2;
        centroids.data[j * cols + c] = next;
      }
      moved = Math.max(moved, shift);
    }
    if (moved <= tolerance) {
      iterations++;
      break;
    }
  }
  const final = assign(data, centroids);
  return { k, centroids, labels: final.labels, inertia: final.inertia, iterations };
}

/** k-means: k-means++ starts (seeded), Lloyd iterations, the best of several restarts. */
export function kmeans(data: Matrix, options: KMeansOptions): KMeansResult {
  const { k, seed } = options;
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError('k must be a positive integer');
  if (data.rows < k) throw new RangeError(`k-means needs at least k=${k} rows, got ${data.rows}`);
  const restarts = options.restarts ?? 8;
  let best: KMeansResult | undefined;
  for (let restart = 0; restart < restarts; restart++) {
    const random = createRandom(deriveSeed(seed, restart));
    const result = lloyd(
      data,
      seedCentroids(data, k, random),
      options.maxIterations ?? 300,
      options.tolerance ?? 1e-10,
    );
    if (best === undefined || result.inertia < best.inertia) best = result;
  }
  return best as KMeansResult;
}

/**
 * Relabels clusters in a canonical order: ascending by centroid column `column` (the mean temperature
 * for our features), ties by the next columns. The same data and seed then always give the same ids,
 * and id 0 is the coolest regime. Returns the result and `order[newId] = oldId`.
 */
export function canonicalize(result: KMeansResult, column = 0): { result: KMeansResult; order: number[] } {
  const { k, centroids } = result;
  const cols = centroids.cols;
  const value = (j: number, c: number): number => centroids.data[j * cols + c] as number;
  const order = Array.from({ length: k }, (_, j) => j).sort((a, b) => {
    for (let c = 0; c < cols; c++) {
      const index = (column + c) % cols;
      const delta = value(a, index) - value(b, index);
      if (delta !== 0) return delta;
    }
    return a - b;
  });
  const newId = new Int32Array(k);
  order.forEach((old, id) => {
    newId[old] = id;
  });
  const sorted = createMatrix(k, cols);
  order.forEach((old, id) => {
    sorted.data.set(centroids.data.subarray(old * cols, (old + 1) * cols), id * cols);
  });
  const labels = result.labels.map((label) => newId[label] as number);
  return { result: { ...result, centroids: sorted, labels }, order };
}

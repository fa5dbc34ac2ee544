import { createRandom, shuffleInPlace } from '@tributary/sensors';
import { kmeans } from './kmeans.ts';
import { type Matrix, selectRows } from './matrix.ts';

export interface ElbowPoint {
  readonly k: number;
  readonly inertia: number;
  /** Distance of the normalised point below the chord from the first to the last point. */
  readonly distance: number;
}

export interface ElbowResult {
  readonly points: readonly ElbowPoint[];
  readonly chosenK: number;
  readonly rule: string;
  /** Rows the curve was computed on (a seeded sample of the data when it is large). */
  readonly sampleSize: number;
}

export interface ElbowOptions {
  readonly seed: number;
  readonly kMin?: number;
  readonly kMax?: number;
  readonly restarts?: number;
  /** Rows used at most; the curve's shape needs far fewer points than the final fit. Default 10,000. */
  readonly sampleSize?: number;
  readonly onPoint?: (point: { k: number; inertia: number }) => void;
}

export const KNEE_RULE =
  'knee = the K whose point, with K and inertia each scaled to [0, 1], lies farthest below the chord ' +
  'from the first to the last point of the curve (the idea of Kneedle, Satopää et al. 2011)';

/**
 * Picks the knee of a decreasing, convex cost curve: scale K and cost to [0, 1] and take the point with
 * the largest distance below the straight line joining the ends. Ties go to the smaller K.
 */
export function chooseKnee(curve: readonly { k: number; inertia: number }[]): {
  chosenK: number;
  points: ElbowPoint[];
} {
  if (curve.length === 0) throw new RangeError('an empty curve has no knee');
  const first = curve[0] as { k: number; inertia: number };
  const last = curve[curve.length - 1] as { k: number; inertia: number };
  const kSpan = last.k - first.k || 1;
  const costSpan = first.inertia - last.inertia || 1;
  let chosenK = first.k;
  let best = Number.NEGATIVE_INFINITY;
  const points = curve.map(({ k, inertia }) => {
    const x = (k - first.k) / kSpan;
    const y = (inertia - last.inertia) / costSpan;
    // The chord runs from (0, 1) to (1, 0): x + y = 1; a point below it has x + y < 1.
    const distance = (1 - x - y) / Math.SQRT2;
    if (distance > best + 1e-12) {
      best = distance;
      chosenK = k;
    }
    return { k, inertia, distance };
  });
  return { chosenK, points };
}

/** The elbow method: k-means for every K in [kMin, kMax] (default 2..20), then the knee. */
export function elbow(data: Matrix, options: ElbowOptions): ElbowResult {
  const kMin = options.kMin ?? 2;
  const kMax = options.kMax ?? 20;
  if (!(kMin >= 1 && kMax > kMin)) throw new RangeError('elbow needs 1 ≤ kMin < kMax');
  const limit = options.sampleSize ?? 10_000;
  let sample = data;
  if (data.rows > limit) {
    const indexes = shuffleInPlace(
      Array.from({ length: data.rows }, (_, index) => index),
      createRandom(options.seed ^ 0x5eed),
    ).slice(0, limit);
    sample = selectRows(data, indexes);
  }
  const curve: { k: number; inertia: number }[] = [];
  for (let k = kMin; k <= kMax; k++) {
    const { inertia } = kmeans(sample, { k, seed: options.seed, restarts: options.restarts ?? 4 });
    curve.push({ k, inertia });
    options.onPoint?.({ k, inertia });
  }
  const { chosenK, points } = chooseKnee(curve);
  return { points, chosenK, rule: KNEE_RULE, sampleSize: sample.rows };
}

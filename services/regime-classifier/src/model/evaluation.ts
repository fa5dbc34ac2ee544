/** Classification figures: accuracy, confusion matrix, per-class precision and recall. */
export interface ClassReport {
  readonly label: number;
  readonly name: string;
  readonly support: number;
  readonly predicted: number;
  /** NaN-free: a class never predicted has precision 0; a class never present has recall 0. */
  readonly precision: number;
  readonly recall: number;
}

export interface Evaluation {
  readonly samples: number;
  readonly accuracy: number;
  /** confusion[actual][predicted] counts. */
  readonly confusion: number[][];
  readonly classes: ClassReport[];
}

export function evaluate(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  classCount: number,
  names: readonly string[] = [],
): Evaluation {
  if (actual.length !== predicted.length) throw new RangeError('actual and predicted differ in length');
  const confusion = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  let correct = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    const p = predicted[i] as number;
    const row = confusion[a];
    if (row === undefined || p < 0 || p >= classCount)
      throw new RangeError(`label out of range at ${i}: ${a} → ${p}`);
    row[p] = (row[p] as number) + 1;
    if (a === p) correct++;
  }
  const classes = confusion.map((row, label) => {
    const support = row.reduce((sum, count) => sum + count, 0);
    const predictedCount = confusion.reduce((sum, other) => sum + (other[label] as number), 0);
    const hits = row[label] as number;
    return {
      label,
      name: names[label] ?? String(label),
      support,
      predicted: predictedCount,
      precision: predictedCount === 0 ? 0 : hits / predictedCount,
      recall: support === 0 ? 0 : hits / support,
    };
  });
  return {
    samples: actual.length,
    accuracy: actual.length === 0 ? 0 : correct / actual.length,
    confusion,
    classes,
  };
}

/**
 * Maps each cluster to the hidden regime most of its points belong to (ties: the lower regime id), for
 * judging unsupervised clusters against ground truth. Clusters with no points map to regime 0.
 */
export function majorityMapping(
  clusters: ArrayLike<number>,
  regimes: ArrayLike<number>,
  clusterCount: number,
  regimeCount: number,
): number[] {
  const counts = Array.from({ length: clusterCount }, () => new Array<number>(regimeCount).fill(0));
  for (let i = 0; i < clusters.length; i++) {
    const row = counts[clusters[i] as number] as number[];
    row[regimes[i] as number] = (row[regimes[i] as number] as number) + 1;
  }
  return counts.map((row) =>
    row.reduce((best, count, regime) => (count > (row[best] as number) ? regime : best), 0),
  );
}

export function mapLabels(labels: ArrayLike<number>, mapping: readonly number[]): Int32Array {
  return Int32Array.from({ length: labels.length }, (_, i) => mapping[labels[i] as number] as number);
}

import { createRandom, deriveSeed, type MachineReading, shuffleInPlace } from '@tributary/sensors';
import type { tf } from './backend.ts';
import { type ElbowResult, elbow } from './elbow.ts';
import { type Evaluation, evaluate, majorityMapping, mapLabels } from './evaluation.ts';
import { batchFeatures, type FeatureConfig, featureNames } from './features.ts';
import { assign, canonicalize, kmeans } from './kmeans.ts';
import { type Matrix, matrixToRows, selectRows, selectValues } from './matrix.ts';
import { DEFAULT_MLP, type EpochProgress, type MlpOptions, predictClasses, trainMlp } from './mlp.ts';
import { fitScaler, type ScalerState, scale, unscale } from './scaler.ts';

export interface TrainOptions {
  readonly seed: number;
  readonly features: FeatureConfig;
  /** A fixed number of clusters, or `auto` for the elbow's knee. */
  readonly k: number | 'auto';
  readonly kMin?: number;
  readonly kMax?: number;
  /** Share of rows used for training (scaler, k-means, MLP); the rest is the test set. Default 0.6. */
  readonly trainFraction?: number;
  /** Rows the elbow curve is computed on at most. Default 10,000. */
  readonly elbowSample?: number;
  readonly kmeansRestarts?: number;
  readonly mlp?: Partial<Omit<MlpOptions, 'seed'>>;
  readonly onProgress?: (message: string, fields?: Record<string, unknown>) => void;
  readonly onEpoch?: (progress: EpochProgress) => void;
}

/** Hidden ground truth for judging the clusters: the simulator's regime per reading. */
export interface RegimeTruth {
  readonly labels: Int32Array;
  readonly names: readonly string[];
}

export interface RegimeComparison {
  readonly names: readonly string[];
  /** cluster id → regime id, by majority over the training rows. */
  readonly clusterToRegime: readonly number[];
  /** Test rows: k-means clusters mapped to regimes, against the hidden regimes. */
  readonly kmeans: Evaluation;
  /** Test rows: the MLP's predicted clusters mapped to regimes, against the hidden regimes. */
  readonly mlp: Evaluation;
}

export interface TrainingReport {
  readonly seed: number;
  readonly features: FeatureConfig;
  readonly featureNames: readonly string[];
  readonly rows: { readonly train: number; readonly test: number };
  readonly k: number;
  readonly kChosenBy: 'elbow' | 'fixed';
  readonly elbowK: number;
  /** MLP predictions against the k-means labels. */
  readonly train: Evaluation;
  readonly test: Evaluation;
  readonly regimes?: RegimeComparison;
  readonly mlp: Omit<MlpOptions, 'seed'> & { readonly finalLoss: number; readonly finalAccuracy: number };
  readonly seconds: { readonly elbow: number; readonly kmeans: number; readonly mlp: number };
}

export interface TrainResult {
  readonly model: tf.LayersModel;
  readonly scaler: ScalerState;
  /** k × features, scaled, canonical order (id 0 has the lowest mean temperature). */
  readonly centroids: Matrix;
  readonly elbow: ElbowResult;
  readonly report: TrainingReport;
}

const seconds = (start: number): number => Math.round((performance.now() - start) / 10) / 100;

/** A seeded split of row indexes: the first `fraction` of a shuffled order trains, the rest tests. */
export function splitIndexes(
  rows: number,
  fraction: number,
  seed: number,
): { train: number[]; test: number[] } {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError('trainFraction must be in (0, 1)');
  const order = shuffleInPlace(
    Array.from({ length: rows }, (_, index) => index),
    createRandom(deriveSeed(seed, 7)),
  );
  const cut = Math.round(rows * fraction);
  return { train: order.slice(0, cut), test: order.slice(cut) };
}

/**
 * The whole training run: features → seeded split → scaler (train rows only) → elbow curve → k-means
 * (train rows) → cluster labels for all rows → MLP on the train rows → figures on both splits, and,
 * when the hidden regimes are known, against them.
 */
export async function trainRegimeModel(
  readings: readonly MachineReading[],
  options: TrainOptions,
  truth?: RegimeTruth,
): Promise<TrainResult> {
  const progress = options.onProgress ?? (() => {});
  const mlpOptions: MlpOptions = { ...DEFAULT_MLP, ...options.mlp, seed: options.seed };
  const features = batchFeatures(readings, options.features);
  const split = splitIndexes(features.rows, options.trainFraction ?? 0.6, options.seed);
  progress('features', {
    rows: features.rows,
    features: featureNames(options.features),
    train: split.train.length,
  });

  const scaler = fitScaler(selectRows(features, split.train));
  const xTrain = scale(scaler, selectRows(features, split.train));
  const xTest = scale(scaler, selectRows(features, split.test));

  let started = performance.now();
  const curve = elbow(xTrain, {
    seed: options.seed,
    kMin: options.kMin ?? 2,
    kMax: options.kMax ?? 20,
    ...(options.elbowSample === undefined ? {} : { sampleSize: options.elbowSample }),
    onPoint: (point) => progress('elbow', point),
  });
  const elbowSeconds = seconds(started);
  const k = options.k === 'auto' ? curve.chosenK : options.k;
  progress('k chosen', { k, elbowK: curve.chosenK, by: options.k === 'auto' ? 'elbow' : 'fixed' });

  started = performance.now();
  const clustering = canonicalize(
    kmeans(xTrain, {
      k,
      seed: options.seed,
      ...(options.kmeansRestarts === undefined ? {} : { restarts: options.kmeansRestarts }),
    }),
  ).result;
  const yTrain = clustering.labels;
  const yTest = assign(xTest, clustering.centroids).labels;
  const kmeansSeconds = seconds(started);
  progress('k-means', {
    k,
    iterations: clustering.iterations,
    centroids: matrixToRows(unscale(scaler, clustering.centroids)).map((row) =>
      row.map((v) => Math.round(v * 100) / 100),
    ),
  });

  started = performance.now();
  const { model, history } = await trainMlp(xTrain, yTrain, k, mlpOptions, options.onEpoch);
  const mlpSeconds = seconds(started);
  // Names people can read: the centroid's temperature, and its rolling std when there is one.
  const centres = matrixToRows(unscale(scaler, clustering.centroids));
  const names = centres.map(
    (row, id) =>
      `${id}: ${(row[0] ?? 0).toFixed(1)}°C${row.length > 2 ? ` ±${(row[2] ?? 0).toFixed(1)}` : ''}`,
  );
  const predictedTrain = predictClasses(model, xTrain);
  const predictedTest = predictClasses(model, xTest);
  const last = history[history.length - 1];

  let regimes: RegimeComparison | undefined;
  if (truth !== undefined) {
    const regimeCount = truth.names.length;
    const truthTrain = selectValues(truth.labels, split.train);
    const truthTest = selectValues(truth.labels, split.test);
    const clusterToRegime = majorityMapping(yTrain, truthTrain, k, regimeCount);
    regimes = {
      names: truth.names,
      clusterToRegime,
      kmeans: evaluate(truthTest, mapLabels(yTest, clusterToRegime), regimeCount, truth.names),
      mlp: evaluate(truthTest, mapLabels(predictedTest, clusterToRegime), regimeCount, truth.names),
    };
  }
  const { seed: _seed, ...mlpReport } = mlpOptions;
  const report: TrainingReport = {
    seed: options.seed,
    features: options.features,
    featureNames: featureNames(options.features),
    rows: { train: split.train.length, test: split.test.length },
    k,
    kChosenBy: options.k === 'auto' ? 'elbow' : 'fixed',
    elbowK: curve.chosenK,
    train: evaluate(yTrain, predictedTrain, k, names),
    test: evaluate(yTest, predictedTest, k, names),
    ...(regimes === undefined ? {} : { regimes }),
    mlp: { ...mlpReport, finalLoss: last?.loss ?? Number.NaN, finalAccuracy: last?.accuracy ?? Number.NaN },
    seconds: { elbow: elbowSeconds, kmeans: kmeansSeconds, mlp: mlpSeconds },
  };
  return { model, scaler, centroids: clustering.centroids, elbow: curve, report };
}

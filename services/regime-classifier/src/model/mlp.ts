import { createRandom, deriveSeed, shuffleInPlace } from '@tributary/sensors';
import { type Tf, tf } from './backend.ts';
import type { Matrix } from './matrix.ts';

export interface MlpOptions {
  /** Hidden layer sizes; the article's network is [inputs, 6, 8, K], i.e. hidden [6, 8]. */
  readonly hidden: readonly number[];
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
}

export const DEFAULT_MLP: Omit<MlpOptions, 'seed'> = {
  hidden: [6, 8],
  epochs: 40,
  batchSize: 128,
  learningRate: 0.01,
};

export interface EpochProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: number;
  readonly accuracy: number;
}

export interface TrainedMlp {
  readonly model: tf.LayersModel;
  readonly history: readonly EpochProgress[];
}

/** Rows per predict call: tfjs's default of 32 slices a batch into tiny kernels (40k/s on tfjs-node). */
export const PREDICT_BATCH_SIZE = 10_000;

/**
 * The classifier: dense ReLU hidden layers and a softmax output, Glorot-uniform kernels seeded per layer,
 * so the same seed builds the same initial weights on every backend.
 */
export function buildMlp(
  inputs: number,
  classes: number,
  hidden: readonly number[],
  seed: number,
): tf.Sequential {
  const model = tf.sequential();
  hidden.forEach((units, layer) => {
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, layer) }),
        biasInitializer: 'zeros',
        ...(layer === 0 ? { inputShape: [inputs] } : {}),
      }),
    );
  });
  model.add(
    tf.layers.dense({
      units: classes,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, hidden.length) }),
      biasInitializer: 'zeros',
      ...(hidden.length === 0 ? { inputShape: [inputs] } : {}),
    }),
  );
  return model;
}

function toTensor(matrix: Matrix): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(matrix.data), [matrix.rows, matrix.cols]);
}

/**
 * Trains with Adam on categorical cross-entropy. Each epoch sees the rows in a fresh order drawn from the
 * seed (tfjs's own shuffle uses Math.random), so a seed fixes the whole run.
 */
export async function trainMlp(
  x: Matrix,
  labels: Int32Array,
  classes: number,
  options: MlpOptions,
  onEpoch?: (progress: EpochProgress) => void,
): Promise<TrainedMlp> {
  if (x.rows !== labels.length) throw new RangeError(`${x.rows} rows but ${labels.length} labels`);
  const model = buildMlp(x.cols, classes, options.hidden, options.seed);
  model.compile({
    optimizer: tf.train.adam(options.learningRate),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  const xs = toTensor(x);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat());
  const random = createRandom(deriveSeed(options.seed, 1_000_003));
  const order = Array.from({ length: x.rows }, (_, index) => index);
  const history: EpochProgress[] = [];
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const indexes = tf.tensor1d(shuffleInPlace(order, random), 'int32');
      const [ex, ey] = tf.tidy(() => [tf.gather(xs, indexes), tf.gather(ys, indexes)]);
      indexes.dispose();
      try {
        const result = await model.fit(ex as tf.Tensor, ey as tf.Tensor, {
          epochs: 1,
          batchSize: options.batchSize,
          shuffle: false,
          verbose: 0,
        });
        const progress = {
          epoch,
          epochs: options.epochs,
          loss: Number(result.history.loss?.[0]),
          accuracy: Number((result.history.acc ?? result.history.accuracy)?.[0]),
        };
        history.push(progress);
        onEpoch?.(progress);
      } finally {
        ex?.dispose();
        ey?.dispose();
      }
    }
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    xs.dispose();
    ys.dispose();
  }
  return { model, history };
}

/** Class probabilities, rows × classes, row-major. */
export function predictProbabilities(
  model: tf.LayersModel,
  x: Matrix,
  batchSize = PREDICT_BATCH_SIZE,
): Float32Array {
  const xs = toTensor(x);
  try {
    const output = model.predict(xs, { batchSize }) as tf.Tensor;
    try {
      return output.dataSync() as Float32Array;
    } finally {
      output.dispose();
    }
  } finally {
    xs.dispose();
  }
}

/** The most probable class of each row (ties: the lower class). */
export function predictClasses(model: tf.LayersModel, x: Matrix, batchSize = PREDICT_BATCH_SIZE): Int32Array {
  const xs = toTensor(x);
  try {
    return tf
      .tidy(() => (model.predict(xs, { batchSize }) as tf.Tensor).argMax(-1).dataSync() as Int32Array)
      .slice();
  } finally {
    xs.dispose();
  }
}

/** Copies of all weights, for comparing models. */
export function weightValues(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((weight) => Float32Array.from(weight.dataSync()));
}

export type { Tf };

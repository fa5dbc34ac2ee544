import { type Static, Type } from '@tributary/schemas';
import type { tf } from './backend.ts';
import { featureCount } from './features.ts';
import { createMatrix, type Matrix } from './matrix.ts';
import { PREDICT_BATCH_SIZE, predictClasses, predictProbabilities } from './mlp.ts';
import { scale } from './scaler.ts';

export const MODEL_FORMAT_VERSION = 1;

/** What metadata.json holds beside model.json and weights.bin. Checked on load. */
export const ModelMetadata = Type.Object(
  {
    formatVersion: Type.Literal(MODEL_FORMAT_VERSION),
    /** Set by the store when the version is written. */
    version: Type.String(),
    createdAt: Type.String({ description: 'ISO 8601' }),
    seed: Type.Integer(),
    features: Type.Object({
      kind: Type.Union([Type.Literal('raw'), Type.Literal('rolling')]),
      window: Type.Integer({ minimum: 1 }),
    }),
    featureNames: Type.Array(Type.String()),
    scaler: Type.Object({ mean: Type.Array(Type.Number()), std: Type.Array(Type.Number()) }),
    k: Type.Integer({ minimum: 1 }),
    kChosenBy: Type.Union([Type.Literal('elbow'), Type.Literal('fixed')]),
    /** Cluster centres in the scaled feature space, by cluster id. */
    centroids: Type.Array(Type.Array(Type.Number())),
    /** The same centres in the features' units (°C), for people. */
    centroidsInUnits: Type.Array(Type.Array(Type.Number())),
    /** How cluster ids are ordered. */
    clusterOrder: Type.String(),
    /** Hidden regime names and cluster → regime, when the training data had them (evaluation only). */
    regimes: Type.Optional(
      Type.Object({ names: Type.Array(Type.String()), clusterToRegime: Type.Array(Type.Integer()) }),
    ),
    mlp: Type.Object({
      hidden: Type.Array(Type.Integer({ minimum: 1 })),
      epochs: Type.Integer(),
      batchSize: Type.Integer(),
      learningRate: Type.Number(),
    }),
    trainedOn: Type.Object({ backend: Type.String(), source: Type.String(), rows: Type.Integer() }),
    /** The full training report (accuracy, confusion matrices, timings). */
    report: Type.Unknown(),
  },
  { $id: 'RegimeModelMetadata' },
);
export type ModelMetadata = Static<typeof ModelMetadata>;

/**
 * A trained model ready to classify: scaler + MLP. Feature rows go in, unscaled, in the order of
 * `metadata.featureNames`. Call {@link dispose} when a newer version replaces it.
 */
export class RegimeModel {
  readonly metadata: ModelMetadata;
  readonly network: tf.LayersModel;
  #disposed = false;

  constructor(metadata: ModelMetadata, network: tf.LayersModel) {
    const inputs = featureCount(metadata.features);
    const shape = network.inputs[0]?.shape;
    if (shape?.[1] !== inputs)
      throw new RangeError(`network takes ${String(shape?.[1])} inputs, features give ${inputs}`);
    this.metadata = metadata;
    this.network = network;
  }

  get version(): string {
    return this.metadata.version;
  }

  #scaled(features: Matrix): Matrix {
    if (this.#disposed) throw new Error(`model ${this.version} is disposed`);
    return scale(this.metadata.scaler, features);
  }

  /** The predicted cluster id of each feature row. */
  classify(features: Matrix, batchSize = PREDICT_BATCH_SIZE): Int32Array {
    return predictClasses(this.network, this.#scaled(features), batchSize);
  }

  /** Class probabilities, rows × k, row-major. */
  probabilities(features: Matrix, batchSize = PREDICT_BATCH_SIZE): Float32Array {
    return predictProbabilities(this.network, this.#scaled(features), batchSize);
  }

  /** One row, for the streaming path: a feature vector in, a cluster id out. */
  classifyOne(features: Float64Array): number {
    return this.classify(createMatrix(1, features.length, features))[0] as number;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.network.dispose();
  }
}

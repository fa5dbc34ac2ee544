import type { ConsumedRecord } from '@tributary/kafka';
import type { MachineReading } from '@tributary/sensors';
import type { RegimePrediction } from '@tributary/topics';
import { createMatrix, type Matrix } from '../model/matrix.ts';
import type { FeatureSink } from '../stores/feature-store.ts';

/** What a prediction needs of a model: the served {@link RegimeModel} fits. */
export interface RegimeScorer {
  readonly version: string;
  readonly metadata: { readonly k: number };
  probabilities(features: Matrix, batchSize?: number): Float32Array;
}

/** One predict call covers a whole batch: tfjs's per-call overhead dwarfs a few thousand rows. */
export const BATCH_PREDICT_SIZE = 1 << 20;

/** Why a reading could not be classified; bounded, so it can be a metric label. */
export type RejectKind = 'not_finite' | 'late' | 'key_mismatch';

export interface Rejection {
  readonly record: ConsumedRecord<string, MachineReading>;
  readonly kind: RejectKind;
  readonly reason: string;
}

export interface Classified {
  readonly record: ConsumedRecord<string, MachineReading>;
  readonly prediction: RegimePrediction;
}

export interface ClassifyOutcome {
  readonly predictions: Classified[];
  readonly rejections: Rejection[];
}

/** Argmax and its probability per row of a rows × k probability matrix. */
export function argmaxRows(
  probabilities: Float32Array,
  k: number,
): { regimes: Int32Array; confidences: Float64Array } {
  const rows = probabilities.length / k;
  const regimes = new Int32Array(rows);
  const confidences = new Float64Array(rows);
  for (let row = 0; row < rows; row++) {
    let best = 0;
    let bestP = probabilities[row * k] as number;
    for (let c = 1; c < k; c++) {
      const p = probabilities[row * k + c] as number;
      if (p > bestP) {
        best = c;
        bestP = p;
      }
    }
    regimes[row] = best;
    // float32 softmax can land a hair outside [0, 1]; the topic schema says it may not.
    confidences[row] = Math.min(1, Math.max(0, bestP));
  }
  return { regimes, confidences };
}

/** Predicts the regime of each feature row with one model call. */
export function predictRegimes(
  model: RegimeScorer,
  features: Matrix,
): { regimes: Int32Array; confidences: Float64Array } {
  if (features.rows === 0) return { regimes: new Int32Array(0), confidences: new Float64Array(0) };
  return argmaxRows(model.probabilities(features, BATCH_PREDICT_SIZE), model.metadata.k);
}

/**
 * A batch of one partition's readings in offset order → predictions, plus the readings that cannot be
 * classified and why. Each accepted reading advances its machine's window in `features`; a rejected
 * one leaves it untouched. No I/O: the runtime sends and rejects.
 */
export function classifyBatch(
  records: readonly ConsumedRecord<string, MachineReading>[],
  features: FeatureSink,
  cols: number,
  model: RegimeScorer,
): ClassifyOutcome {
  const data = new Float64Array(records.length * cols);
  const accepted: ConsumedRecord<string, MachineReading>[] = [];
  const rejections: Rejection[] = [];
  for (const record of records) {
    const reading = record.value;
    if (!Number.isFinite(reading.temperature)) {
      rejections.push({
        record,
        kind: 'not_finite',
        reason: `temperature is not a finite number: ${String(reading.temperature)}`,
      });
    } else if (record.key !== reading.machine) {
      // Partitioning is by key: a reading under another machine's key would split that machine's window.
      rejections.push({
        record,
        kind: 'key_mismatch',
        reason: `record key ${JSON.stringify(record.key)} is not the reading's machine ${JSON.stringify(reading.machine)}`,
      });
    } else if (features.update(reading, data, accepted.length * cols)) {
      accepted.push(record);
    } else {
      rejections.push({
        record,
        kind: 'late',
        reason: `late reading: event time ${reading.timestamp} is before ${String(features.lastTimestamp(reading.machine))}, the newest of machine ${reading.machine}`,
      });
    }
  }
  const matrix = createMatrix(accepted.length, cols, data.subarray(0, accepted.length * cols));
  const { regimes, confidences } = predictRegimes(model, matrix);
  const predictions = accepted.map((record, row) => ({
    record,
    prediction: {
      machine: record.value.machine,
      timestamp: record.value.timestamp,
      temperature: record.value.temperature,
      regime: regimes[row] as number,
      confidence: confidences[row] as number,
      modelVersion: model.version,
    },
  }));
  return { predictions, rejections };
}

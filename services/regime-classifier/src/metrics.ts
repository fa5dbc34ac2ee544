import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { RejectKind } from './processors/classify.ts';

/** The regime-classifier's own metrics; the Kafka layer registers its consumer/producer metrics beside. */
export class ClassifierMetrics {
  readonly #backend: string;
  readonly #predictions: Counter<'backend'>;
  readonly #rejected: Counter<'reason'>;
  readonly #batchSeconds: Histogram;
  readonly #modelInfo: Gauge<'version' | 'backend'>;
  readonly #modelSwaps: Counter;
  readonly #grpcPredictions: Counter<'backend'>;

  constructor(registry: Registry, backend: string) {
    this.#backend = backend;
    const registers = [registry];
    this.#predictions = new Counter({
      name: 'regime_classifier_predictions_total',
      help: 'Readings of the input topic classified (counted when predicted; an aborted batch is predicted again)',
      labelNames: ['backend'],
      registers,
    });
    this.#rejected = new Counter({
      name: 'regime_classifier_rejected_total',
      help: 'Readings sent to the dead-letter topic by the classifier, by reason (not_finite, late, key_mismatch)',
      labelNames: ['reason'],
      registers,
    });
    this.#batchSeconds = new Histogram({
      name: 'regime_classifier_batch_seconds',
      help: 'Time to compute features and predict one input batch (without the transaction)',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.#modelInfo = new Gauge({
      name: 'regime_classifier_model_info',
      help: 'Always 1 for the model version being served and the TensorFlow.js backend running it',
      labelNames: ['version', 'backend'],
      registers,
    });
    this.#modelSwaps = new Counter({
      name: 'regime_classifier_model_swaps_total',
      help: 'Times a newer model version replaced the one served, without a restart',
      registers,
    });
    this.#grpcPredictions = new Counter({
      name: 'regime_classifier_grpc_predictions_total',
      help: 'Readings classified through gRPC Classify',
      labelNames: ['backend'],
      registers,
    });
  }

  predicted(count: number): void {
    this.#predictions.inc({ backend: this.#backend }, count);
  }

  rejected(kind: RejectKind): void {
    this.#rejected.inc({ reason: kind });
  }

  batch(seconds: number): void {
    this.#batchSeconds.observe(seconds);
  }

  grpcPredicted(count: number): void {
    this.#grpcPredictions.inc({ backend: this.#backend }, count);
  }

  /** One series: the old version's disappears, so the label set stays bounded. */
  served(version: string, swapped: boolean): void {
    this.#modelInfo.reset();
    this.#modelInfo.set({ version, backend: this.#backend }, 1);
    if (swapped) this.#modelSwaps.inc();
  }
}

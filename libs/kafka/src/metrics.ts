import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DeadLetterFailure } from './dead-letter.ts';

/**
 * The per-topic pipeline metrics every service exposes, one set per registry. Labels stay bounded:
 * topic, partition (a topic's partition count) and failure kind, never keys or values.
 */
export class KafkaMetrics {
  readonly consumed: Counter<'topic'>;
  readonly produced: Counter<'topic'>;
  readonly failed: Counter<'topic' | 'failure'>;
  readonly processingLatency: Histogram<'topic'>;
  readonly consumerLag: Gauge<'group' | 'topic' | 'partition'>;

  private constructor(registry: Registry) {
    const registers = [registry];
    this.consumed = new Counter({
      name: 'tributary_messages_consumed_total',
      help: 'Records fetched from a topic and handed to processing',
      labelNames: ['topic'],
      registers,
    });
    this.produced = new Counter({
      name: 'tributary_messages_produced_total',
      help: 'Records acknowledged by the brokers (for transactions: committed)',
      labelNames: ['topic'],
      registers,
    });
    this.failed = new Counter({
      name: 'tributary_messages_failed_total',
      help: 'Records sent to the dead-letter topic, by failure kind (missing, malformed, schema, rejected)',
      labelNames: ['topic', 'failure'],
      registers,
    });
    this.processingLatency = new Histogram({
      name: 'tributary_processing_latency_seconds',
      help: 'Time from a fetched batch being handed over to its offsets being committed',
      labelNames: ['topic'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.consumerLag = new Gauge({
      name: 'tributary_consumer_lag_messages',
      help: 'Records in the partition after the last committed offset, as of the last processed batch',
      labelNames: ['group', 'topic', 'partition'],
      registers,
    });
  }

  static #byRegistry = new WeakMap<Registry, KafkaMetrics>();

  /** One instance per registry: several consumers in one process share the same series. */
  static of(registry: Registry): KafkaMetrics {
    let metrics = KafkaMetrics.#byRegistry.get(registry);
    if (!metrics) {
      metrics = new KafkaMetrics(registry);
      KafkaMetrics.#byRegistry.set(registry, metrics);
    }
    return metrics;
  }

  recordFailure(topic: string, failure: DeadLetterFailure): void {
    this.failed.inc({ topic, failure });
  }
}

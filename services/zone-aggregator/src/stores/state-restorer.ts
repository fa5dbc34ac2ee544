import { randomUUID } from 'node:crypto';
import { TributaryError } from '@tributary/service-kit';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { AggregatorMetrics } from '../metrics.ts';
import type { AggregatorTopics } from '../topology.ts';
import { readChangelog } from './changelog.ts';
import type { WindowStore } from './window-store.ts';

/**
 * Restores the window state of newly assigned input partitions from the changelog before their
 * first batch. The partitions' transactional ids are opened first: that fences a crashed previous
 * owner and aborts its open transaction, so the read_committed changelog read is not held back.
 */
export class StateRestorer {
  readonly #kafka: Kafka;
  readonly #store: WindowStore;
  readonly #topics: AggregatorTopics;
  readonly #inputPartitions: number;
  readonly #transactionalId: (partition: number) => string;
  readonly #appId: string;
  readonly #logger: Logger;
  readonly #metrics: AggregatorMetrics;
  #pending = new Set<number>();
  #restoring: Promise<void> | undefined;

  constructor(options: {
    kafka: Kafka;
    store: WindowStore;
    topics: AggregatorTopics;
    /** Partitions the input topic has: an instance must own all of them. */
    inputPartitions: number;
    transactionalId: (partition: number) => string;
    appId: string;
    logger: Logger;
    metrics: AggregatorMetrics;
  }) {
    this.#kafka = options.kafka;
    this.#store = options.store;
    this.#topics = options.topics;
    this.#inputPartitions = options.inputPartitions;
    this.#transactionalId = options.transactionalId;
    this.#appId = options.appId;
    this.#logger = options.logger;
    this.#metrics = options.metrics;
  }

  /** The group's new assignment: state of lost partitions is dropped, new ones are restored. */
  assign(partitions: readonly number[]): void {
    const owned = new Set(partitions);
    for (const partition of this.#store.partitions()) if (!owned.has(partition)) this.#store.drop(partition);
    for (const partition of partitions) if (!this.#store.owns(partition)) this.#pending.add(partition);
    const all = partitions.length === this.#inputPartitions;
    this.#metrics.partialAssignment.set(all ? 0 : 1);
    if (!all && partitions.length > 0)
      this.#logger.error(
        { partitions, inputPartitions: this.#inputPartitions },
        'this instance owns only some input partitions: sums and the watermark need all of them; run one instance',
      );
  }

  /** Resolves when every assigned partition's state is loaded; a failed restore is tried again. */
  ready(): Promise<void> {
    if (this.#pending.size === 0) return this.#restoring ?? Promise.resolve();
    if (!this.#restoring) {
      this.#restoring = this.#restore().finally(() => {
        this.#restoring = undefined;
      });
    }
    return this.#restoring;
  }

  async #restore(): Promise<void> {
    const partitions = new Set(this.#pending);
    const started = performance.now();
    try {
      for (const partition of partitions) await this.#fence(partition);
      const entries = await readChangelog(
        this.#kafka,
        this.#topics.changelog,
        partitions,
        `${this.#appId}-restore-${randomUUID().slice(0, 8)}`,
      );
      for (const partition of partitions) {
        this.#store.load(partition, entries);
        this.#pending.delete(partition);
      }
      this.#metrics.restoredEntries.inc(entries.length);
      this.#logger.info(
        {
          partitions: [...partitions],
          entries: entries.length,
          openWindows: this.#store.openWindows().size,
          seconds: Math.round(performance.now() - started) / 1000,
        },
        'window state restored from the changelog',
      );
    } catch (error) {
      throw new TributaryError('ZONE_AGGREGATOR_RESTORE_FAILED', 'restoring window state failed; retrying', {
        retriable: true,
        cause: error,
        context: { partitions: [...partitions] },
      });
    }
  }

  async #fence(partition: number): Promise<void> {
    const producer = this.#kafka.producer({
      transactionalId: this.#transactionalId(partition),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    await producer.disconnect();
  }
}

import { randomUUID } from 'node:crypto';
import { readToEnd, type TopicSpec } from '@tributary/kafka';
import { TributaryError } from '@tributary/service-kit';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';

/** A stage's state per partition, as the restorer sees it. */
export interface PartitionedState<V> {
  owns(partition: number): boolean;
  /** Replaces the partition's state with what its changelog partition holds (latest value per key). */
  load(partition: number, entries: ReadonlyMap<string, V | null>): void;
  drop(partition: number): void;
}

/**
 * Keeps a stage's in-memory state equal to its compacted changelog at the committed offsets: the
 * state of a newly assigned partition (and of one whose transaction aborted) is read back before
 * its next batch; a revoked one is dropped. The partitions' transactional ids are opened first:
 * that fences a crashed previous owner and aborts its open transaction, so the read_committed read
 * is not held back until the transaction times out. Changelog partition = the stage's partition
 * modulo the changelog's partition count.
 */
export class StateRestorer<V> {
  readonly #kafka: Kafka;
  readonly #changelog: TopicSpec<string, V>;
  readonly #state: PartitionedState<V>;
  readonly #transactionalId: (partition: number) => string;
  readonly #what: string;
  readonly #logger: Logger;
  readonly #onRestored: (entries: number) => void;
  readonly #pending = new Set<number>();
  readonly #owned = new Set<number>();
  #restoring: Promise<void> | undefined;

  constructor(options: {
    kafka: Kafka;
    changelog: TopicSpec<string, V>;
    state: PartitionedState<V>;
    transactionalId: (partition: number) => string;
    /** What is restored, for the log line `<what> restored from the changelog`. */
    what: string;
    logger: Logger;
    onRestored: (entries: number) => void;
  }) {
    this.#kafka = options.kafka;
    this.#changelog = options.changelog;
    this.#state = options.state;
    this.#transactionalId = options.transactionalId;
    this.#what = options.what;
    this.#logger = options.logger;
    this.#onRestored = options.onRestored;
  }

  /** The group's new assignment: state of lost partitions is dropped, new ones are restored. */
  assign(partitions: readonly number[]): void {
    const owned = new Set(partitions);
    for (const partition of [...this.#pending]) if (!owned.has(partition)) this.#pending.delete(partition);
    for (const partition of this.#owned) if (!owned.has(partition)) this.#drop(partition);
    for (const partition of partitions) if (!this.#state.owns(partition)) this.#pending.add(partition);
  }

  /** The partition's batch was undone: its state is read again before the next one. */
  invalidate(partition: number): void {
    this.#drop(partition);
    this.#pending.add(partition);
  }

  #drop(partition: number): void {
    this.#state.drop(partition);
    this.#owned.delete(partition);
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
    const changelog = this.#changelog;
    const wanted = new Set([...partitions].map((p) => p % changelog.partitions));
    try {
      for (const partition of partitions) await this.#fence(partition);
      const latest = new Map<number, Map<string, V | null>>();
      let entries = 0;
      await readToEnd(
        this.#kafka,
        changelog.name,
        `${changelog.name}-restore-${randomUUID().slice(0, 8)}`,
        (message, partition) => {
          if (!message.key || !wanted.has(partition)) return;
          const map = latest.get(partition) ?? new Map<string, V | null>();
          latest.set(partition, map);
          map.set(
            changelog.key.decode(message.key),
            message.value === null ? null : changelog.value.decode(message.value),
          );
          entries++;
        },
      );
      for (const partition of partitions) {
        // Revoked while the read was under way: not ours to load.
        if (!this.#pending.has(partition)) continue;
        this.#state.load(partition, latest.get(partition % changelog.partitions) ?? new Map());
        this.#owned.add(partition);
        this.#pending.delete(partition);
      }
      this.#onRestored(entries);
      this.#logger.info(
        {
          changelog: changelog.name,
          partitions: [...partitions],
          entries,
          seconds: Math.round(performance.now() - started) / 1000,
        },
        `${this.#what} restored from the changelog`,
      );
    } catch (error) {
      throw new TributaryError('ZONE_AGGREGATOR_RESTORE_FAILED', `restoring ${this.#what} failed; retrying`, {
        retriable: true,
        cause: error,
        context: { changelog: changelog.name, partitions: [...partitions] },
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

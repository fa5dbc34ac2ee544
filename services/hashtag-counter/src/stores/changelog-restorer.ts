import { isRetriable } from '@tributary/kafka';
import { TributaryError } from '@tributary/service-kit';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { type RawRecord, readPartitionsToEnd } from '../ranking/partition-reader.ts';

const RESTORE_ATTEMPTS = 10;

/** What a stage keeps per partition, seen by the restorer. */
export interface PartitionedState {
  has(partition: number): boolean;
  /** Replaces the partition's state with what the changelog records (oldest first) rebuild. */
  load(partition: number, records: readonly RawRecord[]): void;
  drop(partition: number): void;
}

/**
 * Keeps a stage's in-memory state equal to its compacted changelog at the committed offsets: state of a
 * newly assigned partition is read back (read_committed, to the last stable offset) before the
 * partition's first batch, state of a revoked one is dropped, and state that an aborted transaction
 * touched is thrown away and read again. The assignment hook cannot wait, so each restore is a promise
 * that the partition's next batch awaits.
 */
export class ChangelogRestorer {
  readonly #kafka: Kafka;
  readonly #topic: string;
  readonly #state: PartitionedState;
  readonly #logger: Logger;
  readonly #onRestored: (partitions: readonly number[], records: number, seconds: number) => void;
  readonly #pending = new Map<number, Promise<void>>();
  /** The restore each partition waits for, so a stale one (revoked meanwhile) does not overwrite state. */
  readonly #attempts = new Map<number, object>();

  constructor(deps: {
    kafka: Kafka;
    topic: string;
    state: PartitionedState;
    logger: Logger;
    onRestored: (partitions: readonly number[], records: number, seconds: number) => void;
  }) {
    this.#kafka = deps.kafka;
    this.#topic = deps.topic;
    this.#state = deps.state;
    this.#logger = deps.logger;
    this.#onRestored = deps.onRestored;
  }

  /** The group's new assignment: drop revoked partitions, restore those not held. */
  assigned(partitions: readonly number[]): void {
    const owned = new Set(partitions);
    for (const partition of new Set([...this.#pending.keys(), ...this.#attempts.keys()])) {
      if (owned.has(partition)) continue;
      this.#pending.delete(partition);
      this.#attempts.delete(partition);
      this.#state.drop(partition);
    }
    this.#restore(partitions.filter((p) => !this.#state.has(p) && !this.#pending.has(p)));
  }

  /** The partition's batch was undone: its state is read again from the changelog before the next one. */
  invalidate(partition: number): void {
    this.#state.drop(partition);
    this.#pending.delete(partition);
    this.#restore([partition]);
  }

  /** Resolves once the partition's state is restored; rejects when reading the changelog failed. */
  async ready(partition: number): Promise<void> {
    if (!this.#state.has(partition) && !this.#pending.has(partition)) this.#restore([partition]);
    await this.#pending.get(partition);
  }

  #restore(partitions: number[]): void {
    if (partitions.length === 0) return;
    const attempt = {};
    const restore = this.#read(partitions, attempt);
    // A failure surfaces in the partition's next batch (which crashes the consumer), not as an unhandled rejection.
    restore.catch(() => {});
    for (const partition of partitions) {
      this.#pending.set(partition, restore);
      this.#attempts.set(partition, attempt);
    }
  }

  async #read(partitions: number[], attempt: object): Promise<void> {
    const started = performance.now();
    const raw = await this.#readRetrying(partitions);
    const restored: number[] = [];
    for (const partition of partitions) {
      // Revoked or invalidated (and maybe restoring again) while this read was under way.
      if (this.#attempts.get(partition) !== attempt) continue;
      this.#state.load(
        partition,
        raw.filter((record) => record.partition === partition),
      );
      this.#pending.delete(partition);
      restored.push(partition);
    }
    const seconds = (performance.now() - started) / 1000;
    this.#onRestored(restored, raw.length, seconds);
    this.#logger.info(
      { topic: this.#topic, partitions: restored, records: raw.length, seconds },
      'state restored from the changelog',
    );
  }

  /** A topic created moments ago can answer NOT_LEADER for a while: retriable errors are retried. */
  async #readRetrying(partitions: number[]): Promise<RawRecord[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await readPartitionsToEnd(this.#kafka, this.#topic, partitions);
      } catch (error) {
        if (!isRetriable(error) || attempt >= RESTORE_ATTEMPTS) {
          throw new TributaryError('STATE_RESTORE_FAILED', 'could not read the state changelog', {
            cause: error,
            retriable: false,
            context: { topic: this.#topic, partitions, attempts: attempt },
          });
        }
        this.#logger.warn(
          { err: error, topic: this.#topic, partitions, attempt },
          'restore failed; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  }
}

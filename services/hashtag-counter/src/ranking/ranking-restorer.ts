import { TributaryError } from '@tributary/service-kit';
import type { HashtagWindowCount } from '@tributary/topics';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { readPartitionsToEnd } from './partition-reader.ts';
import type { RankingTopics } from './ranking-topics.ts';
import type { WindowRankingStore } from './window-ranking-store.ts';

/**
 * Brings the ranking state of newly assigned partitions back from the changelog. The assignment
 * hook cannot wait, so each restore is a promise that the partition's first batch awaits.
 */
export class RankingRestorer {
  readonly #kafka: Kafka;
  readonly #topics: RankingTopics;
  readonly #store: WindowRankingStore;
  readonly #logger: Logger;
  readonly #onRestored: (partition: number, records: number) => void;
  readonly #pending = new Map<number, Promise<void>>();
  /** The restore each partition waits for, so a stale one (revoked meanwhile) does not overwrite state. */
  readonly #attempts = new Map<number, object>();

  constructor(deps: {
    kafka: Kafka;
    topics: RankingTopics;
    store: WindowRankingStore;
    logger: Logger;
    onRestored: (partition: number, records: number) => void;
  }) {
    this.#kafka = deps.kafka;
    this.#topics = deps.topics;
    this.#store = deps.store;
    this.#logger = deps.logger;
    this.#onRestored = deps.onRestored;
  }

  /** The group's new assignment: drop revoked partitions, restore those this instance did not hold. */
  assigned(partitions: readonly number[]): void {
    this.#store.retain(partitions);
    for (const partition of this.#pending.keys()) {
      if (!partitions.includes(partition)) {
        this.#pending.delete(partition);
        this.#attempts.delete(partition);
      }
    }
    const fresh = partitions.filter((p) => !this.#store.has(p) && !this.#pending.has(p));
    if (fresh.length === 0) return;
    const attempt = {};
    const restore = this.#restore(fresh, attempt);
    // A failure surfaces in the partition's next batch (which crashes the consumer), not as an unhandled rejection.
    restore.catch(() => {});
    for (const partition of fresh) {
      this.#pending.set(partition, restore);
      this.#attempts.set(partition, attempt);
    }
  }

  /** Resolves once the partition's state is restored; throws when reading the changelog failed. */
  async ready(partition: number): Promise<void> {
    await this.#pending.get(partition);
  }

  async #restore(partitions: number[], attempt: object): Promise<void> {
    const started = performance.now();
    const { changelog } = this.#topics;
    let raw: Awaited<ReturnType<typeof readPartitionsToEnd>>;
    try {
      raw = await readPartitionsToEnd(this.#kafka, changelog.name, partitions);
    } catch (error) {
      throw new TributaryError('RANKING_RESTORE_FAILED', 'could not read the ranking changelog', {
        cause: error,
        retriable: false,
        context: { topic: changelog.name, partitions },
      });
    }
    for (const partition of partitions) {
      // Revoked (and maybe assigned again, with a newer restore) while this one was reading.
      if (this.#attempts.get(partition) !== attempt) continue;
      const records = raw
        .filter((record) => record.partition === partition)
        .map(({ key, value }) => ({
          key: changelog.key.decode(key),
          value: value === null ? null : (changelog.value.decode(value) as HashtagWindowCount),
        }));
      this.#store.restore(partition, records);
      this.#onRestored(partition, records.length);
    }
    this.#logger.info(
      {
        topic: changelog.name,
        partitions,
        records: raw.length,
        windows: this.#store.windowCount,
        seconds: (performance.now() - started) / 1000,
      },
      'ranking state restored from the changelog',
    );
  }
}

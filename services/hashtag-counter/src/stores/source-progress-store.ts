import type { Codec } from '@tributary/schemas';
import type { RawRecord } from '../ranking/partition-reader.ts';
import type { SourceProgress } from '../topics.ts';
import type { PartitionedState } from './changelog-restorer.ts';

/**
 * Stage 1's state: the newest event time seen on each owned tweets.raw partition, the base of the
 * partition's watermark. Checkpointed in the same transaction as the partition's offsets, so after a
 * restart the watermark (and so every lateness decision) continues exactly where the last commit was.
 */
export class SourceProgressStore implements PartitionedState {
  readonly #codec: Codec<SourceProgress>;
  /** partition → newest event time (undefined: the partition is owned but has seen no tweet). */
  readonly #maxEventTimes = new Map<number, number | undefined>();

  constructor(codec: Codec<SourceProgress>) {
    this.#codec = codec;
  }

  has(partition: number): boolean {
    return this.#maxEventTimes.has(partition);
  }

  maxEventTime(partition: number): number | undefined {
    return this.#maxEventTimes.get(partition);
  }

  set(partition: number, maxEventTime: number | undefined): void {
    this.#maxEventTimes.set(partition, maxEventTime);
  }

  load(partition: number, records: readonly RawRecord[]): void {
    let maxEventTime: number | undefined;
    for (const { value } of records) {
      maxEventTime = value === null ? undefined : this.#codec.decode(value).maxEventTime;
    }
    this.#maxEventTimes.set(partition, maxEventTime);
  }

  drop(partition: number): void {
    this.#maxEventTimes.delete(partition);
  }

  /** Owned partitions and their newest event times, for the watermark-lag gauge. */
  entries(): IterableIterator<[number, number | undefined]> {
    return this.#maxEventTimes.entries();
  }
}

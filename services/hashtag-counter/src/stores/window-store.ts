import type { Codec } from '@tributary/schemas';
import type { RawRecord } from '../ranking/partition-reader.ts';
import type { WindowStateRecord } from '../topics.ts';
import type { PartitionedState } from './changelog-restorer.ts';
import { type IdlePolicy, PartitionWindows } from './partition-windows.ts';

/**
 * Stage 2's state: the open windows and source watermarks of each owned repartition partition,
 * rebuilt from the window changelog (latest record per key; a tombstone removes a closed window).
 */
export class WindowStore implements PartitionedState {
  readonly #codec: Codec<WindowStateRecord>;
  readonly #sourceCount: () => number;
  readonly #idle: IdlePolicy;
  readonly #partitions = new Map<number, PartitionWindows>();

  constructor(deps: {
    codec: Codec<WindowStateRecord>;
    /** Partitions of the input topic as it is (known once the service has looked at it). */
    sourceCount: () => number;
    idle: IdlePolicy;
  }) {
    this.#codec = deps.codec;
    this.#sourceCount = deps.sourceCount;
    this.#idle = deps.idle;
  }

  has(partition: number): boolean {
    return this.#partitions.has(partition);
  }

  /** The partition's state; only valid once restored. */
  of(partition: number): PartitionWindows {
    const state = this.#partitions.get(partition);
    if (state === undefined) throw new RangeError(`window state of partition ${partition} is not restored`);
    return state;
  }

  load(partition: number, records: readonly RawRecord[]): void {
    const latest = new Map<string, Buffer | null>();
    for (const { key, value } of records) latest.set(key?.toString('utf8') ?? '', value);
    const state = new PartitionWindows(this.#sourceCount(), this.#idle);
    for (const value of latest.values()) {
      if (value === null) continue;
      const record = this.#codec.decode(value);
      if (record.kind === 'window') state.restoreAggregate(record);
      else state.restoreWatermarks(record.sources, record.watermark);
    }
    this.#partitions.set(partition, state);
  }

  drop(partition: number): void {
    this.#partitions.delete(partition);
  }

  entries(): IterableIterator<[number, PartitionWindows]> {
    return this.#partitions.entries();
  }
}

import type { HandlerContext } from './handler.ts';

/** A partition's stored offset moving forward with one sink transaction. */
export interface OffsetMove {
  readonly topic: string;
  readonly partition: number;
  /** The next offset the sink must still hold for the move to apply; undefined: none stored yet. */
  readonly from: bigint | undefined;
  /** The next offset to read after this transaction. */
  readonly to: bigint;
}

/**
 * A transactional sink that keeps the consumed offsets itself, written in the same transaction as
 * the batch's data (Kafka's "storing offsets outside Kafka"): the sink alone says how far it got.
 */
export interface OffsetSink<C extends HandlerContext> {
  /** The context a handler fills with what the batch writes. */
  createContext(base: HandlerContext): C;
  /** The next offset stored for each partition of `topic` asked for; a partition never written is absent. */
  storedOffsets(topic: string, partitions: readonly number[]): Promise<Map<number, bigint>>;
  /**
   * Writes the context's work (none for a batch of transaction markers only) and moves the stored
   * offset, atomically, only while the sink still holds `move.from`; otherwise nothing is written and
   * it throws a `SINK_OFFSET_CONFLICT` {@link KafkaLayerError} (another owner moved the partition on).
   */
  commit(move: OffsetMove, context: C | undefined): Promise<void>;
}

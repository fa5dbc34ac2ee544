import type { ConsumedRecord } from './records.ts';
import type { AnyTopicSpec, TopicSpec } from './topic.ts';

/** What a handler may do besides returning: send a record it cannot process to the dead-letter topic. */
export interface HandlerContext {
  readonly topic: string;
  readonly partition: number;
  /** The record goes to the dead-letter topic with `reason`; the rest of the batch goes on. */
  reject(record: ConsumedRecord<unknown, unknown>, reason: string): void;
}

export type BatchHandler<K, V, C extends HandlerContext> = (
  records: readonly ConsumedRecord<K, V>[],
  context: C,
) => void | Promise<void>;

/** One input topic and what to do with its decoded records. Built with {@link handle}. */
export interface TopicHandler<C extends HandlerContext> {
  readonly topic: AnyTopicSpec;
  readonly run: BatchHandler<unknown, unknown, C>;
  /**
   * Called when work on a partition is undone (a transaction aborted), before its records are
   * delivered again: a stateful handler restores the state it had at the last commit.
   */
  readonly revert?: (partition: number) => void | Promise<void>;
}

/** Pairs a topic with its handler, keeping the key and value types checked at the call site. */
export function handle<K, V, C extends HandlerContext>(
  topic: TopicSpec<K, V>,
  run: BatchHandler<K, V, C>,
  options: { revert?: (partition: number) => void | Promise<void> } = {},
): TopicHandler<C> {
  return { topic, run: run as BatchHandler<unknown, unknown, C>, ...options };
}

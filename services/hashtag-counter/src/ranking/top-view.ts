import { randomUUID } from 'node:crypto';
import { isRetriable, type ReadinessSignal } from '@tributary/kafka';
import type { HashtagTop } from '@tributary/topics';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { RankingTopics } from './ranking-topics.ts';

/**
 * The windows' tops as hashtags.top holds them, windowStart → latest HashtagTop. Every instance keeps
 * its own copy of all partitions, so any instance answers gRPC and the web page.
 */
export class TopView {
  readonly #windows = new Map<string, HashtagTop>();
  readonly #listeners = new Set<(top: HashtagTop) => void>();

  get size(): number {
    return this.#windows.size;
  }

  /** The top of the window starting at `windowStart` (ISO 8601, as the topic's key). */
  get(windowStart: string): HashtagTop | undefined {
    return this.#windows.get(windowStart);
  }

  /**
   * The newest closed window (final, or ended in event time: a window starting at or after its end has
   * data), else the newest window; undefined while the view is empty.
   */
  current(): HashtagTop | undefined {
    let newest: HashtagTop | undefined;
    for (const top of this.#windows.values()) {
      if (newest === undefined || top.windowStart > newest.windowStart) newest = top;
    }
    if (newest === undefined) return undefined;
    let closed: HashtagTop | undefined;
    for (const top of this.#windows.values()) {
      const isClosed = top.final || top.windowEnd <= newest.windowStart;
      if (isClosed && (closed === undefined || top.windowStart > closed.windowStart)) closed = top;
    }
    return closed ?? newest;
  }

  /** Calls `listener` with every window's new top; returns the unsubscribe function. */
  subscribe(listener: (top: HashtagTop) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  apply(windowStart: string, top: HashtagTop | null): void {
    if (top === null) {
      this.#windows.delete(windowStart);
      return;
    }
    this.#windows.set(windowStart, top);
    for (const listener of this.#listeners) listener(top);
  }
}

const OFFSET_ATTEMPTS = 8;

/**
 * Keeps a {@link TopView} up to date from hashtags.top: all partitions, read_committed, from the
 * beginning (the topic is compacted). kafkajs has no manual assignment, so the follower is the only
 * member of its own throwaway group and never commits. Ready once it caught up with the topic's end
 * as of start-up.
 */
export class TopViewFollower {
  readonly #consumer: Consumer;
  readonly #kafka: Kafka;
  readonly #topics: RankingTopics;
  readonly #view: TopView;
  readonly #logger: Logger;
  readonly #readiness: ReadinessSignal | undefined;
  readonly #onChange: () => void;

  constructor(deps: {
    kafka: Kafka;
    topics: RankingTopics;
    view: TopView;
    logger: Logger;
    readiness?: ReadinessSignal;
    onCrash: (error: unknown) => void;
    onChange: () => void;
  }) {
    this.#kafka = deps.kafka;
    this.#topics = deps.topics;
    this.#view = deps.view;
    this.#logger = deps.logger;
    this.#readiness = deps.readiness;
    this.#onChange = deps.onChange;
    this.#consumer = deps.kafka.consumer({
      groupId: `hashtag-top-view-${randomUUID()}`,
      readUncommitted: false,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 250,
    });
    this.#readiness?.fail('hashtags.top view not caught up yet');
    this.#consumer.on(this.#consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return;
      this.#readiness?.fail(`hashtags.top view crashed: ${(payload.error as Error).message}`);
      deps.onCrash(payload.error);
    });
  }

  async start(): Promise<void> {
    const { top } = this.#topics;
    const offsets = await this.#endOffsets(top.name);
    const behind = new Map<number, bigint>();
    for (const { partition, high, low } of offsets) {
      if (BigInt(high) > BigInt(low)) behind.set(partition, BigInt(high));
    }
    const caughtUp = () => {
      this.#readiness?.pass();
      this.#logger.info({ topic: top.name, windows: this.#view.size }, 'hashtags.top view caught up');
    };
    if (behind.size === 0) caughtUp();
    this.#consumer.on(this.#consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const end = behind.get(payload.partition);
      if (end === undefined || BigInt(payload.lastOffset) + 1n < end) return;
      behind.delete(payload.partition);
      if (behind.size === 0) caughtUp();
    });
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: top.name, fromBeginning: true });
    await this.#consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          try {
            const windowStart = top.key.decode(message.key);
            this.#view.apply(windowStart, message.value === null ? null : top.value.decode(message.value));
          } catch (error) {
            // The stage writing hashtags.top validates what it writes; a bad record is logged and skipped.
            this.#logger.warn(
              { err: error, topic: top.name, partition: batch.partition, offset: message.offset },
              'skipping an unreadable hashtags.top record',
            );
          }
        }
        this.#onChange();
      },
    });
  }

  async stop(): Promise<void> {
    await this.#consumer.disconnect();
  }

  /** A topic created moments ago can answer NOT_LEADER for a while: retriable errors are retried. */
  async #endOffsets(topic: string): Promise<{ partition: number; high: string; low: string }[]> {
    const admin = this.#kafka.admin();
    await admin.connect();
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          return await admin.fetchTopicOffsets(topic);
        } catch (error) {
          if (!isRetriable(error) || attempt >= OFFSET_ATTEMPTS) throw error;
          this.#logger.warn({ err: error, topic, attempt }, 'reading end offsets failed; retrying');
          await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
        }
      }
    } finally {
      await admin.disconnect();
    }
  }
}

import type { Batch, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { Backoff } from './backoff.ts';
import { decodeBatch } from './batch-decoder.ts';
import type { DeadLetter } from './dead-letter.ts';
import { isRetriable } from './errors.ts';
import type { HandlerContext, TopicHandler } from './handler.ts';
import type { KafkaMetrics } from './metrics.ts';
import type { ConsumedRecord } from './records.ts';

export type StartPosition = 'earliest' | 'latest';

export interface ConsumerLoopOptions {
  readonly groupId: string;
  /** Where a group without committed offsets starts; default earliest, so nothing is skipped. */
  readonly startFrom?: StartPosition;
  /** Partitions handled at once; the per-partition order is kept either way. */
  readonly partitionsConsumedConcurrently?: number;
  readonly sessionTimeoutMs?: number;
  readonly maxWaitTimeMs?: number;
  readonly maxBytesPerPartition?: number;
  /** The consumer stopped for good (a non-retriable error): the service should exit and be restarted. */
  readonly onCrash?: (error: unknown) => void;
  /** Told when the member joins its group (ready) and when it rebalances, crashes or stops (not ready). */
  readonly readiness?: ReadinessSignal;
}

/** A readiness check to push state into, such as service-kit's `ReadinessCheck`. */
export interface ReadinessSignal {
  pass(): void;
  fail(reason: string): void;
}

/** A batch's decoded records plus what the handler rejected, ready for the commit step. */
export interface ProcessedBatch<C extends HandlerContext> {
  readonly handler: TopicHandler<C>;
  readonly batch: Batch;
  /** The offset to commit: one past the batch's last record. */
  readonly nextOffset: string;
  readonly records: ConsumedRecord<unknown, unknown>[];
  readonly deadLetters: DeadLetter[];
  readonly context: C;
}

/** What differs between delivery guarantees: the context handlers get and how a batch is committed. */
export interface CommitStrategy<C extends HandlerContext> {
  createContext(base: HandlerContext): C;
  /** Makes the batch's output and its offsets durable; throws when they are not. */
  commit(processed: ProcessedBatch<C>, consumer: Consumer): Promise<void>;
  /** The batch's work was not committed and its records will be delivered again. */
  undo?(processed: ProcessedBatch<C>, error: unknown): Promise<void>;
  /** Waits for work the commit step left running in the background; called before leaving the group. */
  drain?(): Promise<void>;
  /** The group gave this member a new assignment (topic → partitions). */
  assigned?(assignment: Readonly<Record<string, number[]>>, consumer: Consumer): Promise<void>;
  /**
   * For a strategy that keeps the offsets in its sink: the offset from which the batch is handled
   * (records before it were handled already), or null to drop the batch (the strategy moved the
   * partition's position with a seek). Without it every batch is handled whole.
   */
  admit?(batch: Batch, consumer: Consumer): Promise<bigint | null>;
  /**
   * A fetched batch held only transaction markers or aborted records: kafkajs moves past it without a
   * handler call, so a strategy that keeps the offsets itself learns of it here.
   */
  passed?(batch: PassedBatch, consumer: Consumer): void;
  close?(): Promise<void>;
}

/** A batch with nothing to handle: `firstOffset` is its first record at or after the fetch position. */
export interface PassedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly firstOffset: string;
  readonly lastOffset: string;
}

type LoopState = 'INITIALIZED' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'CRASHED';

/**
 * The fetch–decode–handle–commit loop that both delivery guarantees share. Offsets are committed by
 * the strategy only after the handler and the commit step succeeded; a retriable failure pauses the
 * partition with backoff and the uncommitted records are fetched again.
 */
export class ConsumerLoop<C extends HandlerContext> {
  readonly #consumer: Consumer;
  readonly #options: ConsumerLoopOptions;
  readonly #handlers: Map<string, TopicHandler<C>>;
  readonly #strategy: CommitStrategy<C>;
  readonly #metrics: KafkaMetrics;
  readonly #logger: Logger;
  readonly #backoffs = new Map<string, Backoff>();
  readonly #resumeTimers = new Set<NodeJS.Timeout>();
  readonly #inFlight = new Set<Promise<void>>();
  #state: LoopState = 'INITIALIZED';
  #joined = false;

  constructor(
    kafka: Kafka,
    options: ConsumerLoopOptions,
    handlers: readonly TopicHandler<C>[],
    strategy: CommitStrategy<C>,
    deps: { metrics: KafkaMetrics; logger: Logger },
  ) {
    this.#options = options;
    this.#handlers = new Map(handlers.map((handler) => [handler.topic.name, handler]));
    this.#strategy = strategy;
    this.#metrics = deps.metrics;
    this.#logger = deps.logger.child({ groupId: options.groupId });
    this.#consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 250,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 2 * 1024 * 1024,
      readUncommitted: false,
      allowAutoTopicCreation: false,
      retry: { restartOnFailure: async (error) => isRetriable(error) },
    });
    const readiness = options.readiness;
    readiness?.fail('not yet in the consumer group');
    this.#consumer.on(this.#consumer.events.REBALANCING, () => {
      this.#joined = false;
      readiness?.fail('consumer group rebalancing');
    });
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, ({ payload }) => {
      this.#joined = true;
      readiness?.pass();
      this.#logger.info(
        { memberId: payload.memberId, assignment: payload.memberAssignment },
        'joined consumer group',
      );
      strategy.assigned?.(payload.memberAssignment, this.#consumer).catch((error: unknown) => {
        this.#logger.warn({ err: error }, 'releasing resources of revoked partitions failed');
      });
    });
    const { passed } = strategy;
    if (passed) {
      this.#consumer.on(this.#consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        // batchSize 0: every record was a marker or aborted (a handled batch has at least one record).
        if (payload.batchSize !== 0 || payload.firstOffset === null || this.#state !== 'RUNNING') return;
        const { topic, partition, firstOffset, lastOffset } = payload;
        passed.call(strategy, { topic, partition, firstOffset, lastOffset }, this.#consumer);
      });
    }
    this.#consumer.on(this.#consumer.events.CRASH, ({ payload }) => {
      this.#joined = false;
      readiness?.fail(`consumer crashed: ${(payload.error as Error).message}`);
      if (payload.restart) return;
      this.#state = 'CRASHED';
      this.#logger.error({ err: payload.error }, 'consumer crashed');
      options.onCrash?.(payload.error);
    });
  }

  get state(): LoopState {
    return this.#state;
  }

  /** Ready once the group assigned this member its partitions (possibly none) and while it runs. */
  isReady(): boolean {
    return this.#state === 'RUNNING' && this.#joined;
  }

  async start(): Promise<void> {
    await this.#consumer.connect();
    await this.#consumer.subscribe({
      topics: [...this.#handlers.keys()],
      fromBeginning: (this.#options.startFrom ?? 'earliest') === 'earliest',
    });
    this.#state = 'RUNNING';
    await this.#consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.#options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.#onBatch(payload),
    });
  }

  /**
   * Stops taking batches, lets those in flight finish and commit, then leaves the group. The drain
   * comes first because kafkajs silently skips `commitOffsets` once its own stop has begun.
   */
  async stop(): Promise<void> {
    if (this.#state === 'STOPPED' || this.#state === 'STOPPING') return;
    this.#state = 'STOPPING';
    this.#options.readiness?.fail('consumer stopping');
    for (const timer of this.#resumeTimers) clearTimeout(timer);
    await Promise.allSettled(this.#inFlight);
    await this.#strategy.drain?.();
    await this.#consumer.disconnect();
    await this.#strategy.close?.();
    this.#state = 'STOPPED';
  }

  async #onBatch(payload: EachBatchPayload): Promise<void> {
    // Stopping: leave the batch uncommitted for the partition's next owner.
    if (this.#state !== 'RUNNING' || payload.isStale()) return;
    const work = this.#handleBatch(payload);
    this.#inFlight.add(work);
    try {
      await work;
    } finally {
      this.#inFlight.delete(work);
    }
  }

  async #handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const handler = this.#handlers.get(batch.topic);
    if (!handler) throw new Error(`no handler for subscribed topic ${batch.topic}`); // unreachable: we subscribe to exactly these
    const started = performance.now();
    const context = this.#strategy.createContext({
      topic: batch.topic,
      partition: batch.partition,
      reject: (record, reason) => deadLetters.push(rejected(batch, record, reason)),
    });
    let from: bigint | null | undefined;
    try {
      from = await this.#strategy.admit?.(batch, this.#consumer);
    } catch (error) {
      // The sink could not say where the partition stands (it is down, say): as a failed commit.
      if (!isRetriable(error)) throw error;
      this.#pauseWithBackoff(payload, error);
      return;
    }
    if (from === null) return;
    const { records, deadLetters } = decodeBatch(handler.topic, batch, from);
    this.#metrics.consumed.inc({ topic: batch.topic }, records.length + deadLetters.length);
    const nextOffset = (BigInt(batch.lastOffset()) + 1n).toString();
    const processed: ProcessedBatch<C> = { handler, batch, nextOffset, records, deadLetters, context };
    try {
      if (records.length > 0) await handler.run(records, context);
      await this.#strategy.commit(processed, this.#consumer);
    } catch (error) {
      await this.#strategy.undo?.(processed, error);
      if (!isRetriable(error)) throw error;
      this.#pauseWithBackoff(payload, error);
      return;
    }
    payload.resolveOffset(batch.lastOffset());
    this.#backoffs.get(partitionKey(batch))?.reset();
    this.#metrics.processingLatency.observe({ topic: batch.topic }, (performance.now() - started) / 1000);
    this.#metrics.consumerLag.set(
      { group: this.#options.groupId, topic: batch.topic, partition: String(batch.partition) },
      Number(BigInt(batch.highWatermark) - BigInt(batch.lastOffset()) - 1n),
    );
    await payload.heartbeat();
  }

  /** A sink or broker is unavailable: wait, then fetch the same uncommitted records again. */
  #pauseWithBackoff(payload: EachBatchPayload, error: unknown): void {
    const key = partitionKey(payload.batch);
    let backoff = this.#backoffs.get(key);
    if (!backoff) {
      backoff = new Backoff();
      this.#backoffs.set(key, backoff);
    }
    const delayMs = backoff.next();
    this.#logger.warn(
      {
        err: error,
        topic: payload.batch.topic,
        partition: payload.batch.partition,
        attempt: backoff.attempt,
        delayMs,
      },
      'batch not committed; pausing the partition before a retry',
    );
    const resume = payload.pause();
    const timer = setTimeout(() => {
      this.#resumeTimers.delete(timer);
      resume();
    }, delayMs);
    this.#resumeTimers.add(timer);
  }
}

function partitionKey(batch: Batch): string {
  return `${batch.topic}/${batch.partition}`;
}

function rejected(batch: Batch, record: ConsumedRecord<unknown, unknown>, reason: string): DeadLetter {
  const message = batch.messages.find((candidate) => candidate.offset === record.offset);
  if (!message)
    throw new RangeError(`offset ${record.offset} is not in the batch of ${batch.topic}/${batch.partition}`);
  return { origin: { topic: batch.topic, partition: batch.partition, message }, failure: 'rejected', reason };
}

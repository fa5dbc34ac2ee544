import type { Batch, Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { ConsumerLoop, type ConsumerLoopOptions, type PassedBatch } from './consumer-loop.ts';
import { deadLetterMessage } from './dead-letter.ts';
import { KafkaLayerError } from './errors.ts';
import type { HandlerContext, TopicHandler } from './handler.ts';
import { KafkaMetrics } from './metrics.ts';
import { OffsetCommitter } from './offset-committer.ts';
import type { OffsetSink } from './offset-sink.ts';
import { BatchingProducer } from './producer.ts';

export interface SinkOffsetsConsumerOptions<C extends HandlerContext> extends ConsumerLoopOptions {
  readonly handlers: readonly TopicHandler<C>[];
}

/**
 * Where this member stands on one partition. `next` undefined: nothing stored, the partition was
 * sent to its earliest offset and the first batch from there sets it.
 */
interface PartitionPosition {
  stored: bigint | undefined;
  next: bigint | undefined;
  /** Where this member last sent the partition: fetched past it twice means Kafka moved it on. */
  sought: bigint | 'earliest' | undefined;
}

/** kafkajs's Batch knows the offset it fetched from, though its type does not say so. */
const fetchedOffset = (batch: Batch): bigint =>
  BigInt((batch as unknown as { fetchedOffset: string }).fetchedOffset);

/**
 * Exactly once into a transactional sink outside Kafka (PostgreSQL, say): each batch's writes and
 * the partition's next offset are one sink transaction ({@link OffsetSink.commit}), and the sink's
 * offsets decide where a partition is read from: when a partition is assigned this member reads the
 * stored offset and seeks there (the earliest offset when none is stored), and a batch fetched from
 * elsewhere has the records before it skipped or is sought again. Kafka's committed offsets follow the sink's, for lag monitoring only. A batch
 * of transaction markers only moves the stored offset too, so a caught-up sink holds the end offsets.
 * Dead letters go to Kafka before the sink commits: at least once.
 */
export class SinkOffsetsConsumer<C extends HandlerContext> {
  readonly #loop: ConsumerLoop<C>;
  readonly #deadLetters: BatchingProducer;
  readonly #sink: OffsetSink<C>;
  readonly #logger: Logger;
  /** Read from the sink once per assignment; a promise, so the assignment and a batch share one read. */
  #positions = new Map<string, Promise<PartitionPosition>>();
  /** Offset-only moves in flight, per partition: the partition's next batch waits for them. */
  readonly #moves = new Map<string, Promise<void>>();
  /** The position each batch in flight was admitted against: its commit applies only from there. */
  readonly #admitted = new WeakMap<Batch, PartitionPosition>();
  #committer: OffsetCommitter | undefined;

  constructor(
    kafka: Kafka,
    sink: OffsetSink<C>,
    options: SinkOffsetsConsumerOptions<C>,
    deps: { registry: Registry; logger: Logger },
  ) {
    const metrics = KafkaMetrics.of(deps.registry);
    const deadLetters = new BatchingProducer(kafka, { metrics });
    this.#deadLetters = deadLetters;
    this.#sink = sink;
    this.#logger = deps.logger.child({ groupId: options.groupId });
    this.#loop = new ConsumerLoop(
      kafka,
      options,
      options.handlers,
      {
        createContext: (base) => sink.createContext(base),
        assigned: async (assignment, consumer) => {
          // Positions are read again from the sink: another member may have moved them meanwhile.
          this.#positions = new Map();
          this.#logger.info({ assignment }, 'partitions assigned; positions come from the sink');
          // Sought now, not at the first batch: where Kafka's committed offset is the end (a sink
          // emptied or replaced since) no batch would come to be admitted.
          for (const [topic, partitions] of Object.entries(assignment))
            for (const partition of partitions) {
              const position = await this.#position(topic, partition);
              if (position.sought === undefined)
                this.#seek(consumer, topic, partition, position.next ?? 'earliest', position);
            }
        },
        admit: (batch, consumer) => this.#admit(batch, consumer),
        commit: async ({ batch, nextOffset, deadLetters: letters, handler, context }, consumer) => {
          if (letters.length > 0) {
            await deadLetters.sendEncoded(
              handler.topic.deadLetterTopic,
              letters.map((letter) => deadLetterMessage(letter, options.groupId)),
            );
            for (const letter of letters) metrics.recordFailure(batch.topic, letter.failure);
          }
          const position = this.#admitted.get(batch);
          if (!position) throw new RangeError('a batch committed without being admitted'); // unreachable: the loop admits first
          await this.#move(batch.topic, batch.partition, position, BigInt(nextOffset), context, consumer);
        },
        passed: (batch, consumer) => this.#passed(batch, consumer),
        drain: async () => {
          await Promise.allSettled(this.#moves.values());
          await this.#committer?.drain();
        },
        close: () => deadLetters.disconnect(),
      },
      { metrics, logger: deps.logger },
    );
  }

  isReady(): boolean {
    return this.#loop.isReady();
  }

  async start(): Promise<void> {
    await this.#deadLetters.connect();
    await this.#loop.start();
  }

  /** Stops fetching, finishes and commits the batch in flight, then disconnects. */
  stop(): Promise<void> {
    return this.#loop.stop();
  }

  #position(topic: string, partition: number): Promise<PartitionPosition> {
    const key = `${topic}/${partition}`;
    let position = this.#positions.get(key);
    if (!position) {
      position = this.#sink.storedOffsets(topic, [partition]).then((offsets) => {
        const stored = offsets.get(partition);
        return { stored, next: stored, sought: undefined };
      });
      // A failed read is not kept: the next batch or assignment reads again.
      position.catch(() => {
        if (this.#positions.get(key) === position) this.#positions.delete(key);
      });
      this.#positions.set(key, position);
    }
    return position;
  }

  async #admit(batch: Batch, consumer: Consumer): Promise<bigint | null> {
    const { topic, partition } = batch;
    await this.#moves.get(`${topic}/${partition}`);
    const position = await this.#position(topic, partition);
    const fetched = fetchedOffset(batch);
    this.#admitted.set(batch, position);
    if (position.next === undefined) {
      if (position.sought === 'earliest') {
        position.next = fetched;
        return fetched;
      }
      // Nothing stored: from the earliest offset, whatever Kafka's committed offset says.
      this.#seek(consumer, topic, partition, 'earliest', position);
      return null;
    }
    if (fetched <= position.next) return position.next;
    if (position.sought === position.next) {
      throw new KafkaLayerError(
        'OFFSETS_OUT_OF_RANGE',
        `${topic}/${partition}: the sink resumes at offset ${position.next} but Kafka fetched from ${fetched}; the records between are gone (retention)`,
        { context: { topic, partition, offset: position.next.toString() } },
      );
    }
    this.#seek(consumer, topic, partition, position.next, position);
    return null;
  }

  #seek(
    consumer: Consumer,
    topic: string,
    partition: number,
    offset: bigint | 'earliest',
    position: PartitionPosition,
  ): void {
    position.sought = offset;
    consumer.seek({ topic, partition, offset: offset === 'earliest' ? '-2' : offset.toString() });
    this.#logger.info({ topic, partition, offset: String(offset) }, 'seeking to the position the sink holds');
  }

  /** One sink transaction moving the stored offset to `to` (with the context's work); then Kafka's, advisory. */
  async #move(
    topic: string,
    partition: number,
    position: PartitionPosition,
    to: bigint,
    context: C | undefined,
    consumer: Consumer,
  ): Promise<void> {
    if (position.next !== undefined && to <= position.next) return;
    try {
      await this.#sink.commit({ topic, partition, from: position.stored, to }, context);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'SINK_OFFSET_CONFLICT')
        this.#positions.delete(`${topic}/${partition}`);
      throw error;
    }
    position.stored = to;
    position.next = to;
    this.#committer ??= new OffsetCommitter(consumer, this.#logger);
    this.#committer.mark({ topic, partition, offset: to.toString() });
  }

  /**
   * Markers only: moved past when they start exactly at the position (nothing unseen before them),
   * after the partition's earlier moves; the partition's next batch waits for it.
   */
  #passed(batch: PassedBatch, consumer: Consumer): void {
    const { topic, partition } = batch;
    const key = `${topic}/${partition}`;
    const move = (this.#moves.get(key) ?? Promise.resolve())
      .then(async () => {
        const position = await this.#position(topic, partition);
        if (position.next === undefined || BigInt(batch.firstOffset) !== position.next) return;
        await this.#move(topic, partition, position, BigInt(batch.lastOffset) + 1n, undefined, consumer);
      })
      .catch((error: unknown) =>
        this.#logger.warn({ err: error, topic, partition }, 'moving past transaction markers failed'),
      )
      .finally(() => {
        if (this.#moves.get(key) === move) this.#moves.delete(key);
      });
    this.#moves.set(key, move);
  }
}

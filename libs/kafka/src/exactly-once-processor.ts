import type { Kafka, Message, TopicMessages } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { ConsumerLoop, type ConsumerLoopOptions, type ProcessedBatch } from './consumer-loop.ts';
import { deadLetterMessage } from './dead-letter.ts';
import { isRetriable, KafkaLayerError } from './errors.ts';
import type { HandlerContext, TopicHandler } from './handler.ts';
import { KafkaMetrics } from './metrics.ts';
import { encodeRecord, type OutgoingRecord } from './records.ts';
import { splitBySize } from './request-size.ts';
import type { TopicSpec } from './topic.ts';
import { TransactionalProducers } from './transactional-producers.ts';

/** A handler's way to emit output: the records are produced in the same transaction as its offsets. */
export interface ExactlyOnceContext extends HandlerContext {
  send<K, V>(topic: TopicSpec<K, V>, record: OutgoingRecord<K, V>): void;
}

export interface ExactlyOnceProcessorOptions extends Omit<ConsumerLoopOptions, 'groupId'> {
  /** The application id: the consumer group and the prefix of every transactional id. */
  readonly appId: string;
  readonly handlers: readonly TopicHandler<ExactlyOnceContext>[];
  readonly transactionTimeoutMs?: number;
  /**
   * Told the member's new assignment (topic → partitions) after every group join, before any batch of
   * it is handled: a stateful handler drops the state of partitions it no longer owns.
   */
  readonly onAssignment?: (assignment: Readonly<Record<string, number[]>>) => void;
}

class TransactionContext implements ExactlyOnceContext {
  readonly topic: string;
  readonly partition: number;
  readonly reject: HandlerContext['reject'];
  readonly outputs = new Map<string, Message[]>();

  constructor(base: HandlerContext) {
    this.topic = base.topic;
    this.partition = base.partition;
    this.reject = base.reject;
  }

  send<K, V>(topic: TopicSpec<K, V>, record: OutgoingRecord<K, V>): void {
    const messages = this.outputs.get(topic.name);
    const message = encodeRecord(topic, record);
    if (messages) messages.push(message);
    else this.outputs.set(topic.name, [message]);
  }
}

/** kafkajs error types that mean another instance took over this transactional id. */
const FENCED = new Set([
  'PRODUCER_FENCED',
  'INVALID_PRODUCER_EPOCH',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
]);

/**
 * Read–process–write with exactly-once semantics: per input batch, one transaction carries the
 * handler's output records, the dead letters and the consumed offsets, so downstream readers with
 * isolation.level=read_committed see all of it or none. An aborted batch is reverted (the handler's
 * `revert`) and delivered again.
 */
export class ExactlyOnceProcessor {
  readonly #loop: ConsumerLoop<TransactionContext>;
  readonly #producers: TransactionalProducers;

  constructor(
    kafka: Kafka,
    options: ExactlyOnceProcessorOptions,
    deps: { registry: Registry; logger: Logger },
  ) {
    const metrics = KafkaMetrics.of(deps.registry);
    const logger = deps.logger.child({ appId: options.appId });
    const producers = new TransactionalProducers(
      kafka,
      options.appId,
      options.transactionTimeoutMs ?? 60_000,
    );
    this.#producers = producers;

    const commit = async ({
      batch,
      nextOffset,
      deadLetters,
      context,
      handler,
    }: ProcessedBatch<TransactionContext>) => {
      const topicMessages: TopicMessages[] = [...context.outputs].map(([topic, messages]) => ({
        topic,
        messages,
      }));
      if (deadLetters.length > 0) {
        topicMessages.push({
          topic: handler.topic.deadLetterTopic,
          messages: deadLetters.map((letter) => deadLetterMessage(letter, options.appId)),
        });
      }
      const producer = await producers.for(batch.topic, batch.partition);
      const transaction = await producer.transaction();
      try {
        for (const request of splitBySize(topicMessages)) {
          await transaction.sendBatch({ topicMessages: request, acks: -1 });
        }
        await transaction.sendOffsets({
          consumerGroupId: options.appId,
          topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: nextOffset }] }],
        });
        await transaction.commit();
      } catch (error) {
        const context = { topic: batch.topic, partition: batch.partition, offset: batch.firstOffset() ?? '' };
        if (FENCED.has((error as { type?: string }).type ?? '')) {
          producers.forget(batch.topic, batch.partition);
          throw new KafkaLayerError('PRODUCER_FENCED', 'another instance owns this partition now', {
            context,
            cause: error,
          });
        }
        await transaction
          .abort()
          .catch((abortError: unknown) => logger.warn({ err: abortError }, 'abort failed'));
        // Retried only when a retry can succeed: a record the broker refuses (too large, say) would
        // otherwise abort the same batch forever; crashing makes it visible.
        throw new KafkaLayerError(
          'TRANSACTION_FAILED',
          'transaction aborted; the batch will be processed again',
          {
            retriable: isRetriable(error),
            context,
            cause: error,
          },
        );
      }
      for (const { topic, messages } of topicMessages) metrics.produced.inc({ topic }, messages.length);
      for (const letter of deadLetters) metrics.recordFailure(batch.topic, letter.failure);
    };

    this.#loop = new ConsumerLoop(
      kafka,
      { ...options, groupId: options.appId },
      options.handlers,
      {
        createContext: (base) => new TransactionContext(base),
        commit,
        undo: async ({ handler, batch }) => {
          await handler.revert?.(batch.partition);
        },
        assigned: (assignment) => {
          options.onAssignment?.(assignment);
          return producers.retain(assignment);
        },
        close: () => producers.closeAll(),
      },
      { metrics, logger },
    );
  }

  /** The transactional id used for an input partition, e.g. to look it up in broker tools. */
  transactionalId(topic: string, partition: number): string {
    return this.#producers.transactionalId(topic, partition);
  }

  isReady(): boolean {
    return this.#loop.isReady();
  }

  start(): Promise<void> {
    return this.#loop.start();
  }

  /** Stops fetching, lets the batch in flight commit or abort, then disconnects. */
  stop(): Promise<void> {
    return this.#loop.stop();
  }
}

import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { ConsumerLoop, type ConsumerLoopOptions } from './consumer-loop.ts';
import { deadLetterMessage } from './dead-letter.ts';
import type { HandlerContext, TopicHandler } from './handler.ts';
import { KafkaMetrics } from './metrics.ts';
import { OffsetCommitter } from './offset-committer.ts';
import { BatchingProducer } from './producer.ts';

export interface AtLeastOnceConsumerOptions extends ConsumerLoopOptions {
  readonly handlers: readonly TopicHandler<HandlerContext>[];
}

/**
 * Hands each batch to its handler (which writes wherever it writes: InfluxDB, Parquet, …) and
 * commits the offsets only after the handler returned and the dead letters were acknowledged (the
 * commit itself overlaps with the next batch; stopping waits for it).
 * A crash before the commit redelivers the batch: at-least-once, so sinks should be idempotent.
 */
export class AtLeastOnceConsumer {
  readonly #loop: ConsumerLoop<HandlerContext>;
  readonly #deadLetters: BatchingProducer;

  constructor(
    kafka: Kafka,
    options: AtLeastOnceConsumerOptions,
    deps: { registry: Registry; logger: Logger },
  ) {
    const metrics = KafkaMetrics.of(deps.registry);
    const deadLetters = new BatchingProducer(kafka, { metrics });
    this.#deadLetters = deadLetters;
    let committer: OffsetCommitter | undefined;
    this.#loop = new ConsumerLoop(
      kafka,
      options,
      options.handlers,
      {
        createContext: (base) => base,
        async commit({ batch, nextOffset, deadLetters: letters, handler }, consumer) {
          if (letters.length > 0) {
            await deadLetters.sendEncoded(
              handler.topic.deadLetterTopic,
              letters.map((letter) => deadLetterMessage(letter, options.groupId)),
            );
            for (const letter of letters) metrics.recordFailure(batch.topic, letter.failure);
          }
          committer ??= new OffsetCommitter(consumer, deps.logger);
          committer.mark({ topic: batch.topic, partition: batch.partition, offset: nextOffset });
        },
        drain: async () => committer?.drain(),
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
}

import { loadConfig } from '@tributary/config';
import {
  AtLeastOnceConsumer,
  BatchingProducer,
  createKafka,
  defineTopic,
  handle,
  KafkaMetrics,
  kafkaSettings,
  type TopicSpec,
} from '@tributary/kafka';
import { bytesCodec, stringCodec } from '@tributary/schemas';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { type BenchClient, CLIENT_SETTINGS, installedVersion } from './client.ts';

/** Our layer as services use it: declared topics, the batching producer, the at-least-once consumer. */
export function oursClient(brokers: readonly string[], partitions: number, logger: Logger): BenchClient {
  const kafka = createKafka(
    loadConfig(kafkaSettings, {
      TRIBUTARY_KAFKA_BROKERS: brokers.join(','),
      TRIBUTARY_KAFKA_CLIENT_ID: 'bench-ours',
    }),
    logger,
  );
  const registry = new Registry();
  const topics = new Map<string, TopicSpec<string, Buffer>>();
  const topicNamed = (name: string): TopicSpec<string, Buffer> => {
    let topic = topics.get(name);
    if (!topic) {
      topic = defineTopic({
        name,
        doc: 'Bench records: string keys, opaque values',
        partitions,
        key: stringCodec,
        value: bytesCodec,
      });
      topics.set(name, topic);
    }
    return topic;
  };

  return {
    description: `@tributary/kafka BatchingProducer + AtLeastOnceConsumer on kafkajs ${installedVersion('kafkajs')}`,
    notes: [
      'keys through stringCodec, values through bytesCodec (no parsing), so the figures are the layer’s own cost',
      'BatchingProducer defaults: idempotent, acks=all, one request in flight, linger 5 ms, up to 10,000 records a request',
      'AtLeastOnceConsumer: decode, handler, metrics, commit after each batch (one partition’s fetch)',
    ],
    async openProducer() {
      const producer = new BatchingProducer(kafka, { metrics: KafkaMetrics.of(registry) });
      await producer.connect();
      return {
        send: (topic, records) => producer.send(topicNamed(topic), records),
        close: () => producer.disconnect(),
      };
    },
    async consume(topic, groupId, sink) {
      const { inspect } = sink;
      let batches = 0;
      const consumer = new AtLeastOnceConsumer(
        kafka,
        {
          groupId,
          startFrom: 'earliest',
          maxWaitTimeMs: CLIENT_SETTINGS.consumerMaxWaitMs,
          maxBytesPerPartition: CLIENT_SETTINGS.consumerMaxBytesPerPartition,
          sessionTimeoutMs: CLIENT_SETTINGS.sessionTimeoutMs,
          handlers: [
            handle(topicNamed(topic), (records) => {
              if (inspect) for (const record of records) inspect(record.value);
              batches += 1;
              sink.received(records.length);
            }),
          ],
        },
        { registry, logger },
      );
      await consumer.start();
      return {
        // The layer hides the kafkajs consumer; readiness is its join signal.
        joined: until(() => consumer.isReady()),
        // It commits once after every handled batch.
        commits: () => batches,
        stop: () => consumer.stop(),
      };
    },
  };
}

/** Resolves when the condition holds, checked every millisecond. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
}

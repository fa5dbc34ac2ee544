import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { type BenchClient, CLIENT_SETTINGS, installedVersion } from './client.ts';

/** kafkajs used directly, configured as our layer configures it, without the layer's work. */
export function kafkajsClient(brokers: readonly string[]): BenchClient {
  const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers: [...brokers], logLevel: logLevel.WARN });
  return {
    description: `kafkajs ${installedVersion('kafkajs')} producer.send and consumer.run({ eachBatch })`,
    notes: [
      'producer: idempotent, acks=all, maxInFlightRequests 1; each send call is its own request',
      'consumer: eachBatch that counts, commitOffsets after each batch; keys and values stay Buffers',
    ],
    async openProducer() {
      const producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // kafkajs's default since 2.0 (murmur2, like Java's), named so that it does not warn about the change.
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      return {
        async send(topic, records) {
          await producer.send({ topic, messages: records, acks: -1 });
        },
        close: () => producer.disconnect(),
      };
    },
    async consume(topic, groupId, sink) {
      const { inspect } = sink;
      let commits = 0;
      const consumer = kafka.consumer({
        groupId,
        sessionTimeout: CLIENT_SETTINGS.sessionTimeoutMs,
        maxWaitTimeInMs: CLIENT_SETTINGS.consumerMaxWaitMs,
        maxBytesPerPartition: CLIENT_SETTINGS.consumerMaxBytesPerPartition,
        readUncommitted: false,
        allowAutoTopicCreation: false,
      });
      const joined = new Promise<void>((resolve) => {
        consumer.on(consumer.events.GROUP_JOIN, () => resolve());
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          if (batch.isEmpty() || !isRunning() || isStale()) return;
          if (inspect) for (const message of batch.messages) if (message.value) inspect(message.value);
          sink.received(batch.messages.length);
          const lastOffset = batch.lastOffset();
          await consumer.commitOffsets([
            { topic: batch.topic, partition: batch.partition, offset: (BigInt(lastOffset) + 1n).toString() },
          ]);
          commits += 1;
          resolveOffset(lastOffset);
          await heartbeat();
        },
      });
      return { joined, commits: () => commits, stop: () => consumer.disconnect() };
    },
  };
}

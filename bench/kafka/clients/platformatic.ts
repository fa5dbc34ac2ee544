import { Consumer, type Message, ProduceAcks, Producer, stringSerializer } from '@platformatic/kafka';
import { type BenchClient, CLIENT_SETTINGS, installedVersion } from './client.ts';

/** @platformatic/kafka, the pure-TypeScript candidate, with the same settings and shapes. */
export function platformaticClient(brokers: readonly string[]): BenchClient {
  const version = installedVersion('@platformatic/kafka');
  return {
    description: `@platformatic/kafka ${version} Producer.send and Consumer.consume (stream)`,
    notes: [
      'producer: idempotent, acks=all; each send call is its own request, and calls are serialized by the bench: in 1.x overlapping idempotent sends fail with OUT_OF_ORDER_SEQUENCE_NUMBER (2.x, which fixes concurrent idempotent sends, needs Node ≥ 22.22)',
      'consumer: a flowing stream of messages; after each fetch response is handled, one commit of every partition’s next offset (at most one in flight); keys and values stay Buffers',
    ],
    async openProducer() {
      const producer = new Producer<string, Buffer, Buffer, Buffer>({
        clientId: 'bench-platformatic',
        bootstrapBrokers: [...brokers],
        idempotent: true,
        acks: ProduceAcks.ALL,
        autocreateTopics: false,
        serializers: { key: stringSerializer },
      });
      // 1.x breaks when idempotent sends overlap (the broker answers OUT_OF_ORDER_SEQUENCE_NUMBER):
      // calls wait for the one before them, as kafkajs's do with one request in flight.
      let previous: Promise<unknown> = Promise.resolve();
      return {
        send(topic, records) {
          const sent = previous.then(() =>
            producer.send({
              messages: records.map((record) => ({ topic, key: record.key, value: record.value })),
            }),
          );
          previous = sent.catch(() => {});
          return sent.then(() => {});
        },
        close: () => producer.close(),
      };
    },
    async consume(topic, groupId, sink) {
      const { inspect } = sink;
      const consumer = new Consumer({
        clientId: 'bench-platformatic',
        bootstrapBrokers: [...brokers],
        groupId,
        sessionTimeout: CLIENT_SETTINGS.sessionTimeoutMs,
        maxWaitTime: CLIENT_SETTINGS.consumerMaxWaitMs,
        maxBytesPerPartition: CLIENT_SETTINGS.consumerMaxBytesPerPartition,
        autocommit: false,
      });
      const joined = new Promise<void>((resolve) => {
        consumer.once('consumer:group:join', () => resolve());
      });
      const stream = await consumer.consume({
        topics: [topic],
        mode: 'committed',
        fallbackMode: 'earliest',
        autocommit: false,
      });
      let commits = 0;
      let pending = 0;
      let flushScheduled = false;
      let committing = false;
      const nextOffsets = new Map<number, bigint>();
      // One OffsetCommit for all partitions, one in flight at a time: offsets handled meanwhile go in
      // the next. (Committing per message or per partition queues requests ahead of the fetch loop's
      // own metadata calls on the consumer's connection and stalls it for seconds.)
      const commit = () => {
        if (committing || nextOffsets.size === 0) return;
        // leaderEpoch -1: 1.x messages do not carry it, and the broker accepts it as unknown.
        const offsets = [...nextOffsets].map(([partition, offset]) => ({
          topic,
          partition,
          offset,
          leaderEpoch: -1,
        }));
        nextOffsets.clear();
        committing = true;
        commits += 1;
        consumer.commit({ offsets }, (error) => {
          committing = false;
          if (error) stream.destroy(error);
          else commit();
        });
      };
      // A fetch response is pushed in one go; once it is all handled, that batch is counted and committed.
      const flush = () => {
        flushScheduled = false;
        sink.received(pending);
        pending = 0;
        commit();
      };
      stream.on('data', (message: Message) => {
        if (inspect) inspect(message.value);
        nextOffsets.set(message.partition, message.offset + 1n);
        pending += 1;
        if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(flush);
        }
      });
      return {
        joined,
        commits: () => commits,
        async stop() {
          await stream.close();
          await consumer.close();
        },
      };
    },
  };
}

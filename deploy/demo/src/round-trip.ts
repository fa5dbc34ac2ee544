import { loadConfig } from '@tributary/config';
import {
  AtLeastOnceConsumer,
  BatchingProducer,
  createKafka,
  defineTopic,
  handle,
  kafkaSettings,
  TopicRegistry,
} from '@tributary/kafka';
import type { StackState } from '@tributary/local-stack';
import { jsonCodec, stringCodec, Type } from '@tributary/schemas';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';

const Greeting = Type.Object(
  { id: Type.Integer({ minimum: 0 }), sentAt: Type.Integer(), text: Type.String() },
  { $id: 'Greeting' },
);

const greetings = defineTopic({
  name: 'demo.greetings',
  doc: 'The demo round trip: records produced and consumed back through the Kafka layer',
  partitions: 3,
  key: stringCodec,
  value: jsonCodec(Greeting),
  retentionMs: 3_600_000,
});

export interface RoundTripSummary {
  readonly produced: number;
  readonly malformed: number;
  readonly consumed: number;
  readonly deadLettered: number;
  readonly seconds: number;
  readonly latencyMs: { p50: number; p99: number };
}

/**
 * Produces `count` greetings plus a few malformed records through the real broker, consumes them
 * back with the at-least-once consumer, and measures what came through and how fast.
 */
export async function roundTrip(stack: StackState, logger: Logger, count: number): Promise<RoundTripSummary> {
  const kafka = createKafka(
    loadConfig(kafkaSettings, { TRIBUTARY_KAFKA_BROKERS: stack.kafka.brokers.join(',') }),
    logger,
  );
  const admin = kafka.admin();
  await admin.connect();
  await new TopicRegistry([greetings], { defaultReplicationFactor: 1 }).ensure(admin);
  await admin.disconnect();

  const registry = new Registry();
  const latencies: number[] = [];
  let deadLettered = 0;
  const groupId = `demo-round-trip-${Date.now()}`;
  const consumer = new AtLeastOnceConsumer(
    kafka,
    {
      groupId,
      startFrom: 'latest',
      handlers: [
        handle(greetings, (records) => {
          const now = Date.now();
          for (const record of records) latencies.push(now - record.value.sentAt);
        }),
      ],
    },
    { registry, logger },
  );
  const running = consumer.start();
  while (!consumer.isReady()) await new Promise((resolve) => setTimeout(resolve, 50));

  const producer = new BatchingProducer(kafka);
  await producer.connect();
  const started = performance.now();
  const sends: Promise<void>[] = [];
  for (let id = 0; id < count; id += 1) {
    sends.push(
      producer.send(greetings, [
        { key: `k${id % 64}`, value: { id, sentAt: Date.now(), text: 'hello, Kafka' } },
      ]),
    );
  }
  const malformed = ['{"id": 1, "sentAt": ', '{"id": "two"}'];
  const raw = kafka.producer();
  await raw.connect();
  await raw.send({ topic: greetings.name, messages: malformed.map((value) => ({ key: 'bad', value })) });
  await raw.disconnect();
  await Promise.all(sends);
  await producer.disconnect();

  const failed = async () =>
    (await registry.getSingleMetric('tributary_messages_failed_total')?.get())?.values.reduce(
      (sum, v) => sum + v.value,
      0,
    ) ?? 0;
  while (latencies.length < count || (await failed()) < malformed.length) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  deadLettered = await failed();
  await consumer.stop();
  await running;

  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    produced: count,
    malformed: malformed.length,
    consumed: latencies.length,
    deadLettered,
    seconds,
    latencyMs: { p50: at(0.5), p99: at(0.99) },
  };
}

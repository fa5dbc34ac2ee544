import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchClient, BenchProducer, BenchRecord } from './clients/client.ts';

const KEY_COUNT = 1024;
/** Keys spread records evenly over the partitions, as a service's machine or zone ids do. */
const KEYS = Array.from({ length: KEY_COUNT }, (_, i) => `key-${String(i).padStart(4, '0')}`);
/** How often the latency run hands the records that fell due to the producer. */
export const LATENCY_TICK_MS = 5;

/** Random capital letters, as Kafka's ProducerPerformance fills its payload; one buffer shared by all records. */
export function payloadOf(bytes: number): Buffer {
  const payload = Buffer.allocUnsafe(bytes);
  for (let i = 0; i < bytes; i += 1) payload[i] = 65 + randomInt(26);
  return payload;
}

export interface ProduceShape {
  readonly messages: number;
  readonly senders: number;
  readonly chunk: number;
}

/**
 * `senders` async loops share `messages` records; each sends `chunk` records and awaits their
 * acknowledgement before sending more. Returns the elapsed time and each send call's ack latency.
 */
export async function produceRecords(
  producer: BenchProducer,
  topic: string,
  shape: ProduceShape,
  payload: Buffer,
): Promise<{ seconds: number; ackLatencies: Float64Array }> {
  const ackLatencies = new Float64Array(Math.ceil(shape.messages / shape.chunk));
  let next = 0;
  let calls = 0;
  const sender = async () => {
    while (next < shape.messages) {
      const from = next;
      const count = Math.min(shape.chunk, shape.messages - from);
      next += count;
      const records: BenchRecord[] = new Array(count);
      for (let i = 0; i < count; i += 1)
        records[i] = { key: KEYS[(from + i) % KEY_COUNT] ?? '', value: payload };
      const sentAt = performance.now();
      await producer.send(topic, records);
      ackLatencies[calls] = performance.now() - sentAt;
      calls += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: shape.senders }, sender));
  return { seconds: (performance.now() - started) / 1000, ackLatencies: ackLatencies.subarray(0, calls) };
}

/**
 * Joins a fresh group on `topic` and reads `messages` records. The clock starts when the group has
 * assigned the partitions (as ConsumerPerformance's fetch time does) and stops at the last record.
 */
export async function consumeRecords(
  client: BenchClient,
  topic: string,
  groupId: string,
  messages: number,
): Promise<{ seconds: number; joinMs: number; commits: number }> {
  const timeoutMs = Math.max(120_000, messages);
  let count = 0;
  let finish: (at: number) => void = () => {};
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });
  const subscribedAt = performance.now();
  const consumer = await client.consume(topic, groupId, {
    received(records) {
      count += records;
      if (count >= messages) finish(performance.now());
    },
  });
  await within(consumer.joined, timeoutMs, () => `${groupId} did not join within ${timeoutMs} ms`);
  const joinedAt = performance.now();
  const endedAt = await within(finished, timeoutMs, () => `${groupId} read ${count} of ${messages} records`);
  await consumer.stop();
  const commits = consumer.commits();
  return { seconds: (endedAt - joinedAt) / 1000, joinMs: joinedAt - subscribedAt, commits };
}

/**
 * Produces at a fixed rate for `seconds` while a consumer of the same process reads the records
 * back. Each value starts with its send time, so latency is produce call → handler, on one clock.
 */
export async function endToEndLatency(
  client: BenchClient,
  producer: BenchProducer,
  topic: string,
  groupId: string,
  options: { rate: number; seconds: number; payload: Buffer },
): Promise<{ latencies: Float64Array; ackLatencies: Float64Array }> {
  const total = options.rate * options.seconds;
  const ackLatencies = new Float64Array(Math.ceil((options.seconds * 1000) / LATENCY_TICK_MS) + 1);
  let calls = 0;
  const latencies = new Float64Array(total);
  let received = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const consumer = await client.consume(topic, groupId, {
    received() {},
    inspect(value) {
      if (received < total) latencies[received] = performance.now() - value.readDoubleLE(0);
      received += 1;
      if (received === total) finish();
    },
  });
  const timeoutMs = 60_000 + options.seconds * 2000;
  await within(consumer.joined, timeoutMs, () => `${groupId} did not join within ${timeoutMs} ms`);

  const sends: Promise<void>[] = [];
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - started) / 1000) * options.rate));
    if (due > sent) {
      const records: BenchRecord[] = [];
      for (let i = sent; i < due; i += 1) {
        const value = Buffer.from(options.payload);
        value.writeDoubleLE(now, 0);
        records.push({ key: KEYS[i % KEY_COUNT] ?? '', value });
      }
      sends.push(
        producer.send(topic, records).then(() => {
          if (calls < ackLatencies.length) ackLatencies[calls] = performance.now() - now;
          calls += 1;
        }),
      );
      sent = due;
    }
    await sleep(LATENCY_TICK_MS);
  }
  await Promise.all(sends);
  await within(finished, timeoutMs, () => `${groupId} read ${received} of ${total} records`);
  await consumer.stop();
  return { latencies, ackLatencies: ackLatencies.subarray(0, Math.min(calls, ackLatencies.length)) };
}

async function within<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what()}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

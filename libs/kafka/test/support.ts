import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { readStackState } from '@tributary/local-stack';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import type { TopicSpec } from '../src/index.ts';
import { type Item, itemTopicNamed } from './fixtures/item-topic.ts';

/** A logger that keeps test output readable; set TRIBUTARY_TEST_LOG=debug to see everything. */
export const testLogger = pino({ level: process.env.TRIBUTARY_TEST_LOG ?? 'silent' });

export async function stackBrokers(): Promise<string[]> {
  return (await readStackState()).kafka.brokers;
}

/** A plain kafkajs client for the test's own reads and admin calls, independent of the layer under test. */
export async function testKafka(brokers?: string[]): Promise<Kafka> {
  return new Kafka({
    clientId: 'tributary-test',
    brokers: brokers ?? (await stackBrokers()),
    logLevel: logLevel.NOTHING,
  });
}

export function uniqueName(prefix: string): string {
  return `test.${prefix}.${randomUUID().slice(0, 8)}`;
}

export function itemTopic(prefix: string, partitions = 3): TopicSpec<string, Item> {
  return itemTopicNamed(uniqueName(prefix), partitions);
}

export interface ReadRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
}

/**
 * Reads a topic from the beginning up to its current end (read_committed unless told otherwise).
 * Its end is taken first, so the result is a snapshot of what was there when called.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  options: { readUncommitted?: boolean } = {},
): Promise<ReadRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await endOffsets(admin, topic);
  await admin.disconnect();
  const remaining = new Map([...ends].filter(([, end]) => end > 0n));
  const records: ReadRecord[] = [];
  if (remaining.size === 0) return records;
  const consumer = kafka.consumer({
    groupId: uniqueName('reader'),
    readUncommitted: options.readUncommitted ?? false,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const done = new Promise<void>((resolve) => {
    // Progress comes from END_BATCH_PROCESS, which also fires for batches of only transaction markers.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const end = remaining.get(payload.partition);
      if (end !== undefined && BigInt(payload.lastOffset) + 1n >= end) remaining.delete(payload.partition);
      if (remaining.size === 0) resolve();
    });
  });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
        records.push({
          partition: batch.partition,
          offset: message.offset,
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          headers,
        });
      }
    },
  });
  await done;
  await consumer.disconnect();
  return records;
}

export async function endOffsets(admin: Admin, topic: string): Promise<Map<number, bigint>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map(({ partition, high }) => [partition, BigInt(high)]));
}

/** Sum of committed offsets of a group on a topic (0 for partitions without a commit). */
export async function committedTotal(kafka: Kafka, groupId: string, topic: string): Promise<bigint> {
  const admin = kafka.admin();
  await admin.connect();
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  await admin.disconnect();
  return (committed?.partitions ?? []).reduce(
    (sum, { offset }) => sum + (offset === '-1' ? 0n : BigInt(offset)),
    0n,
  );
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts a fixture script under tsx with the given environment; stdout lines are collected. */
export function startFixture(
  name: string,
  env: Record<string, string>,
): { child: ChildProcess; lines: string[] } {
  const script = fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  return { child, lines };
}

export async function exitOf(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return { code: child.exitCode, signal: child.signalCode };
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return { code, signal };
}

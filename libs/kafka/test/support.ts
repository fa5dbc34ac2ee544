import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { testKafka, uniqueName } from '@tributary/testing';
import type { Admin, Kafka } from 'kafkajs';
import { pino } from 'pino';
import { BatchingProducer, TopicRegistry, type TopicSpec } from '../src/index.ts';
import { type Item, itemTopicNamed } from './fixtures/item-topic.ts';

/** A logger that keeps test output readable; set TRIBUTARY_TEST_LOG=debug to see everything. */
export const testLogger = pino({ level: process.env.TRIBUTARY_TEST_LOG ?? 'silent' });

export function itemTopic(prefix: string, partitions = 3): TopicSpec<string, Item> {
  return itemTopicNamed(uniqueName(prefix), partitions);
}

/**
 * What the consumer suites share on the broker side: a client, topics declared through the registry
 * (deleted again by `close`), and items produced through our producer.
 */
export class ItemTopics {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly producer: BatchingProducer;
  readonly #created: string[] = [];

  private constructor(kafka: Kafka) {
    this.kafka = kafka;
    this.admin = kafka.admin();
    this.producer = new BatchingProducer(kafka);
  }

  static async open(): Promise<ItemTopics> {
    const topics = new ItemTopics(await testKafka());
    await topics.admin.connect();
    await topics.producer.connect();
    return topics;
  }

  async declare(...topics: TopicSpec<string, Item>[]): Promise<void> {
    const registry = new TopicRegistry(topics, { defaultReplicationFactor: 1 });
    await registry.ensure(this.admin);
    this.#created.push(...registry.topics.map((topic) => topic.name));
  }

  /** Items 0..count-1, keyed over `keys` distinct keys. */
  async produce(topic: TopicSpec<string, Item>, count: number, keys: number): Promise<void> {
    const records = Array.from({ length: count }, (_, id) => ({
      key: `k${id % keys}`,
      value: { id, text: `item ${id}` },
    }));
    await this.producer.send(topic, records);
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
    await this.admin.deleteTopics({ topics: this.#created }).catch(() => {});
    await this.admin.disconnect();
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

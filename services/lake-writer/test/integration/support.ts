import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ServiceProcess } from '@tributary/demo';
import { defineTopic, TopicRegistry } from '@tributary/kafka';
import { stackBrokers, testKafka, uniqueName, waitFor } from '@tributary/testing';
import { type TaxiRide, taxiRides } from '@tributary/topics';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { DeltaLog } from '../../src/delta/delta-log.ts';
import { LocalStorage } from '../../src/storage/local-storage.ts';
import { tempTableDir } from '../support.ts';

export const WRITER_SCRIPT = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/** A lake-writer process on the local stack, with small thresholds so a test sees many commits. */
export function startWriter(
  name: string,
  options: { brokers: string[]; topic: string; group: string; table: string; env?: Record<string, string> },
): ServiceProcess {
  return new ServiceProcess(
    name,
    WRITER_SCRIPT,
    {
      TRIBUTARY_KAFKA_BROKERS: options.brokers.join(','),
      TRIBUTARY_KAFKA_REPLICATION_FACTOR: '1',
      TRIBUTARY_LOG_LEVEL: 'info',
      LAKE_WRITER_TOPIC: options.topic,
      LAKE_WRITER_GROUP_ID: options.group,
      LAKE_WRITER_TABLE_URI: options.table,
      LAKE_WRITER_FLUSH_ROWS: '1500',
      LAKE_WRITER_FLUSH_INTERVAL: '700ms',
      LAKE_WRITER_SESSION_TIMEOUT: '6s',
      ...options.env,
    },
    { echoStderr: true },
  );
}

/** Sends rides keyed by ride key (or to the given partition), 1,000 per request. */
export async function produceRides(
  producer: Producer,
  topic: string,
  rides: readonly TaxiRide[],
  partition?: number,
): Promise<void> {
  for (let start = 0; start < rides.length; start += 1000) {
    await producer.send({
      topic,
      messages: rides.slice(start, start + 1000).map((ride) => ({
        key: ride.key,
        value: JSON.stringify(ride),
        ...(partition === undefined ? {} : { partition }),
      })),
    });
  }
}

/** The txn versions the table holds for the group's appIds of `topic`, by partition. */
export async function tableProgress(table: string, group: string, topic: string, partitions: number) {
  const snapshot = await new DeltaLog(new LocalStorage(table)).update();
  return Array.from({ length: partitions }, (_, p) => snapshot.txnVersion(`${group}:${topic}:${p}`) ?? 0);
}

/** What an integration suite sets up against the local stack, and removes afterwards. */
export class LakeFixture {
  readonly partitions = 3;
  brokers: string[] = [];
  kafka!: Kafka;
  admin!: Admin;
  producer!: Producer;
  readonly #topics: string[] = [];
  readonly #dirs: string[] = [];
  readonly #processes: ServiceProcess[] = [];

  async setUp(): Promise<void> {
    this.brokers = await stackBrokers();
    this.kafka = await testKafka(this.brokers);
    this.admin = this.kafka.admin();
    await this.admin.connect();
    this.producer = this.kafka.producer({ idempotent: true });
    await this.producer.connect();
  }

  async tearDown(): Promise<void> {
    for (const process of this.#processes) process.kill('SIGKILL');
    await Promise.allSettled(this.#processes.map((p) => p.exited));
    await this.producer.disconnect();
    await this.admin.deleteTopics({ topics: this.#topics }).catch(() => {});
    await this.admin.disconnect();
    for (const dir of this.#dirs) await rm(dir, { recursive: true, force: true });
  }

  async topic(prefix: string): Promise<string> {
    const name = uniqueName(prefix);
    const spec = defineTopic({
      ...taxiRides,
      name,
      partitions: this.partitions,
      deadLetterTopic: `${name}.dlq`,
    });
    await new TopicRegistry([spec], { defaultReplicationFactor: 1 }).ensure(this.admin);
    this.#topics.push(name, spec.deadLetterTopic);
    return name;
  }

  async table(): Promise<string> {
    const dir = await tempTableDir();
    this.#dirs.push(dir);
    return dir;
  }

  writer(
    name: string,
    options: { topic: string; group: string; table: string; env?: Record<string, string> },
  ) {
    const process = startWriter(name, { brokers: this.brokers, ...options });
    this.#processes.push(process);
    return process;
  }

  async endOffsets(topic: string): Promise<number[]> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return offsets.sort((a, b) => a.partition - b.partition).map((o) => Number(o.high));
  }

  /** Until the table's txn versions reach the topic's end offsets: everything consumed is committed. */
  async waitForTable(table: string, group: string, topic: string, timeoutMs = 150_000): Promise<number[]> {
    const ends = await this.endOffsets(topic);
    return waitFor(
      `table ${table} to reach offsets ${ends.join(',')}`,
      async () => {
        const progress = await tableProgress(table, group, topic, this.partitions);
        return progress.every((version, p) => version >= (ends[p] ?? 0)) ? progress : undefined;
      },
      timeoutMs,
      500,
    );
  }

  /** Whether the table is behind the topic's end: a kill now is a kill mid-stream. */
  async behind(table: string, group: string, topic: string): Promise<boolean> {
    const ends = await this.endOffsets(topic);
    const progress = await tableProgress(table, group, topic, this.partitions);
    return progress.some((version, p) => version < (ends[p] ?? 0));
  }
}

/** The partitions the process's latest group assignment gave it (undefined before its first). */
export function assignedPartitions(process: ServiceProcess): number[] | undefined {
  const line = process.logs.findLast((entry) => entry.msg === 'partitions assigned');
  return line ? (line.partitions as number[]) : undefined;
}

/** Until the processes' latest assignments split all partitions between them, each getting some. */
export function waitForSplit(processes: readonly ServiceProcess[], partitions: number): Promise<number[][]> {
  return waitFor(
    'the group to split the partitions between every process',
    () => {
      const assigned = processes.map(assignedPartitions);
      if (assigned.some((parts) => !parts || parts.length === 0)) return undefined;
      const all = assigned.flatMap((parts) => parts ?? []);
      return all.length === partitions && new Set(all).size === partitions
        ? (assigned as number[][])
        : undefined;
    },
    60_000,
    200,
  );
}

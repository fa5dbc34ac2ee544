/**
 * `pnpm bench lake`: how fast taxi rides get into the Delta table. Two parts:
 * - appender: rows encoded to Parquet, written and committed per second in-process (no Kafka),
 *   commit latency p50/p99, file sizes, peak memory;
 * - service: the lake-writer as a process draining a pre-filled 3-partition topic (rows/s per
 *   instance, its resident memory), then produce → row visible in the table latency.
 * One JSON document on stdout; progress on stderr.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ServiceProcess } from '@tributary/demo';
import { defineTopic, TopicRegistry } from '@tributary/kafka';
import { DeltaLog, LocalStorage, type RideRow, TableAppender, toRideRow } from '@tributary/lake-writer';
import { readStackState } from '@tributary/local-stack';
import { generateRideRows, parseRideRow } from '@tributary/taxi';
import { type TaxiRide, taxiRides } from '@tributary/topics';
import { Kafka, logLevel } from 'kafkajs';

const USAGE = `pnpm bench lake [--rows N] [--commit-rows N] [--service-rows N] [--latency-samples N]
  --rows N              rides through the in-process appender (default 300000)
  --commit-rows N       rows per appender commit (default 50000)
  --service-rows N      rides the lake-writer process drains from Kafka (default 200000)
  --latency-samples N   single rides timed from produce to visible in the table (default 10)`;

const { values } = parseArgs({
  options: {
    rows: { type: 'string' },
    'commit-rows': { type: 'string' },
    'service-rows': { type: 'string' },
    'latency-samples': { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const positive = (name: string, raw: string | undefined, fallback: number): number => {
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name}: expected a positive integer\n${USAGE}`);
  return value;
};
const rows = positive('rows', values.rows, 300_000);
const commitRows = positive('commit-rows', values['commit-rows'], 50_000);
const serviceRows = positive('service-rows', values['service-rows'], 200_000);
const latencySamples = positive('latency-samples', values['latency-samples'], 10);

const progress = (message: string) => process.stderr.write(`[bench lake] ${message}\n`);
const seconds = (since: number) => (performance.now() - since) / 1000;
const round = (value: number, digits = 3) => Number(value.toFixed(digits));
const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A month of rides in pickup order, as the replayer sends them. */
function rides(count: number, seed: number): TaxiRide[] {
  const from = Date.UTC(2015, 0, 1);
  const out: TaxiRide[] = [];
  for (const line of generateRideRows({
    rows: count,
    seed,
    from,
    to: from + 30 * 86_400_000,
    dirtyFraction: 0,
  })) {
    const parsed = parseRideRow(line.split(','));
    if (parsed.ok) out.push(parsed.ride);
  }
  return out;
}

async function appenderPart(dir: string) {
  progress(`appender: ${rows} rides in commits of ${commitRows} rows`);
  const input = rides(rows, 1).map((ride, i) => {
    const converted = toRideRow(ride, 0, String(i));
    if (!('row' in converted)) throw new Error(converted.reason);
    return converted.row;
  });
  const log = new DeltaLog(new LocalStorage(path.join(dir, 'appender')));
  const appender = new TableAppender(log, { maxRowsPerFile: 1_000_000, writerId: 'bench' });
  let peakRss = process.memoryUsage().rss;
  const latencies: number[] = [];
  const started = performance.now();
  for (let start = 0; start < input.length; start += commitRows) {
    const slice: RideRow[] = input.slice(start, start + commitRows);
    const t0 = performance.now();
    await appender.append([
      {
        appId: 'bench:0',
        fromVersion: start === 0 ? undefined : start,
        toVersion: start + slice.length,
        rows: slice,
      },
    ]);
    latencies.push(seconds(t0));
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const total = seconds(started);
  const sizes = [...log.snapshot.files.values()].map((file) => file.size).sort((a, b) => a - b);
  latencies.sort((a, b) => a - b);
  return {
    rows: input.length,
    commits: latencies.length,
    seconds: round(total),
    rowsPerSecond: Math.round(input.length / total),
    commitSeconds: { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)) },
    files: sizes.length,
    fileBytes: {
      min: sizes[0] ?? 0,
      median: percentile(sizes, 50),
      max: sizes.at(-1) ?? 0,
      total: sizes.reduce((a, b) => a + b, 0),
    },
    bytesPerRow: round(sizes.reduce((a, b) => a + b, 0) / input.length, 1),
    peakRssMB: Math.round(peakRss / 1e6),
  };
}

async function servicePart(dir: string) {
  const stack = await readStackState();
  const kafka = new Kafka({
    clientId: 'bench-lake',
    brokers: stack.kafka.brokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const topic = `bench.lake.${randomUUID().slice(0, 8)}`;
  const spec = defineTopic({ ...taxiRides, name: topic, deadLetterTopic: `${topic}.dlq` });
  await new TopicRegistry([spec], { defaultReplicationFactor: 1 }).ensure(admin);
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const table = path.join(dir, 'service');
  const group = `bench-lake-${randomUUID().slice(0, 8)}`;
  let writer: ServiceProcess | undefined;
  try {
    progress(`service: producing ${serviceRows} rides to ${topic}`);
    const input = rides(serviceRows, 2);
    for (let start = 0; start < input.length; start += 5000) {
      await producer.send({
        topic,
        messages: input
          .slice(start, start + 5000)
          .map((ride) => ({ key: ride.key, value: JSON.stringify(ride) })),
      });
    }
    const ends = (await admin.fetchTopicOffsets(topic)).map((o) => ({
      partition: o.partition,
      high: Number(o.high),
    }));
    const progressOf = async () => {
      const snapshot = await new DeltaLog(new LocalStorage(table)).update();
      return ends.map(({ partition }) => snapshot.txnVersion(`${group}:${topic}:${partition}`) ?? 0);
    };
    writer = new ServiceProcess(
      'lake-writer',
      fileURLToPath(new URL('../services/lake-writer/src/main.ts', import.meta.url)),
      {
        TRIBUTARY_KAFKA_BROKERS: stack.kafka.brokers.join(','),
        TRIBUTARY_KAFKA_REPLICATION_FACTOR: '1',
        LAKE_WRITER_TOPIC: topic,
        LAKE_WRITER_GROUP_ID: group,
        LAKE_WRITER_TABLE_URI: table,
        LAKE_WRITER_FLUSH_INTERVAL: '1s',
      },
      { echoStderr: true },
    );
    const { httpPort } = await writer.running();
    progress('service: draining the topic into the table');
    const started = performance.now();
    await writer.waitForLog((line) => line.msg === 'partitions assigned');
    const joinSeconds = seconds(started);
    const assigned = performance.now();
    for (;;) {
      const done = await progressOf();
      if (done.every((version, i) => version >= (ends[i]?.high ?? 0))) break;
      await sleep(200);
    }
    const drainSeconds = seconds(started);
    const afterJoinSeconds = seconds(assigned);
    const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    const rss = Number(/^process_resident_memory_bytes (\S+)/m.exec(metrics)?.[1] ?? 0);
    const commits = Number(/^lake_writer_commits_total\{operation="append"\} (\S+)/m.exec(metrics)?.[1] ?? 0);

    progress(`service: ${latencySamples} single rides timed from produce to visible`);
    const latencies: number[] = [];
    for (const ride of rides(latencySamples, 3)) {
      const t0 = performance.now();
      const [sent] = await producer.send({
        topic,
        messages: [{ key: ride.key, value: JSON.stringify(ride) }],
      });
      const target = Number(sent?.baseOffset ?? 0) + 1;
      const partition = sent?.partition ?? 0;
      for (;;) {
        const snapshot = await new DeltaLog(new LocalStorage(table)).update();
        if ((snapshot.txnVersion(`${group}:${topic}:${partition}`) ?? 0) >= target) break;
        await sleep(20);
      }
      latencies.push(seconds(t0));
    }
    latencies.sort((a, b) => a - b);
    return {
      rows: input.length,
      partitions: ends.length,
      drainSeconds: round(drainSeconds),
      rowsPerSecond: Math.round(input.length / drainSeconds),
      groupJoinSeconds: round(joinSeconds),
      rowsPerSecondAfterJoin: Math.round(input.length / afterJoinSeconds),
      appendCommits: commits,
      writerRssMB: Math.round(rss / 1e6),
      flushInterval: '1s',
      produceToVisibleSeconds: {
        p50: round(percentile(latencies, 50)),
        p99: round(percentile(latencies, 99)),
      },
    };
  } finally {
    await writer?.stop();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => {});
    await admin.disconnect();
  }
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-lake-'));
try {
  const machine = {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    node: process.version,
    loadAverageAtStart: os.loadavg()[0],
  };
  const appender = await appenderPart(dir);
  const service = await servicePart(dir);
  process.stdout.write(
    `${JSON.stringify({ machine: { ...machine, loadAverageAtEnd: os.loadavg()[0] }, appender, service }, null, 2)}\n`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}

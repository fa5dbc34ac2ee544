/**
 * `pnpm bench taxi-replay`: taxi-replayer throughput with `--rate max` (CSV parse + validation +
 * JSON encoding + idempotent acks=all produce, checkpointed) on a generated file, against Kafka's
 * own ProducerPerformance sending as many records of the same average size to the same broker.
 * One JSON document on stdout; progress on stderr.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '@tributary/config';
import { runScript } from '@tributary/demo';
import { defineTopic, TopicRegistry } from '@tributary/kafka';
import { readStackState } from '@tributary/local-stack';
import { taxiRides } from '@tributary/topics';
import { Kafka, logLevel } from 'kafkajs';
import { benchSettings, stackKafkaLibs } from './kafka/config.ts';

const repo = (file: string) => fileURLToPath(new URL(`../${file}`, import.meta.url));
const progress = (message: string) => process.stderr.write(`[bench taxi-replay] ${message}\n`);

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '300000' }, 'skip-java': { type: 'boolean', default: false } },
});
const rows = Number(values.rows);
if (!(Number.isSafeInteger(rows) && rows > 0)) throw new Error('--rows: expected a positive integer');
const stack = await readStackState();
const brokers = stack.kafka.brokers;
const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-taxi-replay-'));
const suffix = Math.random().toString(16).slice(2, 10);
const topics = { replayer: `bench.taxi-replay.${suffix}`, java: `bench.taxi-replay-java.${suffix}` };
const kafka = new Kafka({ clientId: 'bench-taxi-replay', brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();

try {
  const file = path.join(dir, 'rides.csv');
  progress(`generating ${rows} rows`);
  await runScript(
    repo('libs/taxi/src/generate-cli.ts'),
    ['--out', file, '--rows', String(rows), '--seed', '1'],
    {},
    { quiet: true },
  );
  const fileBytes = (await stat(file)).size;
  // Same topic layout as taxi.rides (3 partitions), created up front for both contenders.
  const declared = Object.values(topics).map((name) =>
    defineTopic({ ...taxiRides, name, deadLetterTopic: `${name}.dlq` }),
  );
  await new TopicRegistry(declared, { defaultReplicationFactor: 1 }).ensure(admin);

  progress('replaying with --rate max');
  const started = performance.now();
  const report = JSON.parse(
    await runScript(
      repo('services/taxi-replayer/src/index.ts'),
      [
        '--file',
        file,
        '--topic',
        topics.replayer,
        '--rate',
        'max',
        '--checkpoint',
        path.join(dir, 'checkpoint.json'),
      ],
      { TRIBUTARY_KAFKA_BROKERS: brokers.join(','), TRIBUTARY_LOG_LEVEL: 'warn' },
      { quiet: true },
    ),
  ) as { produced: number; deadLettered: number; seconds: number; rowsPerSecond: number };
  const wallSeconds = (performance.now() - started) / 1000;
  const offsets = await admin.fetchTopicOffsets(topics.replayer);
  const onTopic = offsets.reduce((sum, { high }) => sum + Number(high), 0);
  const avgValueBytes = await averageValueBytes(kafka, topics.replayer);

  let java: { recordsPerSecond: number; mbPerSecond: number; records: number; recordBytes: number } | null =
    null;
  if (!values['skip-java']) {
    progress(`ProducerPerformance: ${report.produced} records × ${avgValueBytes} bytes, acks=all`);
    java = await producerPerformance(
      stackKafkaLibs(loadConfig(benchSettings).cacheDir),
      topics.java,
      report.produced,
      avgValueBytes,
    );
  }
  const replayerPerSecond = Math.round(report.produced / report.seconds);
  process.stdout.write(
    `${JSON.stringify(
      {
        bench: 'taxi-replay',
        startedAt: new Date().toISOString(),
        machine: { cpus: os.cpus().length, loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100) },
        file: { rows, bytes: fileBytes },
        replayer: {
          produced: report.produced,
          deadLettered: report.deadLettered,
          onTopic,
          seconds: Math.round(report.seconds * 100) / 100,
          ridesPerSecond: replayerPerSecond,
          fileMiBPerSecond: Math.round((fileBytes / 2 ** 20 / report.seconds) * 100) / 100,
          wallSecondsWithStartup: Math.round(wallSeconds * 100) / 100,
          avgValueBytes,
          notes:
            'csv-parse + validation + JSON encode + keyed, idempotent acks=all produce via BatchingProducer, checkpoint every 200 ms',
        },
        java,
        ratio: java ? Math.round((replayerPerSecond / java.recordsPerSecond) * 100) / 100 : null,
        aim: { messagesPerSecond: 100_000, met: replayerPerSecond >= 100_000 },
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await admin.deleteTopics({ topics: Object.values(topics).flatMap((t) => [t, `${t}.dlq`]) }).catch(() => {});
  await admin.disconnect();
  await rm(dir, { recursive: true, force: true });
}

/** Mean value size of the first records of the topic: the record size the Java tool then sends. */
async function averageValueBytes(client: Kafka, topic: string): Promise<number> {
  const consumer = client.consumer({ groupId: `bench-taxi-size-${suffix}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let bytes = 0;
  let count = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          bytes += message.value?.length ?? 0;
          count++;
        }
        if (count >= 1000) resolve();
      },
    });
  });
  await consumer.disconnect();
  await admin.deleteGroups([`bench-taxi-size-${suffix}`]).catch(() => {});
  return Math.round(bytes / count);
}

async function producerPerformance(libsDir: string, topic: string, records: number, recordBytes: number) {
  const child = spawn(
    'java',
    [
      '-Xmx512M',
      '-XX:+UseG1GC',
      `-Dlog4j2.configurationFile=${repo('bench/kafka/log4j2-tools.properties')}`,
      '-cp',
      `${libsDir}/*`,
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--record-size',
      String(recordBytes),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${brokers.join(',')}`,
      'acks=all',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`ProducerPerformance exited with ${code}: ${stdout.slice(-1000)}`);
  const final = stdout.match(/(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\)/);
  if (!final) throw new Error(`ProducerPerformance printed no final line:\n${stdout}`);
  return {
    records,
    recordBytes,
    recordsPerSecond: Math.round(Number(final[2])),
    mbPerSecond: Number(final[3]),
  };
}

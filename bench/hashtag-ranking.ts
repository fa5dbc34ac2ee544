/**
 * `pnpm bench hashtag-ranking`: the hashtag-counter's top-N stage. (1) In memory: count updates per
 * second through its state store (ingest + per-batch top N of every touched window), and the time of
 * one batch's finish (sorting a window's tags). (2) Through Kafka: a backlog of hashtags.counts records
 * through one service instance's stage (re-key by window, rank, hashtags.top + changelog in one
 * transaction per batch), from start to committed. One JSON document on stdout; progress on stderr.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ServiceProcess } from '@tributary/demo';
import { BatchingProducer, defineTopic, TopicRegistry } from '@tributary/kafka';
import { readStackState } from '@tributary/local-stack';
import { type HashtagWindowCount, hashtagCounts, tweetsRaw } from '@tributary/topics';
import { Kafka, logLevel } from 'kafkajs';
import { WindowRankingStore } from '../services/hashtag-counter/src/ranking/window-ranking-store.ts';
import { round, summarize } from './kafka/stats.ts';
import { scrape, until } from './machine-regimes/service-metrics.ts';

const { values: flags } = parseArgs({
  options: {
    updates: { type: 'string', default: '500000' },
    tags: { type: 'string', default: '2000' },
    batch: { type: 'string', default: '500' },
    records: { type: 'string', default: '100000' },
  },
});
const positive = (name: string, raw: string | undefined) => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name}: expected a positive integer, got ${raw}`);
  return value;
};
const shape = {
  updates: positive('updates', flags.updates),
  tagsPerWindow: positive('tags', flags.tags),
  batch: positive('batch', flags.batch),
  kafkaRecords: positive('records', flags.records),
  openWindows: 3,
  topN: 10,
};
const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const T0 = Date.UTC(2025, 0, 6, 10);

/** Count updates as the counting stages send them: a few windows open at once, Zipf tags, growing counts. */
function* countUpdates(total: number, tagsPerWindow: number): Generator<HashtagWindowCount> {
  let state = 7;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const counts = new Map<string, number>();
  const windows = Math.max(shape.openWindows, Math.ceil(total / (tagsPerWindow * 20)));
  for (let i = 0; i < total; i++) {
    const first = Math.floor((i / total) * (windows - shape.openWindows + 1));
    const index = first + Math.floor(random() * shape.openWindows);
    const tag = `tag${Math.floor(tagsPerWindow * random() ** 2.5)}`;
    const windowStart = new Date(T0 + index * 10_000).toISOString();
    const key = `${windowStart}|${tag}`;
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    yield {
      tag,
      count,
      sentiment: Math.round((random() * 2 - 1) * 1000) / 1000,
      windowStart,
      windowEnd: new Date(T0 + index * 10_000 + 20_000).toISOString(),
      final: false,
    };
  }
}

function inMemory() {
  progress(
    `in memory: ${shape.updates} updates, ${shape.tagsPerWindow} tags per window, batches of ${shape.batch}`,
  );
  const updates = [...countUpdates(shape.updates, shape.tagsPerWindow)];
  const store = new WindowRankingStore({ topN: shape.topN, retentionMs: 3_600_000 });
  const finishMs = new Float64Array(Math.ceil(updates.length / shape.batch));
  let batches = 0;
  let tops = 0;
  const started = performance.now();
  for (let at = 0; at < updates.length; at += shape.batch) {
    store.begin(0);
    for (let i = at; i < Math.min(updates.length, at + shape.batch); i++)
      store.ingest(0, updates[i] as HashtagWindowCount);
    const finishing = performance.now();
    tops += store.finish(0).tops.length;
    finishMs[batches++] = performance.now() - finishing;
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    updates: updates.length,
    seconds: round(seconds, 3),
    updatesPerSecond: Math.round(updates.length / seconds),
    topsEmitted: tops,
    finishMs: summarize(finishMs, batches),
  };
}

async function throughKafka() {
  const stack = await readStackState();
  const brokers = [...stack.kafka.brokers];
  const kafka = new Kafka({ clientId: 'bench-hashtag-ranking', brokers, logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  const prefix = `bench-ranking-${Math.random().toString(36).slice(2, 10)}`;
  const counts = defineTopic({
    ...hashtagCounts,
    name: `${prefix}.counts`,
    deadLetterTopic: `${prefix}.counts.dlq`,
  });
  const startService = () =>
    new ServiceProcess(
      'hashtag-counter',
      fileURLToPath(new URL('../services/hashtag-counter/src/index.ts', import.meta.url)),
      {
        TRIBUTARY_KAFKA_BROKERS: brokers.join(','),
        HASHTAG_COUNTER_APP_ID: prefix,
        HASHTAG_COUNTER_INPUT_TOPIC: `${prefix}.tweets`,
        HASHTAG_COUNTER_OUTPUT_TOPIC: counts.name,
        HASHTAG_COUNTER_TOP_TOPIC: `${prefix}.top`,
      },
    );
  let service: ServiceProcess | undefined;
  try {
    // Created before the service starts, so their partitions have leaders when it first reads them.
    const tweets = defineTopic({
      ...tweetsRaw,
      name: `${prefix}.tweets`,
      deadLetterTopic: `${prefix}.tweets.dlq`,
    });
    await new TopicRegistry([tweets, counts], { defaultReplicationFactor: 1 }).ensure(admin);
    progress(`producing a backlog of ${shape.kafkaRecords} count records to ${counts.name}`);
    const producer = new BatchingProducer(kafka);
    await producer.connect();
    const backlog = [...countUpdates(shape.kafkaRecords, shape.tagsPerWindow)].map((value) => ({
      key: `${value.windowStart}|${value.tag}`,
      value,
    }));
    for (let at = 0; at < backlog.length; at += 5_000)
      await producer.send(counts, backlog.slice(at, at + 5_000));
    await producer.disconnect();

    progress('starting one hashtag-counter instance');
    const started = performance.now();
    service = startService();
    const { httpPort } = await service.running();
    // Every count record taken in by the ranking (applied, or refused as expired) is on this counter;
    // it only grows once the batch's transaction is about to commit, so it is a fair end mark.
    await until(
      'the top-N stage to take in the whole backlog',
      async () => (await scrape(httpPort, 'hashtag_counter_ranking_counts_total')) >= shape.kafkaRecords,
      { everyMs: 250, timeoutMs: 10 * 60_000 },
    );
    const cpu = await scrape(httpPort, 'process_cpu_seconds_total');
    const seconds = (performance.now() - started) / 1000;
    const tops = (await admin.fetchTopicOffsets(`${prefix}.top`)).reduce(
      (sum, { high }) => sum + Number(high),
      0,
    );
    return {
      records: shape.kafkaRecords,
      secondsFromProcessStart: round(seconds, 2),
      countsPerSecond: Math.round(shape.kafkaRecords / seconds),
      topOffsets: tops,
      processCpuSeconds: round(cpu, 2),
      note: 'includes process start-up, group joins and topic creation (a few seconds)',
    };
  } finally {
    for (const line of service?.logs.filter(({ level }) => level === 'fatal' || level === 'error') ?? []) {
      progress(`service: ${JSON.stringify(line).slice(0, 4000)}`);
    }
    await service?.stop();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    // Deleting a dozen topics can outlast kafkajs's 5 s default; say so instead of leaving them silently.
    await admin
      .deleteTopics({ topics, timeout: 30_000 })
      .catch((error: unknown) => progress(`could not delete ${topics.join(', ')}: ${String(error)}`));
    await admin.disconnect();
  }
}

const memory = inMemory();
progress(`in memory: ${memory.updatesPerSecond} updates/s`);
const kafka = await throughKafka();
progress(`through Kafka: ${kafka.countsPerSecond} counts/s`);
process.stdout.write(`${JSON.stringify({ shape, inMemory: memory, throughKafka: kafka }, null, 2)}\n`);

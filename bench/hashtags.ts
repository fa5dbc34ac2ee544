/**
 * `pnpm bench hashtags`: the hashtag-counter's counting stages on the local stack, on topics of their
 * own. (1) Throughput: a backlog of generated tweets (Zipf tags, bursts, Unicode, retweets, disorder)
 * through both stages of one instance (tweets.raw → tags-repartition → hashtags.counts), with its
 * CPU, peak memory and where the batch time goes. (2) Latency: tweets produced live at a fixed rate,
 * each 50th carrying a unique probe tag; the time from its send to the first count update of that
 * tag seen by a read_committed reader. One JSON document on stdout; progress on stderr.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ServiceProcess } from '@tributary/demo';
import { defineTopic, isRetriable, TopicRegistry } from '@tributary/kafka';
import { readStackState } from '@tributary/local-stack';
import { hashtagCounts, hashtagTop, type Tweet, tweetsRaw } from '@tributary/topics';
import { generateTweets } from '@tributary/tweets';
import { type Admin, Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { countBatch } from '../services/hashtag-counter/src/processors/count-windows.ts';
import { extractHashtags } from '../services/hashtag-counter/src/processors/extract-hashtags.ts';
import { sentimentOf } from '../services/hashtag-counter/src/processors/sentiment.ts';
import { tagTweets } from '../services/hashtag-counter/src/processors/tag-tweets.ts';
import { PartitionWindows } from '../services/hashtag-counter/src/stores/partition-windows.ts';
import { counterTopics } from '../services/hashtag-counter/src/topics.ts';
import { barsSvg } from './hashtags/chart.ts';
import { round, summarize } from './kafka/stats.ts';
import { peakRssMiB, scrape, until } from './machine-regimes/service-metrics.ts';

/** The aims. */
const TARGETS = { tweetsPerSecondPerInstance: 100_000, p99Ms: 10_000 + 200 };
const WAIT_MS = 10 * 60_000;
const PROBE_EVERY = 50;

const { values: flags } = parseArgs({
  options: {
    tweets: { type: 'string', default: '100000' },
    rate: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '20' },
    partitions: { type: 'string', default: '6' },
    artifacts: { type: 'string', default: '.artifacts/bench' },
    concurrency: { type: 'string', default: '1' },
  },
});
const positive = (name: string, raw: string | undefined) => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name}: expected a positive integer, got ${raw}`);
  return value;
};
const shape = {
  tweets: positive('tweets', flags.tweets),
  rate: positive('rate', flags.rate),
  seconds: positive('seconds', flags.seconds),
  partitions: positive('partitions', flags.partitions),
  partitionsConcurrently: positive('concurrency', flags.concurrency),
  windowSize: '20s',
  windowSlide: '10s',
};

const SERVICE = fileURLToPath(new URL('../services/hashtag-counter/src/index.ts', import.meta.url));
const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const stack = await readStackState();
const brokers = [...stack.kafka.brokers];
const kafka = new Kafka({ clientId: 'bench-hashtags', brokers, logLevel: logLevel.WARN });
const admin = kafka.admin();
await admin.connect();
const runId = Math.random().toString(36).slice(2, 10);
const created: string[] = [];
const services: ServiceProcess[] = [];

/** A counter application on its own input, output and top topics. */
async function application(name: string) {
  const prefix = `bench.hashtags.${runId}.${name}`;
  const renamed = <K, V>(spec: Parameters<typeof defineTopic<K, V>>[0], topic: string) =>
    defineTopic({ ...spec, name: topic, partitions: shape.partitions, deadLetterTopic: `${topic}.dlq` });
  const input = renamed(tweetsRaw, `${prefix}.tweets`);
  const output = renamed(hashtagCounts, `${prefix}.counts`);
  const top = renamed(hashtagTop, `${prefix}.top`);
  // Kafka 4 can answer UNKNOWN_TOPIC_OR_PARTITION for a topic created a moment ago: retry.
  for (let attempt = 1; ; attempt++) {
    try {
      await new TopicRegistry([input, output, top], { defaultReplicationFactor: 1 }).ensure(admin);
      break;
    } catch (error) {
      if (!isRetriable(error) || attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
  created.push(prefix);
  const appId = `${prefix}.app`;
  const start = () => {
    const service = new ServiceProcess(
      'hashtag-counter',
      SERVICE,
      {
        TRIBUTARY_KAFKA_BROKERS: brokers.join(','),
        HASHTAG_COUNTER_APP_ID: appId,
        HASHTAG_COUNTER_INPUT_TOPIC: input.name,
        HASHTAG_COUNTER_OUTPUT_TOPIC: output.name,
        HASHTAG_COUNTER_TOP_TOPIC: top.name,
        HASHTAG_COUNTER_WINDOW_SIZE: shape.windowSize,
        HASHTAG_COUNTER_WINDOW_SLIDE: shape.windowSlide,
        HASHTAG_COUNTER_TOO_LATE: 'drop',
        HASHTAG_COUNTER_PARTITIONS_CONCURRENTLY: String(shape.partitionsConcurrently),
      },
      { echoStderr: true },
    );
    services.push(service);
    return service;
  };
  return { input: input.name, output: output.name, appId, start };
}

async function produce(producer: Producer, topic: string, tweets: readonly Tweet[]): Promise<void> {
  await producer.send({
    topic,
    acks: -1,
    messages: tweets.map((tweet) => ({ key: tweet.id, value: JSON.stringify(tweet) })),
  });
}

async function newProducer(): Promise<Producer> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return producer;
}

/** Sum over partitions of end minus committed (stage 2's input ends each transaction with a marker). */
async function lag(group: string, topic: string, markerSlack: bigint): Promise<bigint> {
  const [ends, [committed]] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId: group, topics: [topic] }),
  ]);
  const done = new Map(
    (committed?.partitions ?? []).map(({ partition, offset }) => [partition, BigInt(offset)]),
  );
  let total = 0n;
  for (const { partition, high } of ends) {
    const behind = BigInt(high) - (done.get(partition) ?? 0n) - markerSlack;
    if (BigInt(high) > 0n && behind > 0n) total += behind;
  }
  return total;
}

/** CPU seconds (user + system) a process used so far. */
async function cpuSeconds(pid: number | undefined): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The stages' CPU work without Kafka, step by step, on the same tweets (tweets/s on one core). */
function inProcess(tweets: readonly Tweet[]) {
  const topics = counterTopics({
    appId: 'bench',
    inputTopic: tweetsRaw.name,
    outputTopic: hashtagCounts.name,
  });
  const rate = (work: () => void) => {
    const started = performance.now();
    work();
    return Math.round((tweets.length * 1000) / (performance.now() - started));
  };
  const bytes = tweets.map((tweet) => Buffer.from(JSON.stringify(tweet)));
  const records = tweets.map((value, index) => ({
    topic: 'bench',
    partition: 0,
    offset: String(index),
    timestamp: 0,
    key: value.id,
    value,
    headers: {},
  }));
  const window = { sizeMs: 20_000, slideMs: 10_000, allowedLatenessMs: 5_000 };
  let tagged: ReturnType<typeof tagTweets>['tagged'] = [];
  const figures = {
    decodeTweetJsonAndSchema: rate(() => {
      for (const value of bytes) topics.input.value.decode(value);
    }),
    extractHashtags: rate(() => {
      for (const tweet of tweets) extractHashtags(tweet.text);
    }),
    vaderSentiment: rate(() => {
      for (const tweet of tweets) sentimentOf(tweet.text);
    }),
    stage1TagTweets: rate(() => {
      tagged = tagTweets(records, 0, undefined, { window, maxOutOfOrdernessMs: 5_000 }).tagged;
    }),
    encodeRepartitionRecords: rate(() => {
      for (const value of tagged) topics.repartition.value.encode(value);
    }),
    stage2CountBatch: rate(() => {
      const state = new PartitionWindows(1, { idleTimeoutMs: 0, now: Date.now });
      const asRecords = tagged.map(
        (value, index) => ({ ...records[0], offset: String(index), key: value.tag, value }) as const,
      );
      countBatch(asRecords as never, state, window);
    }),
  };
  return {
    tweets: tweets.length,
    tagsPerTweet: round(tagged.length / tweets.length),
    tweetsPerSecond: figures,
  };
}

async function throughput() {
  const app = await application('backlog');
  progress(`generating and producing ${shape.tweets} tweets`);
  const producer = await newProducer();
  const tweets = [
    ...generateTweets({
      seed: 1,
      startTime: Date.UTC(2025, 0, 6),
      count: shape.tweets,
      ratePerSecond: 1_000,
    }),
  ];
  progress('timing the stages without Kafka');
  const withoutKafka = inProcess(tweets);
  for (let sent = 0; sent < tweets.length; sent += 2_000)
    await produce(producer, app.input, tweets.slice(sent, sent + 2_000));
  await producer.disconnect();

  progress('one instance works through the backlog');
  const service = app.start();
  const { httpPort } = await service.running();
  await service.waitForLog((line) => line.msg === 'counting');
  const started = performance.now();
  const cpuBefore = await cpuSeconds(service.pid);
  const extractDone = await until(
    'the extract stage to commit the backlog',
    async () => (await lag(`${app.appId}.extract`, app.input, 0n)) === 0n,
    { everyMs: 250, timeoutMs: WAIT_MS },
  );
  const repartition = `${app.appId}.tags-repartition`;
  const countDone = await until(
    'the count stage to commit the backlog',
    async () => (await lag(`${app.appId}.count`, repartition, 1n)) === 0n,
    { everyMs: 250, timeoutMs: WAIT_MS },
  );
  const cpu = (await cpuSeconds(service.pid)) - cpuBefore;
  const seconds = (countDone - started) / 1000;
  const metric = (name: string) => scrape(httpPort, name);
  const tags = await metric('hashtag_counter_tags_total');
  const figures = {
    tweets: shape.tweets,
    tags,
    extractSeconds: round((extractDone - started) / 1000),
    bothStagesSeconds: round(seconds),
    tweetsPerSecond: Math.round(shape.tweets / seconds),
    extractTweetsPerSecond: Math.round(shape.tweets / ((extractDone - started) / 1000)),
    tagsPerSecond: Math.round(tags / seconds),
    cpuSeconds: round(cpu),
    coresUsed: round(cpu / seconds),
    peakRssMiB: await peakRssMiB(service.pid),
    countUpdates: await metric('hashtag_counter_count_updates_total'),
    // Where the time goes: handler time per stage vs batch handed over → committed (handler + transaction).
    handlerSeconds: {
      extract: round(await scrapeLabelled(httpPort, 'hashtag_counter_batch_seconds_sum', 'stage="extract"')),
      count: round(await scrapeLabelled(httpPort, 'hashtag_counter_batch_seconds_sum', 'stage="count"')),
    },
    batchToCommitSeconds: {
      extract: round(
        await scrapeLabelled(httpPort, 'tributary_processing_latency_seconds_sum', `topic="${app.input}"`),
      ),
      count: round(
        await scrapeLabelled(httpPort, 'tributary_processing_latency_seconds_sum', `topic="${repartition}"`),
      ),
    },
    batches: {
      extract: await scrapeLabelled(httpPort, 'hashtag_counter_batch_seconds_count', 'stage="extract"'),
      count: await scrapeLabelled(httpPort, 'hashtag_counter_batch_seconds_count', 'stage="count"'),
    },
  };
  await service.stop();
  return { inProcess: withoutKafka, ...figures };
}

async function scrapeLabelled(httpPort: number, metric: string, label: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n'))
    if (line.startsWith(`${metric}{`) && line.includes(label)) sum += Number(line.split(' ').at(-1));
  return sum;
}

async function latency() {
  const app = await application('live');
  const service = app.start();
  const { httpPort } = await service.running();
  await service.waitForLog((line) => line.msg === 'counting');
  const sentAt = new Map<string, number>();
  const seenAt = new Map<string, number>();
  const reader = kafka.consumer({ groupId: `${app.appId}.reader`, readUncommitted: false });
  await reader.connect();
  await reader.subscribe({ topic: app.output, fromBeginning: true });
  await reader.run({
    eachBatch: async ({ batch }) => {
      const now = performance.now();
      for (const message of batch.messages) {
        const tag = message.key?.toString().split('|')[1] ?? '';
        if (tag.startsWith('probe') && !seenAt.has(tag)) seenAt.set(tag, now);
      }
    },
  });
  // Let the reader join before timing anything.
  await new Promise((resolve) => setTimeout(resolve, 3_000));

  progress(`producing ${shape.rate} tweets/s for ${shape.seconds} s with event time = now`);
  const producer = await newProducer();
  const generator = generateTweets({ seed: 2, startTime: Date.now(), ratePerSecond: shape.rate });
  const tickMs = 100;
  const perTick = Math.max(1, Math.round((shape.rate * tickMs) / 1000));
  const cpuBefore = await cpuSeconds(service.pid);
  const began = performance.now();
  let index = 0;
  for (let tick = 0; performance.now() - began < shape.seconds * 1000; tick++) {
    const batch: Tweet[] = [];
    const probes: string[] = [];
    for (let i = 0; i < perTick; i++, index++) {
      const tweet = generator.next().value as Tweet;
      tweet.createdAt = new Date().toISOString();
      if (index % PROBE_EVERY === 0) {
        const probe = `probe${index}`;
        tweet.text = `${tweet.text} #${probe}`;
        probes.push(probe);
      }
      batch.push(tweet);
    }
    const sendTime = performance.now();
    for (const probe of probes) sentAt.set(probe, sendTime);
    await produce(producer, app.input, batch);
    const wait = began + (tick + 1) * tickMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const producedSeconds = (performance.now() - began) / 1000;
  await producer.disconnect();
  await until('every probe counted', async () => seenAt.size >= sentAt.size, {
    everyMs: 200,
    timeoutMs: 60_000,
  }).catch(() => 0);
  const cpu = (await cpuSeconds(service.pid)) - cpuBefore;
  const samples = new Float64Array(
    [...sentAt].flatMap(([probe, sent]) => {
      const seen = seenAt.get(probe);
      return seen === undefined ? [] : [seen - sent];
    }),
  );
  const figures = {
    tweets: index,
    tweetsPerSecond: Math.round(index / producedSeconds),
    probes: sentAt.size,
    probesCounted: seenAt.size,
    sendToCountUpdateMs: summarize(samples),
    coresUsed: round(cpu / producedSeconds),
    peakRssMiB: await peakRssMiB(service.pid),
    watermarkLagSeconds: round(
      (await scrapeLabelled(httpPort, 'hashtag_counter_watermark_lag_seconds', 'stage="count"')) /
        shape.partitions,
    ),
  };
  await reader.disconnect();
  await service.stop();
  return figures;
}

async function cleanUp(admin: Admin): Promise<void> {
  await Promise.allSettled(services.map((service) => service.stop()));
  const topics = (await admin.listTopics()).filter((topic) =>
    created.some((prefix) => topic.startsWith(prefix)),
  );
  await admin.deleteTopics({ topics }).catch(() => {});
}

const loadAtStart = os.loadavg();
try {
  const backlog = await throughput();
  progress(`backlog: ${backlog.tweetsPerSecond} tweets/s through both stages`);
  const live = await latency();
  progress(`live: p99 ${live.sendToCountUpdateMs.p99} ms`);
  const document = {
    bench: 'hashtags',
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, loadAverageAtStart: loadAtStart.map((load) => round(load)) },
    shape,
    targets: TARGETS,
    backlog,
    live,
  };
  await mkdir(flags.artifacts ?? '.artifacts/bench', { recursive: true });
  const chart = `${flags.artifacts}/hashtags-${runId}.svg`;
  const steps = backlog.inProcess.tweetsPerSecond;
  await writeFile(
    chart,
    barsSvg(
      `pnpm bench hashtags, ${document.at} (load ${loadAtStart[0]?.toFixed(1)} at start)`,
      'tweets per second',
      [
        {
          label: 'decode tweet (JSON + schema)',
          value: steps.decodeTweetJsonAndSchema,
          group: 'one core, no Kafka',
        },
        { label: 'extract hashtags', value: steps.extractHashtags, group: 'one core, no Kafka' },
        { label: 'VADER sentiment', value: steps.vaderSentiment, group: 'one core, no Kafka' },
        { label: 'stage 1 function', value: steps.stage1TagTweets, group: 'one core, no Kafka' },
        {
          label: 'encode repartition records',
          value: steps.encodeRepartitionRecords,
          group: 'one core, no Kafka',
        },
        { label: 'stage 2 function', value: steps.stage2CountBatch, group: 'one core, no Kafka' },
        {
          label: 'backlog: stage 1 through Kafka',
          value: backlog.extractTweetsPerSecond,
          group: 'one instance, Kafka',
        },
        {
          label: 'backlog: both stages through Kafka',
          value: backlog.tweetsPerSecond,
          group: 'one instance, Kafka',
        },
        { label: 'aim per instance', value: TARGETS.tweetsPerSecondPerInstance, group: 'aim' },
      ],
    ),
  );
  process.stdout.write(`${JSON.stringify({ ...document, chart }, null, 2)}\n`);
} finally {
  await cleanUp(admin);
  await admin.disconnect();
}

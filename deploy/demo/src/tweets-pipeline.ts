import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@tributary/config';
import { consumerGroupLag, createKafka, kafkaSettings } from '@tributary/kafka';
import type { StackState } from '@tributary/local-stack';
import { pino } from 'pino';
import { scrapedWhileRunning } from './scraped-service.ts';
import { ServiceProcess } from './service-process.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const script = (relative: string) => path.join(repoRoot, relative);

export interface TweetsPipelineOptions {
  /** Generated tweets to ingest. */
  readonly tweets: number;
  /** Tweets per second of event time; the replay ends now, so windows land in "the last minutes". */
  readonly rate: number;
  readonly seed: number;
}

export interface RankedTag {
  readonly tag: string;
  readonly count: number;
  readonly sentiment: number;
}

export interface TweetsPipelineSummary {
  readonly produced: number;
  readonly deadLettered: number;
  readonly seconds: number;
  /** The latest window's top list as InfluxDB holds it (measurement hashtag_top). */
  readonly latestWindow: string | undefined;
  readonly top: RankedTag[];
  /** The same window on the counter's live page (/hashtags/top.json), while it ran. */
  readonly pageTop: RankedTag[];
  readonly pageUrl: string;
  readonly influxQueryUrl: string;
  readonly services: { name: string; metrics: string }[];
}

function progress(message: string): void {
  process.stderr.write(`[demo] tweets: ${message}\n`);
}

/** InfluxQL rows as records by column name (InfluxDB orders tag and field columns its own way). */
async function influxQl(influx: StackState['influx'], query: string): Promise<Record<string, unknown>[]> {
  const url = `${influx.url}/query?db=${encodeURIComponent(influx.database)}&epoch=ms&q=${encodeURIComponent(query)}`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`InfluxDB answered ${response.status} to ${query}`);
  const body = (await response.json()) as {
    results?: { series?: { columns?: string[]; values?: unknown[][] }[] }[];
  };
  return (body.results?.[0]?.series ?? []).flatMap((series) =>
    (series.values ?? []).map((row) =>
      Object.fromEntries((series.columns ?? []).map((column, index) => [column, row[index]])),
    ),
  );
}

/** The latest window in hashtag_top and its ranks, best first. */
async function latestTop(
  influx: StackState['influx'],
  sinceMs: number,
): Promise<{ window: number | undefined; top: RankedTag[] }> {
  const [last] = await influxQl(influx, `SELECT last("count") FROM "hashtag_top" WHERE time >= ${sinceMs}ms`);
  const window = last?.time as number | undefined;
  if (window === undefined) return { window, top: [] };
  const rows = await influxQl(
    influx,
    `SELECT "rank", "hashtag", "count", "sentiment" FROM "hashtag_top" WHERE time = ${window}ms`,
  );
  const top = rows
    .sort((a, b) => String(a.rank).localeCompare(String(b.rank)))
    .map((row) => ({ tag: String(row.hashtag), count: Number(row.count), sentiment: Number(row.sentiment) }));
  return { window, top };
}

/**
 * twitter-ingest (generator) → tweets.raw → hashtag-counter → hashtags.counts / hashtags.top →
 * influx-sink → InfluxDB, each service its own process: replays generated tweets whose event times
 * end now, and waits until InfluxDB's counts stop changing (the counter has caught up).
 */
export async function runTweetsPipeline(
  stack: StackState,
  options: TweetsPipelineOptions,
): Promise<TweetsPipelineSummary> {
  const kafkaEnv = { TRIBUTARY_KAFKA_BROKERS: stack.kafka.brokers.join(',') };
  const counter = new ServiceProcess(
    'hashtag-counter',
    script('services/hashtag-counter/src/index.ts'),
    kafkaEnv,
  );
  const sink = new ServiceProcess('influx-sink', script('services/influx-sink/src/index.ts'), {
    ...kafkaEnv,
    INFLUX_URL: stack.influx.url,
    INFLUX_ORG: '-',
    INFLUX_BUCKET: stack.influx.database,
    INFLUX_SINK_TOPICS: 'hashtags.counts,hashtags.top',
    INFLUX_SINK_GROUP_ID: 'influx-sink-hashtags',
  });
  const services = [counter, sink];
  const targets: { release(): Promise<void> }[] = [];
  try {
    const endpoints = [];
    for (const service of services) {
      const { httpPort } = await service.running();
      const address = `127.0.0.1:${httpPort}`;
      targets.push(await scrapedWhileRunning(stack, service.name, address));
      endpoints.push({ name: service.name, metrics: `http://${address}/metrics` });
    }
    const pageUrl = `http://127.0.0.1:${(await counter.running()).httpPort}/hashtags/`;

    const spanMs = Math.round((options.tweets / options.rate) * 1000);
    const startTime = Date.now() - spanMs;
    progress(`ingesting ${options.tweets} generated tweets (${spanMs / 1000} s of event time ending now)`);
    const started = performance.now();
    const ingest = new ServiceProcess('twitter-ingest', script('services/twitter-ingest/src/index.ts'), {
      ...kafkaEnv,
      TWITTER_INGEST_SOURCE: 'generator',
      TWITTER_INGEST_COUNT: String(options.tweets),
      TWITTER_INGEST_RATE: String(options.rate),
      TWITTER_INGEST_SEED: String(options.seed),
      TWITTER_INGEST_START_TIME: new Date(startTime).toISOString(),
      TWITTER_INGEST_PROGRESS_INTERVAL: '2s',
    });
    const exit = await ingest.exited;
    const finished = ingest.logs.find((line) => line.msg === 'source finished');
    if (exit.code !== 0 || finished === undefined) throw new Error(`twitter-ingest exited with ${exit.code}`);

    // Caught up when every stage's group has read its input to the end. A transactional topic ends
    // with a commit marker that no consumer commits past, hence "at most 1 behind" per partition.
    const since = startTime - 60_000;
    const groups = [
      'hashtag-counter.extract',
      'hashtag-counter.count',
      'hashtag-counter.rank',
      'influx-sink-hashtags',
    ];
    const admin = createKafka(loadConfig(kafkaSettings, kafkaEnv), pino({ level: 'warn' })).admin();
    await admin.connect();
    try {
      for (let waited = 0; ; waited++) {
        if (waited > 240) throw new Error('the counter and the sink did not catch up within 2 minutes');
        await new Promise((resolve) => setTimeout(resolve, 500));
        const lags = await consumerGroupLag(admin, groups);
        const behind = lags.reduce((sum, row) => sum + (row.lag > 1n ? row.lag : 0n), 0n);
        const seen = new Set(lags.map((row) => row.group));
        if (waited % 4 === 0) progress(`${behind} records still to process by the counter and the sink`);
        if (behind === 0n && groups.every((group) => seen.has(group))) break;
      }
    } finally {
      await admin.disconnect();
    }
    const { window, top } = await latestTop(stack.influx, since);
    const page = await fetch(
      `${pageUrl}top.json${window === undefined ? '' : `?window=${encodeURIComponent(new Date(window).toISOString())}`}`,
    );
    const pageTop = page.ok ? (((await page.json()) as { top?: RankedTag[] }).top ?? []) : [];
    const query = `SELECT "hashtag", "count", "sentiment" FROM "hashtag_top" WHERE time > now() - 15m GROUP BY "rank"`;
    return {
      produced: Number(finished.produced),
      deadLettered: Number(finished.deadLettered),
      seconds: (performance.now() - started) / 1000,
      latestWindow: window === undefined ? undefined : new Date(window).toISOString(),
      top,
      pageTop,
      pageUrl,
      influxQueryUrl: `${stack.influx.url}/query?db=${stack.influx.database}&q=${encodeURIComponent(query)}`,
      services: endpoints,
    };
  } finally {
    await Promise.all(targets.map((target) => target.release()));
    await Promise.all(services.map((service) => service.stop()));
  }
}

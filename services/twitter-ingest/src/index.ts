#!/usr/bin/env -S node --import tsx
// twitter-ingest: wiring only. Settings: src/config.ts (TWITTER_INGEST_*, TWITTER_*, TRIBUTARY_KAFKA_*).
import { BatchingProducer, createKafka, KafkaMetrics, TopicRegistry } from '@tributary/kafka';
import { createService } from '@tributary/service-kit';
import { checkSourceSettings, ingestSettings } from './config.ts';
import { IngestMetrics } from './metrics.ts';
import { runIngest } from './run.ts';
import { sourceItems } from './sources/index.ts';
import { FilteredStreamClient } from './stream/filtered-stream.ts';
import { syncStreamRules } from './stream/stream-rules.ts';
import { tweetsTopic } from './topology.ts';

const EXIT_CONFIG = 78;

const service = createService({ name: 'twitter-ingest', version: '0.1.0', settings: ingestSettings });
const { config, logger } = service;
const problems = checkSourceSettings(config);
if (problems.length > 0) {
  for (const problem of problems) logger.fatal(problem);
  process.exit(EXIT_CONFIG);
}

const metrics = new IngestMetrics(service.metrics, config.source);
const topic = tweetsTopic(config.topic);
const kafka = createKafka(config.kafka, logger);
const producer = new BatchingProducer(kafka, { metrics: KafkaMetrics.of(service.metrics) });
const abort = new AbortController();
const producing = service.readiness.register('producing');
producing.fail('starting');
let running: Promise<unknown> = Promise.resolve();
// Hooks run in reverse order: the source stops and what it read is acknowledged, then the producer goes.
service.onShutdown(() => producer.disconnect(), 'disconnect the producer');
service.onShutdown(async () => {
  abort.abort();
  await running.catch(() => {});
}, 'stop reading the source, wait for the acknowledgements');

await service.start();
const admin = kafka.admin();
await admin.connect();
try {
  const registry = new TopicRegistry([topic], { defaultReplicationFactor: config.kafka.replicationFactor });
  const { created, drift } = await registry.ensure(admin);
  if (created.length > 0) logger.info({ topics: created }, 'created topics');
  for (const difference of drift) logger.warn(difference, 'topic differs from its declaration');
} finally {
  await admin.disconnect();
}
await producer.connect();

let stream: FilteredStreamClient | undefined;
if (config.source === 'api') {
  const token = config.api.token as string;
  if (config.api.rules !== undefined) {
    const synced = await syncStreamRules(config.api.baseUrl, token, config.api.rules);
    logger.info(synced, 'stream rules in place');
  }
  stream = new FilteredStreamClient({
    baseUrl: config.api.baseUrl,
    token,
    stallTimeoutMs: config.api.stallTimeoutMs,
    backoff: config.api,
    onConnected: (attempt) => {
      metrics.connected.set(1);
      logger.info({ attempt }, 'filtered stream connected');
    },
    onReconnect: (event) => {
      metrics.connected.set(0);
      metrics.reconnects.inc({ reason: event.reason });
      logger.warn(event, 'filtered stream reconnecting');
    },
  });
}

producing.pass();
logger.info({ source: config.source, topic: topic.name, count: config.count }, 'ingesting');
const run = runIngest(sourceItems(config, abort.signal, stream), {
  producer,
  topic,
  metrics,
  logger,
  count: config.count,
  progressIntervalMs: config.progressIntervalMs,
  signal: abort.signal,
});
running = run;
try {
  const report = await run;
  logger.info({ ...report, source: config.source, topic: topic.name }, 'source finished');
  await service.stop();
} catch (error) {
  service.fail(error);
}

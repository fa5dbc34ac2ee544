#!/usr/bin/env -S node --import tsx
// The zone-aggregator service: wiring only.
import {
  createKafka,
  type ExactlyOnceContext,
  ExactlyOnceProcessor,
  SinkOffsetsConsumer,
  type TopicHandler,
  TopicRegistry,
  type TopicSpec,
} from '@tributary/kafka';
import { createService } from '@tributary/service-kit';
import { aggregatorSettings } from './config.ts';
import { AggregatorMetrics } from './metrics.ts';
import { ServingTable } from './stores/serving-table.ts';
import { SourceProgressStore } from './stores/source-progress.ts';
import { type PartitionedState, StateRestorer } from './stores/state-restorer.ts';
import { ZoneTable } from './stores/zone-table.ts';
import { WindowStore } from './stores/zone-windows.ts';
import { aggregatorTopics } from './topics.ts';
import { aggregateStage, routeStage, serveStage } from './topology.ts';

const service = createService({ name: 'zone-aggregator', version: '0.1.0', settings: aggregatorSettings });
const { config, logger } = service;
const metrics = new AggregatorMetrics(service.metrics);
const topics = aggregatorTopics(config);
const zones = new ZoneTable({
  connectionString: config.postgresUrl,
  table: config.zoneTable,
  logger,
  onReload: (count) => {
    metrics.zoneReloads.inc();
    metrics.zones.set(count);
  },
});
const kafka = createKafka(config.kafka, logger);
const serving =
  config.servingTable === null
    ? undefined
    : new ServingTable({
        connectionString: config.postgresUrl,
        table: config.servingTable,
        onCommit: (changes, seconds) => metrics.served(changes, seconds),
      });
// Hooks run in reverse order: the stages (registered below) stop before the tables close.
service.onShutdown(() => zones.close(), 'stop listening to the zone table');
if (serving) service.onShutdown(() => serving.close(), 'close the serving table connections');

await service.start();
const zoneCheck = service.readiness.register('zone-table');
zoneCheck.fail('zone table not loaded');
await zones.open();
zoneCheck.pass();
await serving?.open();

const admin = kafka.admin();
await admin.connect();
let inputPartitions: number;
try {
  const { input, output, repartition, windowChangelog, sourceChangelog } = topics;
  const registry = new TopicRegistry([input, output, repartition, windowChangelog, sourceChangelog], {
    defaultReplicationFactor: config.kafka.replicationFactor,
  });
  const { created, drift } = await registry.ensure(admin);
  if (created.length > 0) logger.info({ topics: created }, 'created topics');
  for (const difference of drift) logger.warn(difference, 'topic differs from its declaration');
  // Stage 2's watermark is the minimum over the partitions the input really has, not the declared count.
  const metadata = await admin.fetchTopicMetadata({ topics: [input.name] });
  inputPartitions = metadata.topics[0]?.partitions.length ?? input.partitions;
} finally {
  await admin.disconnect();
}

const parts = {
  topics,
  zones: () => zones.current,
  settings: { watermarkDelayMs: config.watermarkDelay, allowedLatenessMs: config.allowedLateness },
  metrics,
};
const common = {
  // One batch at a time per stage: a batch's state changes are what its transaction writes.
  partitionsConsumedConcurrently: 1,
  maxBytesPerPartition: config.maxBytesPerPartition,
  sessionTimeoutMs: config.sessionTimeoutMs,
  transactionTimeoutMs: config.transactionTimeoutMs,
  onCrash: (error: unknown) => service.fail(error),
};
/** One stage: an exactly-once processor with its own group, and the restorer of its changelogged state. */
function stage<V>(
  name: 'route' | 'aggregate',
  spec: {
    input: TopicSpec<string, unknown>;
    changelog: TopicSpec<string, V>;
    state: PartitionedState<V>;
    what: string;
    handlers: (restorer: StateRestorer<V>) => TopicHandler<ExactlyOnceContext>[];
  },
): ExactlyOnceProcessor {
  const restorer: StateRestorer<V> = new StateRestorer<V>({
    kafka,
    changelog: spec.changelog,
    state: spec.state,
    transactionalId: (partition: number): string => processor.transactionalId(spec.input.name, partition),
    what: spec.what,
    logger: logger.child({ stage: name }),
    onRestored: (entries) => metrics.restoredEntries.inc(entries),
  });
  const processor: ExactlyOnceProcessor = new ExactlyOnceProcessor(
    kafka,
    {
      ...common,
      appId: `${config.appId}.${name}`,
      handlers: spec.handlers(restorer),
      readiness: service.readiness.register(`${name}-stage`),
      onAssignment: (assignment) => restorer.assign(assignment[spec.input.name] ?? []),
    },
    { registry: service.metrics, logger: logger.child({ stage: name }) },
  );
  return processor;
}

// Stage 1 (<appId>.route): taxi.rides → zone lookup → <appId>.zones-repartition, keyed by zone.
const progress = new SourceProgressStore();
const route = stage('route', {
  input: topics.input,
  changelog: topics.sourceChangelog,
  state: progress,
  what: 'source progress',
  handlers: (restorer) => routeStage({ ...parts, progress, restorer }),
});
// Stage 2 (<appId>.aggregate): <appId>.zones-repartition → hour windows per zone → taxi.zone-hourly.
const windows = new WindowStore(inputPartitions);
const aggregate = stage('aggregate', {
  input: topics.repartition,
  changelog: topics.windowChangelog,
  state: windows,
  what: 'window state',
  handlers: (restorer) => aggregateStage({ ...parts, windows, restorer }),
});

// Stage 3 (<appId>.serve, when a serving table is set): taxi.zone-hourly → the PostgreSQL serving
// table, exactly once by the offsets it keeps in the same transactions.
const serve =
  serving &&
  new SinkOffsetsConsumer(
    kafka,
    serving,
    {
      groupId: `${config.appId}.serve`,
      handlers: serveStage({ topics }),
      partitionsConsumedConcurrently: 1,
      maxBytesPerPartition: config.maxBytesPerPartition,
      sessionTimeoutMs: config.sessionTimeoutMs,
      onCrash: common.onCrash,
      readiness: service.readiness.register('serve-stage'),
    },
    { registry: service.metrics, logger: logger.child({ stage: 'serve' }) },
  );

const stages = [route, aggregate, ...(serve ? [serve] : [])];
service.onShutdown(
  () => Promise.all(stages.map((running) => running.stop())),
  'stop the stages: finish the batches in flight, leave the groups',
);
await Promise.all(stages.map((running) => running.start()));
logger.info(
  {
    appId: config.appId,
    input: topics.input.name,
    inputPartitions,
    repartition: topics.repartition.name,
    output: topics.output.name,
    changelogs: [topics.windowChangelog.name, topics.sourceChangelog.name],
    servingTable: serving?.table ?? 'off',
    zones: zones.current.zones.length,
  },
  'aggregating',
);

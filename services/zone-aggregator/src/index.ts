#!/usr/bin/env -S node --import tsx
// The zone-aggregator service: wiring only.
import { createKafka, ExactlyOnceProcessor, TopicRegistry } from '@tributary/kafka';
import { createService } from '@tributary/service-kit';
import { aggregatorSettings } from './config.ts';
import { AggregatorMetrics } from './metrics.ts';
import { StateRestorer } from './stores/state-restorer.ts';
import { WindowStore } from './stores/window-store.ts';
import { ZoneTable } from './stores/zone-table.ts';
import { aggregatorTopics, aggregatorTopology } from './topology.ts';

const service = createService({ name: 'zone-aggregator', version: '0.1.0', settings: aggregatorSettings });
const { config, logger } = service;
const metrics = new AggregatorMetrics(service.metrics);
const topics = aggregatorTopics(config);
const store = new WindowStore();
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
// Hooks run in reverse order: the processor (registered below) stops before the zone table closes.
service.onShutdown(() => zones.close(), 'stop listening to the zone table');

await service.start();
const zoneCheck = service.readiness.register('zone-table');
zoneCheck.fail('zone table not loaded');
await zones.open();
zoneCheck.pass();

const admin = kafka.admin();
await admin.connect();
let inputPartitions: number;
try {
  const registry = new TopicRegistry([topics.input, topics.output, topics.changelog], {
    defaultReplicationFactor: config.kafka.replicationFactor,
  });
  const { created, drift } = await registry.ensure(admin);
  if (created.length > 0) logger.info({ topics: created }, 'created topics');
  for (const difference of drift) logger.warn(difference, 'topic differs from its declaration');
  // The watermark is the minimum over the partitions the input really has, not the declared count.
  const metadata = await admin.fetchTopicMetadata({ topics: [topics.input.name] });
  inputPartitions = metadata.topics[0]?.partitions.length ?? topics.input.partitions;
} finally {
  await admin.disconnect();
}

let restorer: StateRestorer | undefined;
const processor = new ExactlyOnceProcessor(
  kafka,
  {
    appId: config.appId,
    handlers: aggregatorTopology({
      topics,
      store,
      zones: () => zones.current,
      restored: () => restorer?.ready() ?? Promise.resolve(),
      settings: {
        watermarkDelayMs: config.watermarkDelay,
        allowedLatenessMs: config.allowedLateness,
        inputPartitions,
      },
      metrics,
    }),
    // One batch at a time: the window store's undo log covers exactly the batch in flight.
    partitionsConsumedConcurrently: 1,
    maxBytesPerPartition: config.maxBytesPerPartition,
    sessionTimeoutMs: config.sessionTimeoutMs,
    transactionTimeoutMs: config.transactionTimeoutMs,
    readiness: service.readiness.register('kafka-processor'),
    onCrash: (error) => service.fail(error),
    onAssignment: (assignment) => restorer?.assign(assignment[topics.input.name] ?? []),
  },
  { registry: service.metrics, logger },
);
restorer = new StateRestorer({
  kafka,
  store,
  topics,
  inputPartitions,
  transactionalId: (partition) => processor.transactionalId(topics.input.name, partition),
  appId: config.appId,
  logger,
  metrics,
});
service.onShutdown(() => processor.stop(), 'stop processor: finish the batch in flight, leave the group');
await processor.start();
logger.info(
  {
    appId: config.appId,
    input: topics.input.name,
    inputPartitions,
    output: topics.output.name,
    changelog: topics.changelog.name,
    zones: zones.current.zones.length,
  },
  'aggregating',
);

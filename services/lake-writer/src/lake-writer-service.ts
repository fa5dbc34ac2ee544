import { hostname } from 'node:os';
import { BatchingProducer, createKafka, KafkaMetrics, TopicRegistry } from '@tributary/kafka';
import { createService } from '@tributary/service-kit';
import { lakeWriterSettings } from './config.ts';
import { DeltaLog } from './delta/delta-log.ts';
import { appIdFor, RidesSource } from './kafka-source.ts';
import { LakeWriterMetrics } from './metrics.ts';
import { showStartingOffsets } from './starting-offsets.ts';
import { openStorage } from './storage/open-storage.ts';
import { ridesTopic } from './topology.ts';
import { StreamWriter } from './writer/stream-writer.ts';
import { TableAppender } from './writer/table-appender.ts';

/** Starts the lake-writer: the kit, the table's log, a Kafka source positioned by the table. */
export async function runLakeWriter(): Promise<void> {
  const service = createService({ name: 'lake-writer', settings: lakeWriterSettings });
  const { config, logger } = service;
  const topic = ridesTopic(config.topic);
  const metrics = new LakeWriterMetrics(service.metrics);
  const kafkaMetrics = KafkaMetrics.of(service.metrics);
  const log = new DeltaLog(openStorage(config.table));
  await log.update();
  metrics.tableVersion.set(log.snapshot.version);

  const kafka = createKafka(config.kafka, logger);
  const admin = kafka.admin();
  await admin.connect();
  // The dead-letter topic must exist before the first rejected ride.
  await new TopicRegistry([topic], { defaultReplicationFactor: config.kafka.replicationFactor }).ensure(
    admin,
  );
  await admin.disconnect();

  const deadLetters = new BatchingProducer(kafka, { metrics: kafkaMetrics });
  await deadLetters.connect();
  const appender = new TableAppender(
    log,
    { maxRowsPerFile: config.maxRowsPerFile, writerId: `${hostname()}-${process.pid}` },
    metrics,
  );
  let source: RidesSource | undefined;
  const writer = new StreamWriter(
    appender,
    config.flush,
    (partition) => appIdFor(config.groupId, topic.name, partition),
    {
      sendDeadLetters: (letters) => (source as RidesSource).sendDeadLetters(letters),
      committed: (partition, version) => source?.commitForMonitoring(partition, version),
    },
    { logger, metrics },
  );
  const kafkaReady = service.readiness.register('kafka-consumer');
  kafkaReady.fail('not yet in the consumer group');
  source = new RidesSource(
    kafka,
    {
      topic,
      groupId: config.groupId,
      startingOffsets: config.startingOffsets,
      failOnDataLoss: config.failOnDataLoss,
      sessionTimeoutMs: config.sessionTimeoutMs,
      maxBytesPerPartition: config.maxBytesPerPartition,
    },
    {
      log,
      writer,
      deadLetters,
      logger,
      kafkaMetrics,
      onCrash: (error) => service.fail(error),
      onJoined: () => kafkaReady.pass(),
    },
  );
  const running = source;

  service.onShutdown(() => deadLetters.disconnect(), 'disconnect the dead-letter producer');
  service.onShutdown(async () => {
    writer.stopAgeTimer();
    running.quiesce();
    await writer.flush('shutdown');
    await running.stop();
  }, 'stop taking batches, commit what is buffered, leave the group');
  writer.startAgeTimer((error) => service.fail(error));
  await service.start();
  logger.info(
    {
      table: log.storage.location,
      tableVersion: log.snapshot.version,
      topic: topic.name,
      groupId: config.groupId,
      startingOffsets: showStartingOffsets(config.startingOffsets),
      failOnDataLoss: config.failOnDataLoss,
      flush: config.flush,
    },
    'writing rides into the Delta table',
  );
  await running.start();
}

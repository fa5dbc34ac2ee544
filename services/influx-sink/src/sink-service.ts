import { AtLeastOnceConsumer, createKafka, TopicRegistry } from '@tributary/kafka';
import { createService } from '@tributary/service-kit';
import { influxSinkSettings } from './config.ts';
import { InfluxWriter } from './influx-writer.ts';
import type { AnyPointMapping } from './mappings/index.ts';
import { InfluxSinkMetrics } from './metrics.ts';
import { PointBatcher } from './point-batcher.ts';
import { selectMappings, sinkHandlers } from './topology.ts';

const EXIT_CONFIG = 78;

/** Starts the sink for the given mappings: the kit, an InfluxDB writer, an at-least-once consumer. */
export async function runInfluxSink(mappings: readonly AnyPointMapping[]): Promise<void> {
  const service = createService({ name: 'influx-sink', settings: influxSinkSettings });
  const { config, logger } = service;
  const { selected, unknown } = selectMappings(mappings, config.topics);
  if (unknown.length > 0 || selected.length === 0) {
    logger.fatal({ unknown, mapped: mappings.map((m) => m.topic.name) }, 'invalid configuration');
    process.stderr.write(
      `influx-sink: INFLUX_SINK_TOPICS: expected mapped topics (${mappings.map((m) => m.topic.name).join(', ')}), got unknown ${unknown.join(', ')}\n`,
    );
    process.exit(EXIT_CONFIG);
  }

  const metrics = new InfluxSinkMetrics(service.metrics);
  const writer = new InfluxWriter(config.influx, config.maxPointsPerWrite, metrics, logger);
  const influxReady = service.readiness.register('influxdb');
  const batcher = new PointBatcher(
    async (points) => {
      try {
        const refused = await writer.write(points);
        influxReady.pass();
        return refused;
      } catch (error) {
        influxReady.fail(`InfluxDB write failed: ${(error as Error).message}`);
        throw error;
      }
    },
    { maxPoints: config.maxPointsPerWrite, lingerMs: config.lingerMs },
  );

  const kafka = createKafka(config.kafka, logger);
  const admin = kafka.admin();
  await admin.connect();
  // The dead-letter topics must exist before the first rejected record.
  await new TopicRegistry(
    selected.map((mapping) => mapping.topic),
    { defaultReplicationFactor: config.kafka.replicationFactor },
  ).ensure(admin);
  await admin.disconnect();

  const consumer = new AtLeastOnceConsumer(
    kafka,
    {
      groupId: config.groupId,
      partitionsConsumedConcurrently: config.partitionsConsumedConcurrently,
      readiness: service.readiness.register('kafka-consumer'),
      onCrash: (error) => service.fail(error),
      handlers: sinkHandlers(selected, batcher),
    },
    { registry: service.metrics, logger },
  );

  let pinging = true;
  const ping = async () => {
    while (pinging) {
      if (await writer.ping()) influxReady.pass();
      else influxReady.fail(`no answer from ${config.influx.url}/ping`);
      await new Promise((resolve) => setTimeout(resolve, config.pingIntervalMs).unref());
    }
  };
  service.onShutdown(() => {
    pinging = false;
  }, 'stop pinging InfluxDB');
  service.onShutdown(() => consumer.stop(), 'stop consumer: finish and commit the batch in flight');
  void ping();
  await service.start();
  logger.info(
    {
      topics: selected.map((mapping) => mapping.topic.name),
      url: config.influx.url,
      bucket: config.influx.bucket,
    },
    'sinking topics into InfluxDB',
  );
  await consumer.start();
}

// The regime-classifier service: wiring only. The ML core's public API is ./model/index.ts.
import { createKafka, ExactlyOnceProcessor, TopicRegistry } from '@tributary/kafka';
import { createService } from '@tributary/service-kit';
import { classifierSettings } from './config.ts';
import { classifyServiceDefinition, classifyServiceImplementation } from './grpc/classify-service.ts';
import { ClassifierMetrics } from './metrics.ts';
import { initBackend } from './model/backend.ts';
import type { FeatureConfig } from './model/features.ts';
import { ModelStore } from './model/model-store.ts';
import { PartitionFeatureStore } from './stores/feature-store.ts';
import { ModelHolder } from './stores/model-holder.ts';
import { classifierTopics, classifierTopology } from './topology.ts';

const service = createService({ name: 'regime-classifier', version: '0.1.0', settings: classifierSettings });
const { config, logger } = service;

const backend = await initBackend({
  prefer: config.backend,
  log: (message, fields) => logger.info(fields, message),
});
const metrics = new ClassifierMetrics(service.metrics, backend.name);
const topics = classifierTopics(config);
const features = new PartitionFeatureStore();

const sameFeatures = (a: FeatureConfig | undefined, b: FeatureConfig) =>
  a !== undefined && a.kind === b.kind && a.window === b.window;
const models = new ModelHolder(new ModelStore(config.modelDir), {
  logger,
  onSwap: ({ previous, next }) => {
    const wanted = next.metadata.features;
    if (!sameFeatures(features.config, wanted)) {
      if (previous !== undefined) {
        logger.warn(
          { from: features.config, to: wanted, version: next.version },
          'feature config changed with the model; rolling windows start over',
        );
      }
      features.reset(wanted);
    }
    metrics.served(next.version, previous !== undefined);
  },
});
const modelCheck = service.readiness.register('model');
modelCheck.fail('no model loaded');
service.grpc.addService(
  classifyServiceDefinition(),
  classifyServiceImplementation(models, (count) => metrics.grpcPredicted(count)),
);

const kafka = createKafka(config.kafka, logger);
const processor = new ExactlyOnceProcessor(
  kafka,
  {
    appId: config.appId,
    handlers: classifierTopology({ topics, features, models, metrics }),
    partitionsConsumedConcurrently: config.partitionsConsumedConcurrently,
    maxBytesPerPartition: config.maxBytesPerPartition,
    sessionTimeoutMs: config.sessionTimeoutMs,
    readiness: service.readiness.register('kafka-processor'),
    onCrash: (error) => service.fail(error),
    onAssignment: (assignment) => features.retain(assignment[topics.input.name] ?? []),
  },
  { registry: service.metrics, logger },
);
// Hooks run in reverse order: the processor stops (its last batch commits) before the model goes.
service.onShutdown(() => models.close(), 'stop watching the model store, release the model');
service.onShutdown(() => processor.stop(), 'stop processor: finish the batch in flight, leave the group');

await service.start();
const admin = kafka.admin();
await admin.connect();
try {
  const registry = new TopicRegistry([topics.input, topics.output], {
    defaultReplicationFactor: config.kafka.replicationFactor,
  });
  const { created, drift } = await registry.ensure(admin);
  if (created.length > 0) logger.info({ topics: created }, 'created topics');
  for (const difference of drift) logger.warn(difference, 'topic differs from its declaration');
} finally {
  await admin.disconnect();
}
await models.waitForModel(config.modelPollInterval);
modelCheck.pass();
models.watch(config.modelPollInterval);
await processor.start();
logger.info(
  {
    appId: config.appId,
    input: topics.input.name,
    output: topics.output.name,
    backend: backend.name,
    model: models.current?.version,
  },
  'classifying',
);

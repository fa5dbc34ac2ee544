// The hashtag-counter service: wiring only.
import { createKafka, TopicRegistry } from '@tributary/kafka';
import { createService } from '@tributary/service-kit';
import { counterSettings, invalidWindow } from './config.ts';
import { buildCounting } from './counting.ts';
import { startRanking } from './ranking/ranking-stage.ts';
import { counterTopics } from './topics.ts';

const service = createService({ name: 'hashtag-counter', version: '0.1.0', settings: counterSettings });
const { config, logger } = service;
const windowProblem = invalidWindow(config);
if (windowProblem !== undefined) {
  // As the kit does for a setting it cannot parse: name the variable, exit 78 (EX_CONFIG).
  logger.fatal({ issue: windowProblem }, 'invalid configuration');
  process.stderr.write(`hashtag-counter: invalid configuration: ${windowProblem}\n`);
  process.exit(78);
}
const kafka = createKafka(config.kafka, logger);
const topics = counterTopics(config);

// 1. Counting: tweets.raw → tags-repartition → hashtags.counts (src/counting.ts).
const counting = buildCounting({ service, kafka, topics });
service.onShutdown(
  () => counting.stop(),
  'stop counting stages: finish the batches in flight, leave the groups',
);

// 2. Ranking: hashtags.counts → top N per window → hashtags.top, gRPC TopHashtags and the live page
//    (src/ranking, src/grpc, src/web). Before start(): it adds its gRPC service; it starts in the background.
startRanking(service, kafka, topics.output.name);

await service.start();
const admin = kafka.admin();
await admin.connect();
let inputPartitions = topics.input.partitions;
try {
  const registry = new TopicRegistry(
    [topics.input, topics.repartition, topics.windowChangelog, topics.sourceChangelog, topics.output],
    { defaultReplicationFactor: config.kafka.replicationFactor },
  );
  const { created, drift } = await registry.ensure(admin);
  if (created.length > 0) logger.info({ topics: created }, 'created topics');
  for (const difference of drift) logger.warn(difference, 'topic differs from its declaration');
  inputPartitions = (await admin.fetchTopicOffsets(topics.input.name)).length;
} finally {
  await admin.disconnect();
}
await counting.start(inputPartitions);
logger.info(
  {
    appId: config.appId,
    input: topics.input.name,
    repartition: topics.repartition.name,
    output: topics.output.name,
    windowSize: config.windowSize,
    windowSlide: config.windowSlide,
    allowedLateness: config.allowedLateness,
    maxOutOfOrderness: config.maxOutOfOrderness,
  },
  'counting',
);

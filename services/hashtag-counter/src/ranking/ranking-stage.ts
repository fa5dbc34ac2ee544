import { ExactlyOnceProcessor, isRetriable, TopicRegistry } from '@tributary/kafka';
import { type Service, TributaryError } from '@tributary/service-kit';
import type { HashtagWindowCount } from '@tributary/topics';
import type { Kafka } from 'kafkajs';
import type { CounterConfig } from '../config.ts';
import { hashtagRankingDefinition, hashtagRankingImplementation } from '../grpc/top-hashtags-service.ts';
import { ChangelogRestorer } from '../stores/changelog-restorer.ts';
import { HashtagPage } from '../web/hashtag-page.ts';
import { RankingMetrics } from './ranking-metrics.ts';
import { type RankingTopics, rankingTopics } from './ranking-topics.ts';
import { rankingTopology } from './ranking-topology.ts';
import { TopView, TopViewFollower } from './top-view.ts';
import { WindowRankingStore } from './window-ranking-store.ts';

/**
 * Adds the top-N stage to the hashtag-counter: hashtags.counts → top N per window → hashtags.top
 * (exactly once, group `<appId>.rank`, state restored from `<appId>.ranking-changelog`), the view of
 * hashtags.top, gRPC TopHashtags and the live page (`/hashtags/` on the kit's HTTP port). Call it
 * before `service.start()`, since gRPC services must be added before the port opens; the rest starts in the background, the service is
 * ready once the stage joined its group and the view caught up, and a failure to start crashes it.
 */
export function startRanking(service: Service<CounterConfig>, kafka: Kafka, countsTopic: string): void {
  const { config } = service;
  const settings = config.ranking;
  const logger = service.logger.child({ stage: 'rank' });
  const metrics = new RankingMetrics(service.metrics);
  const topics = rankingTopics({ appId: config.appId, countsTopic, topTopic: settings.topTopic });
  const view = new TopView();
  service.grpc.addService(
    hashtagRankingDefinition(),
    hashtagRankingImplementation(view, (code) => metrics.grpcRequests.inc({ code })),
  );

  const store = new WindowRankingStore({ topN: settings.topN, retentionMs: settings.retention });
  const restorer = new ChangelogRestorer({
    kafka,
    topic: topics.changelog.name,
    state: {
      has: (partition) => store.has(partition),
      drop: (partition) => store.drop(partition),
      load: (partition, records) =>
        store.restore(
          partition,
          records.map(({ key, value }) => ({
            key: topics.changelog.key.decode(key),
            value: value === null ? null : (topics.changelog.value.decode(value) as HashtagWindowCount),
          })),
        ),
    },
    logger,
    onRestored: (_partitions, records) => metrics.restoredRecords.inc(records),
  });
  const group = `${config.appId}.rank`;
  const processor = new ExactlyOnceProcessor(
    kafka,
    {
      appId: group,
      handlers: rankingTopology({ topics, store, restorer, metrics }),
      sessionTimeoutMs: config.sessionTimeoutMs,
      maxBytesPerPartition: config.maxBytesPerPartition,
      readiness: service.readiness.register('rank-stage'),
      onCrash: (error) => service.fail(error),
      onAssignment: (assignment) => restorer.assigned(assignment[topics.byWindow.name] ?? []),
    },
    { registry: service.metrics, logger },
  );
  const follower = new TopViewFollower({
    kafka,
    topics,
    view,
    logger,
    readiness: service.readiness.register('hashtags-top-view'),
    onCrash: (error) => service.fail(error),
    onChange: () => metrics.viewWindows.set(view.size),
  });
  const page = new HashtagPage(view, { onClients: (count) => metrics.streamClients.set(count) });
  service.http.mount('/hashtags', (request, response) => page.handle(request, response));
  // Hooks run in reverse order: the stage commits its batch in flight first, the page goes last.
  service.onShutdown(() => page.close(), 'close the live page and its event streams');
  service.onShutdown(() => follower.stop(), 'stop following hashtags.top');
  service.onShutdown(
    () => processor.stop(),
    'stop the top-N stage: finish the batch in flight, leave the group',
  );

  const start = async () => {
    await waitForTopic(kafka, topics.counts.name, COUNTS_TOPIC_WAIT_MS);
    await ensureTopics(kafka, topics, config.kafka.replicationFactor, logger);
    await follower.start();
    await processor.start();
    logger.info(
      { group, input: topics.counts.name, output: topics.top.name, topN: settings.topN },
      'ranking top hashtags',
    );
  };
  start().catch((error: unknown) => service.fail(error));
}

/** How long the stage waits for the counting stages to create the counts topic before it gives up. */
const COUNTS_TOPIC_WAIT_MS = 120_000;

const ENSURE_ATTEMPTS = 5;

async function waitForTopic(kafka: Kafka, topic: string, timeoutMs: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (!(await admin.listTopics()).includes(topic)) {
      if (Date.now() > deadline) {
        throw new TributaryError('RANKING_INPUT_MISSING', `topic ${topic} did not appear`, {
          context: { topic, timeoutMs },
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await admin.disconnect();
  }
}

async function ensureTopics(
  kafka: Kafka,
  topics: RankingTopics,
  replicationFactor: number,
  logger: Service<unknown>['logger'],
): Promise<void> {
  // hashtags.counts is the counting stages' to create; creating it here too would race with them.
  const registry = new TopicRegistry([topics.byWindow, topics.changelog, topics.top], {
    defaultReplicationFactor: replicationFactor,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const { created, drift } = await registry.ensure(admin);
        if (created.length > 0) logger.info({ topics: created }, 'created topics');
        for (const difference of drift) logger.warn(difference, 'topic differs from its declaration');
        return;
      } catch (error) {
        // kafkajs waits for the leaders of new topics but gives up on UNKNOWN_TOPIC_OR_PARTITION, which
        // Kafka 4 answers until the new topic's metadata has spread; the topics exist by the next try.
        if (!isRetriable(error) || attempt >= ENSURE_ATTEMPTS) throw error;
        logger.warn({ err: error, attempt }, 'ensuring topics failed; trying again');
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

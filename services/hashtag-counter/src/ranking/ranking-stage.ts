import { ExactlyOnceProcessor, TopicRegistry } from '@tributary/kafka';
import type { Service } from '@tributary/service-kit';
import type { Kafka } from 'kafkajs';
import { hashtagRankingDefinition, hashtagRankingImplementation } from '../grpc/top-hashtags-service.ts';
import { HashtagPageServer } from '../web/hashtag-page-server.ts';
import { RankingMetrics } from './ranking-metrics.ts';
import { RankingRestorer } from './ranking-restorer.ts';
import type { RankingConfig } from './ranking-settings.ts';
import { rankingTopics } from './ranking-topics.ts';
import { rankingTopology } from './ranking-topology.ts';
import { TopView, TopViewFollower } from './top-view.ts';
import { WindowRankingStore } from './window-ranking-store.ts';

export interface RankingStageOptions {
  readonly kafka: Kafka;
  readonly settings: RankingConfig;
  /** The hashtag-counter's application id: the stage's group is `<appId>.rank`, its topics `<appId>.…`. */
  readonly appId: string;
  /** The counts topic the counting stages write (hashtags.counts or the configured name). */
  readonly countsTopic: string;
  readonly replicationFactor: number;
  readonly sessionTimeoutMs: number;
  readonly maxBytesPerPartition: number;
}

/**
 * Adds the top-N stage to a hashtag-counter service: hashtags.counts → top N per window →
 * hashtags.top (exactly once, state restored from its changelog), the view of hashtags.top, gRPC
 * TopHashtags and the live page. Call it before `service.start()`: gRPC services are added before the
 * port opens. Resolves once every part runs; the service is ready when the view caught up too.
 */
export async function startRanking(service: Service<unknown>, options: RankingStageOptions): Promise<void> {
  const { kafka, settings } = options;
  const logger = service.logger.child({ stage: 'ranking' });
  const metrics = new RankingMetrics(service.metrics);
  const topics = rankingTopics({
    appId: options.appId,
    countsTopic: options.countsTopic,
    topTopic: settings.topTopic,
  });
  const view = new TopView();
  service.grpc.addService(
    hashtagRankingDefinition(),
    hashtagRankingImplementation(view, (code) => metrics.grpcRequests.inc({ code })),
  );

  const store = new WindowRankingStore({ topN: settings.topN, retentionMs: settings.retention });
  const restorer = new RankingRestorer({
    kafka,
    topics,
    store,
    logger,
    onRestored: (_partition, records) => metrics.restoredRecords.inc(records),
  });
  const processor = new ExactlyOnceProcessor(
    kafka,
    {
      appId: `${options.appId}.rank`,
      handlers: rankingTopology({ topics, store, restorer, metrics }),
      sessionTimeoutMs: options.sessionTimeoutMs,
      maxBytesPerPartition: options.maxBytesPerPartition,
      readiness: service.readiness.register('ranking-processor'),
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
  const page = new HashtagPageServer(view, {
    host: settings.webHost,
    port: settings.webPort,
    onClients: (count) => metrics.streamClients.set(count),
  });
  // Hooks run in reverse order: the processor commits its batch in flight first, the page goes last.
  service.onShutdown(() => page.close(), 'close the live page and its event streams');
  service.onShutdown(() => follower.stop(), 'stop following hashtags.top');
  service.onShutdown(
    () => processor.stop(),
    'stop the top-N stage: finish the batch in flight, leave the group',
  );

  const admin = kafka.admin();
  await admin.connect();
  try {
    const registry = new TopicRegistry([topics.counts, topics.byWindow, topics.changelog, topics.top], {
      defaultReplicationFactor: options.replicationFactor,
    });
    const { created, drift } = await registry.ensure(admin);
    if (created.length > 0) logger.info({ topics: created }, 'created topics');
    for (const difference of drift) logger.warn(difference, 'topic differs from its declaration');
  } finally {
    await admin.disconnect();
  }
  await page.listen();
  logger.info({ port: page.port, host: settings.webHost }, 'hashtag page serving');
  await follower.start();
  await processor.start();
  logger.info(
    {
      input: topics.counts.name,
      output: topics.top.name,
      topN: settings.topN,
      group: `${options.appId}.rank`,
    },
    'ranking top hashtags',
  );
}

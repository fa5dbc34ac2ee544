import { ExactlyOnceProcessor } from '@tributary/kafka';
import type { Service } from '@tributary/service-kit';
import type { Kafka } from 'kafkajs';
import type { CounterConfig } from './config.ts';
import { CounterMetrics, type Stage } from './metrics.ts';
import type { TaggingOptions } from './processors/tag-tweets.ts';
import { ChangelogRestorer, type PartitionedState } from './stores/changelog-restorer.ts';
import { SourceProgressStore } from './stores/source-progress-store.ts';
import { WindowStore } from './stores/window-store.ts';
import type { CounterTopics } from './topics.ts';
import { countStage, extractStage } from './topology.ts';

/** The two counting stages of one instance, each an exactly-once processor with its own group. */
export interface Counting {
  readonly extract: ExactlyOnceProcessor;
  readonly count: ExactlyOnceProcessor;
  /** Starts both stages; `inputPartitions` is the input topic's actual partition count. */
  start(inputPartitions: number): Promise<void>;
  /** Stops both; each lets its batch in flight commit. */
  stop(): Promise<void>;
}

/**
 * Builds stage 1 (`<appId>.extract`: tweets.raw → tags-repartition) and stage 2 (`<appId>.count`:
 * tags-repartition → hashtags.counts), with their state stores and changelog restorers.
 */
export function buildCounting(parts: {
  service: Service<CounterConfig>;
  kafka: Kafka;
  topics: CounterTopics;
}): Counting {
  const { service, kafka, topics } = parts;
  const { config, logger } = service;
  const metrics = new CounterMetrics(service.metrics);
  const tagging: TaggingOptions = {
    window: {
      sizeMs: config.windowSize,
      slideMs: config.windowSlide,
      allowedLatenessMs: config.allowedLateness,
    },
    maxOutOfOrdernessMs: config.maxOutOfOrderness,
  };
  const restorerOf = (stage: Stage, topic: string, state: PartitionedState) =>
    new ChangelogRestorer({
      kafka,
      topic,
      state,
      logger: logger.child({ stage }),
      onRestored: (_partitions, records, seconds) => {
        metrics.restoreSeconds.observe({ stage }, seconds);
        metrics.restoredRecords.inc({ stage }, records);
      },
    });
  const processorOptions = {
    partitionsConsumedConcurrently: config.partitionsConsumedConcurrently,
    maxBytesPerPartition: config.maxBytesPerPartition,
    sessionTimeoutMs: config.sessionTimeoutMs,
    onCrash: (error: unknown) => service.fail(error),
  };

  // Stage 2 waits for a watermark from every partition the input topic really has.
  let inputPartitions = topics.input.partitions;
  const progress = new SourceProgressStore(topics.sourceChangelog.value);
  const progressRestorer = restorerOf('extract', topics.sourceChangelog.name, progress);
  const extract = new ExactlyOnceProcessor(
    kafka,
    {
      ...processorOptions,
      appId: `${config.appId}.extract`,
      handlers: extractStage({
        topics,
        metrics,
        tagging,
        tooLate: config.tooLate,
        progress,
        restorer: progressRestorer,
      }),
      readiness: service.readiness.register('extract-stage'),
      onAssignment: (assignment) => {
        metrics.watermarkLag.reset();
        progressRestorer.assigned(assignment[topics.input.name] ?? []);
      },
    },
    { registry: service.metrics, logger: logger.child({ stage: 'extract' }) },
  );

  const windows = new WindowStore({
    codec: topics.windowChangelog.value,
    sourceCount: () => inputPartitions,
    idle: { idleTimeoutMs: config.sourceIdleTimeout, now: Date.now },
  });
  const windowRestorer = restorerOf('count', topics.windowChangelog.name, windows);
  const count = new ExactlyOnceProcessor(
    kafka,
    {
      ...processorOptions,
      appId: `${config.appId}.count`,
      handlers: countStage({
        topics,
        metrics,
        tagging,
        tooLate: config.tooLate,
        windows,
        restorer: windowRestorer,
      }),
      readiness: service.readiness.register('count-stage'),
      onAssignment: (assignment) => {
        for (const gauge of [metrics.windowsOpen, metrics.aggregatesOpen, metrics.idleSources]) gauge.reset();
        windowRestorer.assigned(assignment[topics.repartition.name] ?? []);
      },
    },
    { registry: service.metrics, logger: logger.child({ stage: 'count' }) },
  );

  return {
    extract,
    count,
    start: async (partitions) => {
      inputPartitions = partitions;
      await Promise.all([extract.start(), count.start()]);
    },
    stop: async () => {
      await Promise.all([extract.stop(), count.stop()]);
    },
  };
}

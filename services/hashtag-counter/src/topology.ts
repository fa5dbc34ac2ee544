import { type ExactlyOnceContext, handle, type TopicHandler } from '@tributary/kafka';
import type { CounterMetrics, TooLateAction } from './metrics.ts';
import { countBatch } from './processors/count-windows.ts';
import { type TaggingOptions, tagTweets, watermarkOf } from './processors/tag-tweets.ts';
import type { ChangelogRestorer } from './stores/changelog-restorer.ts';
import type { SourceProgressStore } from './stores/source-progress-store.ts';
import type { WindowStore } from './stores/window-store.ts';
import { type CounterTopics, WATERMARK_KEY } from './topics.ts';

export interface StageParts {
  readonly topics: CounterTopics;
  readonly metrics: CounterMetrics;
  readonly tagging: TaggingOptions;
  readonly tooLate: TooLateAction;
}

/**
 * Stage 1, one transaction per tweets.raw batch: tweets → one record per (tweet, tag) keyed by tag on
 * the repartition topic, then the partition's watermark to every repartition partition, and the
 * partition's newest event time to its changelog. Bad and too-late tweets → tweets.raw.dlq.
 */
export function extractStage(
  parts: StageParts & { readonly progress: SourceProgressStore; readonly restorer: ChangelogRestorer },
): TopicHandler<ExactlyOnceContext>[] {
  const { topics, metrics, tagging, progress, restorer } = parts;
  return [
    handle(
      topics.input,
      async (records, context) => {
        const partition = context.partition;
        await restorer.ready(partition);
        const started = performance.now();
        const before = progress.maxEventTime(partition);
        const batch = tagTweets(records, partition, before, tagging);
        for (const { record, reason } of batch.invalid) context.reject(record, reason);
        for (const { record, reason } of batch.tooLate) {
          if (parts.tooLate === 'dead-letter') context.reject(record, reason);
        }
        for (const tagged of batch.tagged)
          context.send(topics.repartition, { key: tagged.tag, value: tagged });
        if (batch.maxEventTime !== undefined) {
          // Sent after every batch, moved or not: it also tells stage 2 that this partition is alive.
          const watermark = watermarkOf(batch.maxEventTime, tagging.maxOutOfOrdernessMs);
          for (let target = 0; target < topics.repartition.partitions; target++) {
            context.send(topics.repartition, {
              key: WATERMARK_KEY,
              value: { kind: 'watermark', sourcePartition: partition, watermark },
              partition: target,
            });
          }
          if (batch.maxEventTime !== before) {
            context.send(topics.sourceChangelog, {
              key: String(partition),
              value: { maxEventTime: batch.maxEventTime },
              partition,
            });
          }
        }
        progress.set(partition, batch.maxEventTime);
        metrics.tweets.inc(records.length);
        metrics.tags.inc(batch.tagged.length);
        metrics.invalid.inc(batch.invalid.length);
        metrics.late.inc(batch.late);
        metrics.tooLate.inc({ stage: 'extract', action: parts.tooLate }, batch.tooLate.length);
        if (batch.maxEventTime !== undefined) {
          const lag = (Date.now() - watermarkOf(batch.maxEventTime, tagging.maxOutOfOrdernessMs)) / 1000;
          metrics.watermarkLag.set({ stage: 'extract', partition: String(partition) }, lag);
        }
        metrics.batchSeconds.observe({ stage: 'extract' }, (performance.now() - started) / 1000);
      },
      { revert: (partition) => restorer.invalidate(partition) },
    ),
  ];
}

/**
 * Stage 2, one transaction per repartition batch: tags into their event-time windows, the watermark
 * as the minimum over source partitions, updated counts (and final ones when windows close) to
 * hashtags.counts, and the changed state to the window changelog.
 */
export function countStage(
  parts: StageParts & { readonly windows: WindowStore; readonly restorer: ChangelogRestorer },
): TopicHandler<ExactlyOnceContext>[] {
  const { topics, metrics, tagging, windows, restorer } = parts;
  return [
    handle(
      topics.repartition,
      async (records, context) => {
        const partition = context.partition;
        await restorer.ready(partition);
        const started = performance.now();
        const state = windows.of(partition);
        const batch = countBatch(records, state, tagging.window);
        for (const count of batch.counts) context.send(topics.output, count);
        for (const change of batch.changes) context.send(topics.windowChangelog, { ...change, partition });
        for (const { record, reason } of batch.tooLate) {
          if (parts.tooLate === 'dead-letter') context.reject(record, reason);
        }
        const finals = batch.counts.filter(({ value }) => value.final).length;
        metrics.countUpdates.inc({ final: 'true' }, finals);
        metrics.countUpdates.inc({ final: 'false' }, batch.counts.length - finals);
        metrics.windowsClosed.inc(batch.windowsClosed);
        metrics.tooLate.inc({ stage: 'count', action: parts.tooLate }, batch.tooLate.length);
        const label = { partition: String(partition) };
        metrics.windowsOpen.set(label, state.windows.size);
        metrics.aggregatesOpen.set(label, state.aggregateCount);
        metrics.idleSources.set(label, state.idleSources());
        if (state.watermark > Number.MIN_SAFE_INTEGER) {
          metrics.watermarkLag.set({ stage: 'count', ...label }, (Date.now() - state.watermark) / 1000);
        }
        metrics.batchSeconds.observe({ stage: 'count' }, (performance.now() - started) / 1000);
      },
      { revert: (partition) => restorer.invalidate(partition) },
    ),
  ];
}

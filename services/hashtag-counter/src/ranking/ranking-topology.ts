import { type ExactlyOnceContext, handle, type TopicHandler } from '@tributary/kafka';
import type { ChangelogRestorer } from '../stores/changelog-restorer.ts';
import type { RankingMetrics } from './ranking-metrics.ts';
import type { RankingTopics } from './ranking-topics.ts';
import { changelogKey, type WindowRankingStore } from './window-ranking-store.ts';

export interface RankingParts {
  readonly topics: RankingTopics;
  readonly store: WindowRankingStore;
  readonly restorer: ChangelogRestorer;
  readonly metrics: RankingMetrics;
}

/**
 * hashtags.counts → [re-key by windowStart] → window-repartition → [per-window tag state, top N] →
 * hashtags.top, with every state change on the changelog (same partition as its input). One
 * transaction per input batch carries the output, the changelog records and the offsets.
 */
export function rankingTopology(parts: RankingParts): TopicHandler<ExactlyOnceContext>[] {
  const { topics, store, restorer, metrics } = parts;
  return [
    handle(topics.counts, (records, context) => {
      for (const record of records) {
        const count = record.value;
        if (count === null) continue; // upstream expired the key; the ranking expires windows on its own
        if (record.key !== changelogKey(count.windowStart, count.tag)) {
          context.reject(record, `key '${record.key}' is not '<windowStart>|<tag>' of its value`);
          metrics.rejected.inc({ reason: 'key_mismatch' });
          continue;
        }
        context.send(topics.byWindow, { key: count.windowStart, value: count, timestamp: record.timestamp });
      }
    }),
    handle(
      topics.byWindow,
      async (records, context) => {
        const { partition } = context;
        // Handed a new batch, so the last one committed or was reverted; the restore may still fail.
        store.settle(partition);
        await restorer.ready(partition);
        store.begin(partition);
        let expiredCounts = 0;
        for (const record of records)
          if (store.ingest(partition, record.value) === 'expired') expiredCounts++;
        metrics.counts.inc({ outcome: 'applied' }, records.length - expiredCounts);
        metrics.counts.inc({ outcome: 'expired' }, expiredCounts);
        const { changelog, tops, expired } = store.finish(partition);
        for (const { key, value } of changelog) context.send(topics.changelog, { key, value, partition });
        for (const top of tops) context.send(topics.top, { key: top.windowStart, value: top });
        for (const windowStart of expired) context.send(topics.top, { key: windowStart, value: null });
        metrics.topsEmitted.inc(tops.length);
        metrics.windowsExpired.inc(expired.length);
        metrics.windows.set(store.windowCount);
      },
      { revert: (partition) => store.revert(partition) },
    ),
  ];
}

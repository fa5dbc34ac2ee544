import type { ReadRecord } from '@tributary/testing';
import type { Tweet } from '@tributary/topics';
import { extractHashtags } from '../../src/processors/extract-hashtags.ts';
import { sentimentOf } from '../../src/processors/sentiment.ts';

export interface ReferenceSettings {
  readonly sizeMs: number;
  readonly slideMs: number;
  readonly allowedLatenessMs: number;
  readonly maxOutOfOrdernessMs: number;
}

export interface ExpectedCount {
  readonly count: number;
  readonly sentiment: number;
  readonly final: boolean;
}

export interface Reference {
  /** `<windowStart ISO>|<tag>` → what hashtags.counts must hold last for that key. */
  readonly counts: Map<string, ExpectedCount>;
  readonly tooLate: number;
  readonly late: number;
}

/**
 * The counts written plainly, without any of the service's window or watermark code: each input
 * partition in offset order keeps the newest event time seen; a tweet's watermark is that minus the
 * out-of-orderness bound, as it stood before the tweet; the tweet counts in every window holding it
 * whose end + allowed lateness is above that watermark, and is too late when there is none. A window
 * is final when its end + lateness is at or below the lowest partition watermark at the end.
 */
export function referenceCounts(
  input: readonly ReadRecord[],
  partitions: number,
  settings: ReferenceSettings,
): Reference {
  const byPartition = new Map<number, ReadRecord[]>();
  for (const record of input) {
    const records = byPartition.get(record.partition) ?? [];
    records.push(record);
    byPartition.set(record.partition, records);
  }
  const sums = new Map<string, { start: number; count: number; sentiment: number }>();
  let tooLate = 0;
  let late = 0;
  // A partition without any tweet holds every window open.
  let lowestWatermark = byPartition.size < partitions ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  for (const records of byPartition.values()) {
    records.sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
    let newest = Number.NEGATIVE_INFINITY;
    for (const record of records) {
      const tweet = JSON.parse(record.value) as Tweet;
      const time = Date.parse(tweet.createdAt);
      const watermark = newest - settings.maxOutOfOrdernessMs;
      newest = Math.max(newest, time);
      const starts: number[] = [];
      for (
        let start = Math.floor(time / settings.slideMs) * settings.slideMs;
        start > time - settings.sizeMs;
        start -= settings.slideMs
      ) {
        if (start + settings.sizeMs + settings.allowedLatenessMs > watermark) starts.push(start);
      }
      if (starts.length === 0) {
        tooLate++;
        continue;
      }
      if (time < watermark) late++;
      const tags = new Set(extractHashtags(tweet.text));
      if (tags.size === 0) continue;
      const sentiment = sentimentOf(tweet.text);
      for (const tag of tags) {
        for (const start of starts) {
          const key = `${new Date(start).toISOString()}|${tag}`;
          const sum = sums.get(key) ?? { start, count: 0, sentiment: 0 };
          sum.count++;
          sum.sentiment += sentiment;
          sums.set(key, sum);
        }
      }
    }
    lowestWatermark = Math.min(lowestWatermark, newest - settings.maxOutOfOrdernessMs);
  }
  const counts = new Map<string, ExpectedCount>();
  for (const [key, { start, count, sentiment }] of sums) {
    counts.set(key, {
      count,
      sentiment: Math.round(sentiment / count) / 10_000,
      final: start + settings.sizeMs + settings.allowedLatenessMs <= lowestWatermark,
    });
  }
  return { counts, tooLate, late };
}

import type { BatchingProducer, TopicSpec } from '@tributary/kafka';
import { DEAD_LETTER_HEADERS } from '@tributary/kafka';
import type { Logger } from '@tributary/service-kit';
import type { Tweet } from '@tributary/topics';
import type { IngestMetrics } from './metrics.ts';
import type { IngestItem } from './sources/ingest-item.ts';

export interface IngestReport {
  readonly produced: number;
  readonly deadLettered: number;
  readonly duplicates: number;
  readonly seconds: number;
}

export interface IngestRunOptions {
  readonly producer: BatchingProducer;
  readonly topic: TopicSpec<string, Tweet>;
  readonly metrics: IngestMetrics;
  readonly logger: Logger;
  readonly count: number | undefined;
  readonly progressIntervalMs: number;
  readonly signal: AbortSignal;
}

/** Sends awaiting acknowledgement at once; the producer merges them into shared requests. */
const MAX_PENDING = 2000;
/** Ids remembered to drop a tweet the API sends twice (redundant connections); bounded memory. */
const RECENT_IDS = 100_000;

/**
 * Produces every item (key = tweet id) until the source ends, `count` tweets or the signal; bad
 * lines go to the DLQ and the run carries on. Resolves once every record is acknowledged.
 */
export async function runIngest(
  items: AsyncIterable<IngestItem>,
  options: IngestRunOptions,
): Promise<IngestReport> {
  const { producer, topic, metrics, logger, signal } = options;
  const recent = new Set<string>();
  const pending = new Set<Promise<void>>();
  let failure: unknown;
  const started = performance.now();
  let produced = 0;
  let deadLettered = 0;
  let duplicates = 0;
  let lastProgress = started;
  const report = (): IngestReport => ({
    produced,
    deadLettered,
    duplicates,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  });
  const track = (sent: Promise<void>, onAcked: () => void) => {
    const tracked = sent.then(onAcked, (error: unknown) => {
      failure ??= error;
    });
    pending.add(tracked);
    void tracked.finally(() => pending.delete(tracked));
  };

  for await (const item of items) {
    if (failure !== undefined || options.count === 0) break;
    if (item.kind === 'bad-line') {
      deadLettered++;
      track(
        producer.sendEncoded(topic.deadLetterTopic, [
          {
            key: null,
            value: Buffer.from(item.text, 'utf8'),
            headers: {
              [DEAD_LETTER_HEADERS.input]: item.origin,
              [DEAD_LETTER_HEADERS.reason]: item.reason,
              [DEAD_LETTER_HEADERS.failure]: 'malformed',
            },
          },
        ]),
        () => metrics.deadLettered(),
      );
    } else {
      const { tweet } = item;
      if (recent.has(tweet.id)) {
        duplicates++;
        metrics.duplicate();
        continue;
      }
      recent.add(tweet.id);
      if (recent.size > RECENT_IDS) recent.delete(recent.values().next().value as string);
      produced++;
      track(producer.send(topic, [{ key: tweet.id, value: tweet }]), () => metrics.produced(1));
    }
    if (pending.size >= MAX_PENDING) await Promise.race(pending);
    const now = performance.now();
    if (now - lastProgress >= options.progressIntervalMs) {
      lastProgress = now;
      logger.info({ ...report(), perSecond: Math.round(produced / ((now - started) / 1000)) }, 'progress');
    }
    if (signal.aborted || (options.count !== undefined && produced >= options.count)) break;
  }
  await Promise.all(pending);
  if (failure !== undefined) throw failure;
  return report();
}

import { setTimeout as sleep } from 'node:timers/promises';
import { generateTweets, snowflakeTime } from '@tributary/tweets';
import type { IngestItem } from './ingest-item.ts';

export interface GeneratorSourceOptions {
  readonly seed: number;
  readonly rate: number;
  /** Replay from this event time unpaced; undefined: live, each tweet released at its own time. */
  readonly startTime: number | undefined;
  readonly count: number | undefined;
}

/**
 * Generated tweets. Live, a tweet is released when the wall clock reaches the time it was made
 * (its snowflake time), so the rate holds on average and createdAt is about now (late ones earlier).
 */
export async function* generatorItems(
  options: GeneratorSourceOptions,
  signal: AbortSignal,
): AsyncGenerator<IngestItem> {
  const live = options.startTime === undefined;
  const tweets = generateTweets({
    seed: options.seed,
    startTime: options.startTime ?? Date.now(),
    ratePerSecond: options.rate,
    ...(options.count === undefined ? {} : { count: options.count }),
  });
  for (const tweet of tweets) {
    if (signal.aborted) return;
    if (live) {
      const wait = snowflakeTime(tweet.id) - Date.now();
      if (wait > 0) {
        try {
          await sleep(wait, undefined, { signal });
        } catch {
          return;
        }
      }
    }
    yield { kind: 'tweet', tweet };
  }
}

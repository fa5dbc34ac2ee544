import { createRandom } from '@tributary/sensors';
import type { Tweet } from '@tributary/topics';

/** Tags as people type them: mixed case, Unicode, full-width #, one that is only digits. */
const TAGS = [
  'Kafka',
  'kafka',
  'KAFKA',
  'streaming',
  'Café',
  'ÉtéIndien',
  '日本語',
  'русский',
  'a_b',
  'data',
  'AI',
  'rust',
  'TypeScript',
  'flink',
  'spark',
  'ether',
  'crypto',
  'news',
  'sports',
  'music',
];
const PUNCTUATION = ['', '', '', '.', ',', '!', '?', ':', ')', '…', '🔥'];
const MOODS = [
  'I love this, great work!!!',
  'this is terrible and sad :(',
  'meh, ok I guess',
  'AMAZING news :)',
  'worst day ever',
  'just reading',
  'not bad at all',
];

export interface InputOptions {
  readonly seed: number;
  readonly count: number;
  /** Event time of the first tweet, ms. */
  readonly startTime: number;
  /** Event time between consecutive tweets, ms. */
  readonly stepMs: number;
}

/**
 * Deterministic tweets whose createdAt mostly advances, with controlled disorder: small jitter
 * within the out-of-orderness bound, late tweets (behind the watermark, windows still open),
 * partly late ones (their older window already final) and too-late ones (every window final), then
 * a tail far ahead that makes all but the last windows final.
 */
export function generateInput(options: InputOptions): Tweet[] {
  const random = createRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[random.int(0, items.length - 1)] as T;
  const tweets: Tweet[] = [];
  const idBase = 1_800_000_000_000_000_000n + BigInt(options.seed) * 1_000_000n;
  const tweet = (index: number, createdAt: number): Tweet => {
    const tags = Array.from({ length: random.int(0, 3) }, () => {
      // Zipf-like: the first tags far more often.
      const rank = Math.min(TAGS.length - 1, Math.floor(TAGS.length * random.next() ** 2.5));
      const hash = random.next() < 0.1 ? '＃' : '#';
      return `${hash}${TAGS[rank]}${pick(PUNCTUATION)}`;
    });
    const extras = [
      random.next() < 0.05 ? 'https://example.org/page#fragment' : '',
      random.next() < 0.05 ? '#2024' : '',
      random.next() < 0.03 ? 'l&#39;avis' : '',
    ];
    return {
      id: String(idBase + BigInt(index)),
      text: [pick(MOODS), ...tags, ...extras].filter((part) => part !== '').join(' '),
      authorId: String(random.int(1, 500)),
      createdAt: new Date(createdAt).toISOString(),
      lang: 'en',
    };
  };
  for (let index = 0; index < options.count; index++) {
    const now = options.startTime + index * options.stepMs;
    const roll = random.next();
    let delay = 0;
    if (roll < 0.08) delay = random.int(0, 5_000);
    else if (roll < 0.11) delay = random.int(8_000, 15_000);
    else if (roll < 0.13) delay = random.int(22_000, 28_000);
    else if (roll < 0.15) delay = random.int(45_000, 90_000);
    tweets.push(tweet(index, now - delay));
  }
  const end = options.startTime + options.count * options.stepMs;
  for (let index = 0; index < 60; index++) tweets.push(tweet(options.count + index, end + 120_000 + index));
  return tweets;
}

import { createRandom, deriveSeed, type Random } from '@tributary/sensors';
import type { Tweet } from '@tributary/topics';
import { snowflakeId } from './snowflake.ts';
import { tagVocabulary, type VocabularyTag, WORDS } from './vocabulary.ts';
import { ZipfSampler } from './zipf.ts';

/** A tag that trends for a while: every `everyMs` of event time one tail tag bursts for `durationMs`. */
export interface TrendingOptions {
  readonly everyMs: number;
  readonly durationMs: number;
  /** Share of the tweets during a burst that carry the trending tag. */
  readonly share: number;
}

/** Some tweets arrive late: their createdAt lies up to `maxDelayMs` before their neighbours'. */
export interface OutOfOrderOptions {
  readonly share: number;
  readonly maxDelayMs: number;
}

export interface TweetGeneratorOptions {
  readonly seed: number;
  /** Event time of the first tweet, epoch ms (at or after 2010-11-04, the snowflake epoch). */
  readonly startTime: number;
  /** Mean tweets per second of event time; gaps are exponential (Poisson arrivals). Default 100. */
  readonly ratePerSecond?: number;
  /** How many tweets; default: without end. */
  readonly count?: number;
  /** Distinct hashtags (common ones first, then a made-up tail). Default 300. */
  readonly vocabularySize?: number;
  /** Zipf exponent of tag popularity. Default 1.1. */
  readonly zipfExponent?: number;
  /** Distinct authors. Default 2000. */
  readonly authors?: number;
  /** Share of retweets ("RT @user: …" of a recent tweet, with retweetOfId). Default 0.15. */
  readonly retweetShare?: number;
  /** Default: 5 % of tweets up to 5 s late. `{ share: 0, maxDelayMs: 0 }` keeps createdAt ordered. */
  readonly outOfOrder?: OutOfOrderOptions;
  /** Default: a burst every 60 s lasting 20 s in 30 % of tweets. `share: 0` turns bursts off. */
  readonly trending?: TrendingOptions;
  /** Fill `hashtags` with the entity tags the API would give (default true). */
  readonly entities?: boolean;
}

export const DEFAULT_TWEET_START_TIME = Date.parse('2024-03-01T00:00:00Z');

const DEFAULTS = {
  ratePerSecond: 100,
  vocabularySize: 300,
  zipfExponent: 1.1,
  authors: 2000,
  retweetShare: 0.15,
  outOfOrder: { share: 0.05, maxDelayMs: 5000 },
  trending: { everyMs: 60_000, durationMs: 20_000, share: 0.3 },
} as const;

/** Ranks below this never trend: a burst is a tail tag suddenly rising. */
const TRENDING_MIN_RANK = 20;
/** Retweets pick from this many recent originals. */
const RECENT_ORIGINALS = 200;
/** Tags per original tweet: 0 to 4, most with one. */
const TAGS_PER_TWEET = [0.22, 0.42, 0.22, 0.1, 0.04];

const pick = <T>(items: readonly T[], random: Random): T =>
  items[Math.floor(random.next() * items.length)] as T;

/** A draw from a discrete distribution given by weights summing to 1. */
function weighted(weights: readonly number[], random: Random): number {
  let target = random.next();
  for (let index = 0; index < weights.length; index++) {
    target -= weights[index] as number;
    if (target < 0) return index;
  }
  return weights.length - 1;
}

/** How people write a tag: as usual, lower-case, upper-case or capitalised. */
function caseVariant(tag: string, random: Random): string {
  const roll = random.next();
  if (roll < 0.5) return tag;
  if (roll < 0.75) return tag.toLowerCase();
  if (roll < 0.85) return tag.toUpperCase();
  return (tag[0] ?? '').toUpperCase() + tag.slice(1).toLowerCase();
}

/** What stands around a tag in the text. Every one ends the tag where Twitter's rules end it. */
const DECORATIONS: readonly ((tag: string) => string)[] = [
  (tag) => `#${tag}`,
  (tag) => `#${tag}`,
  (tag) => `#${tag}`,
  (tag) => `#${tag},`,
  (tag) => `(#${tag})`,
  (tag) => `#${tag}!`,
  (tag) => `#${tag}.`,
  (tag) => `#${tag}?`,
  (tag) => `"#${tag}"`,
  (tag) => `#${tag}:`,
  (tag) => `#${tag}'s`,
  (tag) => `#${tag}🔥`,
  (tag) => `#${tag}…`,
];

/** Text that looks like a hashtag to a careless extractor and is none by Twitter's rules. */
const DECOYS: readonly ((random: Random) => string)[] = [
  (random) =>
    `https://example.com/${pick(['docs', 'blog', 'news'], random)}/page#${pick(['section-2', 'top', 'Comments'], random)}`,
  (random) => `#${random.int(1, 2025)}`,
  () => 'we are #1',
  () => 'C# rocks',
  () => 'issue #42 fixed',
];

interface Original {
  readonly id: string;
  readonly authorId: string;
  readonly text: string;
  readonly lang: string | undefined;
  readonly hashtags: readonly string[];
}

/** Which tag trends at event time `at`, if a burst is on. */
function trendingAt(
  at: number,
  options: Required<Pick<TweetGeneratorOptions, 'seed' | 'startTime'>> & { trending: TrendingOptions },
  vocabulary: readonly VocabularyTag[],
): VocabularyTag | undefined {
  const { trending } = options;
  if (trending.share <= 0 || vocabulary.length <= TRENDING_MIN_RANK) return undefined;
  const since = at - options.startTime;
  if (since < 0) return undefined;
  const burst = Math.floor(since / trending.everyMs);
  if (since - burst * trending.everyMs >= trending.durationMs) return undefined;
  const rank =
    TRENDING_MIN_RANK + (deriveSeed(options.seed, burst) % (vocabulary.length - TRENDING_MIN_RANK));
  return vocabulary[rank];
}

/**
 * Realistic tweets, the same for the same options: Zipf-distributed hashtags, a trending tail tag now
 * and then, Unicode tags, mixed case, punctuation around tags, decoys that are not hashtags (URL
 * fragments, #123, C#), retweets, a language per tweet, and createdAt rising with some late tweets.
 * `hashtags` holds the entity tags as written (the API's entities.hashtags[].tag), in text order;
 * like the API's `entities`, it is absent when the text has no hashtag.
 */
export function* generateTweets(options: TweetGeneratorOptions): Generator<Tweet> {
  const rate = options.ratePerSecond ?? DEFAULTS.ratePerSecond;
  const vocabularySize = options.vocabularySize ?? DEFAULTS.vocabularySize;
  const authors = options.authors ?? DEFAULTS.authors;
  const retweetShare = options.retweetShare ?? DEFAULTS.retweetShare;
  const outOfOrder = options.outOfOrder ?? DEFAULTS.outOfOrder;
  const trending = options.trending ?? DEFAULTS.trending;
  const entities = options.entities ?? true;
  const count = options.count ?? Number.POSITIVE_INFINITY;
  if (!(rate > 0)) throw new RangeError('ratePerSecond must be positive');
  if (!(Number.isSafeInteger(authors) && authors >= 1)) throw new RangeError('authors must be ≥ 1');
  if (!(trending.everyMs > 0 && trending.durationMs >= 0))
    throw new RangeError('trending.everyMs must be positive');

  const vocabulary = tagVocabulary(vocabularySize);
  const zipf = new ZipfSampler(vocabulary.length, options.zipfExponent ?? DEFAULTS.zipfExponent);
  // Tags lean positive or negative (a third each), so sentiment differs from tag to tag.
  const mood = vocabulary.map((_, rank) => (deriveSeed(options.seed ^ 0x5eed, rank) % 3) - 1);
  const random = createRandom(options.seed);
  const recent: Original[] = [];
  const meanGapMs = 1000 / rate;
  let clock = options.startTime;

  for (let index = 0; index < count; index++) {
    clock += -Math.log(1 - random.next()) * meanGapMs;
    const madeAt = Math.floor(clock);
    const late = outOfOrder.share > 0 && random.next() < outOfOrder.share;
    const createdAt = late ? madeAt - Math.floor(random.next() * outOfOrder.maxDelayMs) : madeAt;
    const id = snowflakeId(madeAt, index);
    const authorId = String(100_000 + random.int(0, authors - 1));

    if (recent.length > 0 && random.next() < retweetShare) {
      const original = pick(recent, random);
      yield {
        id,
        text: `RT @user${original.authorId}: ${original.text}`,
        authorId,
        createdAt: new Date(createdAt).toISOString(),
        ...(original.lang === undefined ? {} : { lang: original.lang }),
        ...(entities && original.hashtags.length > 0 ? { hashtags: [...original.hashtags] } : {}),
        retweetOfId: original.id,
      };
      continue;
    }

    const ranks: number[] = [];
    const tagCount = weighted(TAGS_PER_TWEET, random);
    for (let attempt = 0; ranks.length < tagCount && attempt < tagCount * 4; attempt++) {
      const rank = zipf.sample(random);
      if (!ranks.includes(rank)) ranks.push(rank);
    }
    const trend = trendingAt(
      madeAt,
      { seed: options.seed, startTime: options.startTime, trending },
      vocabulary,
    );
    if (trend !== undefined && random.next() < trending.share) {
      const rank = vocabulary.indexOf(trend);
      if (!ranks.includes(rank)) ranks.unshift(rank);
    }
    const lang =
      ranks.map((rank) => vocabulary[rank]?.lang).find((tagLang) => tagLang !== undefined) ??
      pick(['en', 'en', 'en', 'en', 'en', 'en', 'es', 'pt', 'de', 'fr'], random);
    const moodOf = ranks.length === 0 ? 0 : (mood[ranks[0] as number] as number);

    const written = ranks.map((rank) => caseVariant((vocabulary[rank] as VocabularyTag).tag, random));
    // Now and then the same tag twice in other case: one tweet, still one tweet for that tag.
    if (written.length > 0 && random.next() < 0.03) written.push((written[0] as string).toLowerCase());

    const neutral = WORDS.neutral[lang] ?? WORDS.neutral.en ?? [];
    const words: string[] = [];
    const wordCount = random.int(3, 10);
    for (let w = 0; w < wordCount; w++) {
      const roll = random.next();
      if (moodOf > 0 && roll < 0.3) words.push(pick(WORDS.positive, random));
      else if (moodOf < 0 && roll < 0.3) words.push(pick(WORDS.negative, random));
      else if (roll < 0.36) words.push(pick(random.next() < 0.5 ? WORDS.positive : WORDS.negative, random));
      else words.push(pick(neutral, random));
    }
    if (random.next() < 0.12) words.push(pick(DECOYS, random)(random));
    if (random.next() < 0.1) words.push(`@user${100_000 + random.int(0, authors - 1)}`);
    for (const tag of written) {
      words.splice(random.int(0, words.length), 0, pick(DECORATIONS, random)(tag));
    }
    const text = words.join(' ');
    // Entities in text order, as the API lists them.
    const hashtags = written
      .map((tag) => ({ tag, at: text.indexOf(`#${tag}`) }))
      .sort((a, b) => a.at - b.at)
      .map(({ tag }) => tag);
    const original: Original = { id, authorId, text, lang, hashtags };
    if (recent.length === RECENT_ORIGINALS) recent[index % RECENT_ORIGINALS] = original;
    else recent.push(original);
    yield {
      id,
      text,
      authorId,
      createdAt: new Date(createdAt).toISOString(),
      lang,
      ...(entities && hashtags.length > 0 ? { hashtags } : {}),
    };
  }
}

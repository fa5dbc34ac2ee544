import { defineTopic } from '@tributary/kafka';
import { jsonCodec, type Static, stringCodec, Type } from '@tributary/schemas';

const DAY_MS = 24 * 3600 * 1000;

/** What downstream needs of a tweet, whichever source it came from (API v2 stream, file, generator). */
export const Tweet = Type.Object(
  {
    id: Type.String({ pattern: '^[0-9]{1,19}$', description: 'tweet id (a snowflake, as a decimal string)' }),
    text: Type.String({ description: 'full text as the API gives it' }),
    authorId: Type.String({ minLength: 1 }),
    createdAt: Type.String({ format: 'date-time', description: 'event time (ISO 8601, UTC)' }),
    lang: Type.Optional(Type.String({ description: 'BCP 47 language tag the API detected' })),
    hashtags: Type.Optional(
      Type.Array(Type.String(), { description: "entities.hashtags[].tag from the API, without '#'" }),
    ),
    retweetOfId: Type.Optional(Type.String({ description: 'id of the retweeted tweet, for retweets' })),
  },
  { $id: 'Tweet' },
);
export type Tweet = Static<typeof Tweet>;

export const tweetsRaw = defineTopic({
  name: 'tweets.raw',
  doc: 'Tweets as ingested: key = tweet id, value = Tweet (event time = createdAt)',
  partitions: 6,
  key: stringCodec,
  value: jsonCodec(Tweet),
  retentionMs: 7 * DAY_MS,
});

const HashtagScore = {
  tag: Type.String({ minLength: 1, description: 'case-folded hashtag, without #' }),
  count: Type.Integer({ minimum: 0, description: 'tweets in the window carrying the tag' }),
  sentiment: Type.Number({
    minimum: -1,
    maximum: 1,
    description: 'mean sentiment score of those tweets (VADER compound)',
  }),
};

/** One tag's count in one event-time window; a later record for the same key replaces it. */
export const HashtagWindowCount = Type.Object(
  {
    ...HashtagScore,
    windowStart: Type.String({ format: 'date-time' }),
    windowEnd: Type.String({ format: 'date-time' }),
    final: Type.Boolean({ description: 'true once the watermark passed windowEnd + allowed lateness' }),
  },
  { $id: 'HashtagWindowCount' },
);
export type HashtagWindowCount = Static<typeof HashtagWindowCount>;

/** Update semantics: key = `<windowStart ISO>|<tag>`, compacted so the latest count per key survives. */
export const hashtagCounts = defineTopic({
  name: 'hashtags.counts',
  doc: 'Hashtag counts per event-time window: key = windowStart|tag, value = HashtagWindowCount (latest wins)',
  partitions: 6,
  key: stringCodec,
  value: jsonCodec(HashtagWindowCount),
  cleanupPolicy: 'compact',
});

/** The N most used tags of one window, across every counter instance. */
export const HashtagTop = Type.Object(
  {
    windowStart: Type.String({ format: 'date-time' }),
    windowEnd: Type.String({ format: 'date-time' }),
    top: Type.Array(Type.Object(HashtagScore), { description: 'by count descending, then tag ascending' }),
    final: Type.Boolean(),
  },
  { $id: 'HashtagTop' },
);
export type HashtagTop = Static<typeof HashtagTop>;

export const hashtagTop = defineTopic({
  name: 'hashtags.top',
  doc: 'Top-N hashtags per window: key = windowStart ISO, value = HashtagTop (latest wins)',
  partitions: 3,
  key: stringCodec,
  value: jsonCodec(HashtagTop),
  cleanupPolicy: 'compact',
});

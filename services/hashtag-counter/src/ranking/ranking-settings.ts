import { type ConfigOf, env } from '@tributary/config';
import { hashtagTop } from '@tributary/topics';

/** Settings of the top-N stage; gRPC TopHashtags and the live page use the kit's ports. */
export const rankingSettings = {
  topN: env.int('HASHTAG_COUNTER_TOP_N', {
    default: 10,
    min: 1,
    max: 1000,
    doc: 'Tags kept per window in hashtags.top (and the most TopHashtags returns)',
  }),
  topTopic: env.string('HASHTAG_COUNTER_TOP_TOPIC', {
    default: hashtagTop.name,
    doc: 'Top-N topic (schema of hashtags.top, compacted, key = windowStart)',
  }),
  retention: env.duration('HASHTAG_COUNTER_RANKING_RETENTION', {
    default: '1h',
    doc: "How long a window's ranking is kept after its end, in event time (the newest window end seen); then its state and its hashtags.top key are tombstoned",
  }),
};

export type RankingConfig = ConfigOf<typeof rankingSettings>;

export {
  type ApiV2Error,
  type ApiV2StreamPayload,
  type ApiV2Tweet,
  parseTweetLine,
  TweetFormatError,
  toApiV2Payload,
  tweetFromApiV2,
  tweetFromJson,
} from './api-v2.ts';
export {
  DEFAULT_TWEET_START_TIME,
  generateTweets,
  type OutOfOrderOptions,
  type TrendingOptions,
  type TweetGeneratorOptions,
} from './generator.ts';
export { readTweetJsonl, type TweetLine, type TweetReadOptions, toTweetJsonlLine } from './jsonl-reader.ts';
export { SNOWFLAKE_EPOCH_MS, snowflakeId, snowflakeTime } from './snowflake.ts';
export { tagVocabulary, type VocabularyTag } from './vocabulary.ts';
export { ZipfSampler } from './zipf.ts';

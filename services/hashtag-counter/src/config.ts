import { type ConfigOf, env } from '@tributary/config';
import { kafkaSettings } from '@tributary/kafka';
import { hashtagCounts, tweetsRaw } from '@tributary/topics';
import { rankingSettings } from './ranking/ranking-settings.ts';

/** The hashtag-counter's settings, each declared once with its doc and default. */
export const counterSettings = {
  kafka: kafkaSettings,
  appId: env.string('HASHTAG_COUNTER_APP_ID', {
    default: 'hashtag-counter',
    doc: 'Application id: prefix of the consumer groups (<id>.extract, <id>.count), of the transactional ids and of the internal topics (<id>.tags-repartition, <id>.window-state-changelog, <id>.source-watermark-changelog)',
  }),
  inputTopic: env.string('HASHTAG_COUNTER_INPUT_TOPIC', {
    default: tweetsRaw.name,
    doc: 'Tweets topic (schema of tweets.raw); bad and too-late tweets go to <name>.dlq',
  }),
  outputTopic: env.string('HASHTAG_COUNTER_OUTPUT_TOPIC', {
    default: hashtagCounts.name,
    doc: 'Window counts topic (schema of hashtags.counts, compacted, latest record per key wins)',
  }),
  windowSize: env.duration('HASHTAG_COUNTER_WINDOW_SIZE', {
    default: '20s',
    doc: 'Event-time window length',
  }),
  windowSlide: env.duration('HASHTAG_COUNTER_WINDOW_SLIDE', {
    default: '10s',
    doc: 'How far apart windows start (at most the size; equal to the size gives tumbling windows)',
  }),
  maxOutOfOrderness: env.duration('HASHTAG_COUNTER_MAX_OUT_OF_ORDERNESS', {
    default: '5s',
    doc: "Bounded out-of-orderness: a tweets.raw partition's watermark is the newest event time seen on it minus this",
  }),
  allowedLateness: env.duration('HASHTAG_COUNTER_ALLOWED_LATENESS', {
    default: '5s',
    doc: 'A window takes late tweets until the watermark passes its end plus this; then it is final',
  }),
  tooLate: env.enum('HASHTAG_COUNTER_TOO_LATE', ['drop', 'dead-letter'] as const, {
    default: 'dead-letter',
    doc: 'What happens to a tweet whose every window is already final: dropped (and counted) or sent to <input>.dlq with the reason (and counted)',
  }),
  sourceIdleTimeout: env.duration('HASHTAG_COUNTER_SOURCE_IDLE_TIMEOUT', {
    default: '30s',
    doc: 'A tweets.raw partition that sent nothing for this long (wall clock) stops holding windows open; 0 waits for every partition forever (deterministic)',
  }),
  partitionsConsumedConcurrently: env.int('HASHTAG_COUNTER_PARTITIONS_CONCURRENTLY', {
    default: 1,
    min: 1,
    max: 64,
    doc: 'Partitions handled at once by each stage (each keeps its order)',
  }),
  sessionTimeoutMs: env.duration('HASHTAG_COUNTER_SESSION_TIMEOUT', {
    default: '30s',
    doc: 'Consumer group session timeout: how long a crashed instance keeps its partitions',
  }),
  maxBytesPerPartition: env.int('HASHTAG_COUNTER_MAX_BYTES_PER_PARTITION', {
    default: 1024 * 1024,
    min: 1024,
    max: 64 * 1024 * 1024,
    doc: 'Fetch size per partition: bounds the records of one batch (one transaction)',
  }),
  /** The top-N stage, gRPC TopHashtags and the live page (src/ranking). */
  ranking: rankingSettings,
};

export type CounterConfig = ConfigOf<typeof counterSettings>;

/** The window settings that cannot be checked one variable at a time; undefined when they fit. */
export function invalidWindow(config: Pick<CounterConfig, 'windowSize' | 'windowSlide'>): string | undefined {
  if (config.windowSize <= 0) return 'HASHTAG_COUNTER_WINDOW_SIZE must be above 0';
  if (config.windowSlide <= 0 || config.windowSlide > config.windowSize) {
    return `HASHTAG_COUNTER_WINDOW_SLIDE must be above 0 and at most HASHTAG_COUNTER_WINDOW_SIZE (${config.windowSize} ms), got ${config.windowSlide} ms`;
  }
  return undefined;
}

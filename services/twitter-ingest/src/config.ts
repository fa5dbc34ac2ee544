import { type ConfigOf, env } from '@tributary/config';
import { kafkaSettings } from '@tributary/kafka';
import { tweetsRaw } from '@tributary/topics';
import { parseStreamRules } from './stream/stream-rules.ts';

export const SOURCES = ['api', 'file', 'stdin', 'generator'] as const;
export type IngestSource = (typeof SOURCES)[number];

/** twitter-ingest's settings, each declared once with its doc and default. */
export const ingestSettings = {
  kafka: kafkaSettings,
  source: env.enum('TWITTER_INGEST_SOURCE', SOURCES, {
    default: 'generator',
    doc: 'Where tweets come from: api (X API v2 filtered stream), file (TWITTER_INGEST_FILE, JSONL), stdin (JSONL), generator (seeded, paced)',
  }),
  topic: env.string('TWITTER_INGEST_TOPIC', {
    default: tweetsRaw.name,
    doc: 'Output topic (schema of tweets.raw); bad input lines go to <topic>.dlq',
  }),
  count: env.int('TWITTER_INGEST_COUNT', {
    optional: true,
    min: 0,
    doc: 'Stop after this many tweets produced; unset: until the source ends (api and generator: never)',
  }),
  progressIntervalMs: env.duration('TWITTER_INGEST_PROGRESS_INTERVAL', {
    default: '5s',
    doc: 'How often a progress line is logged',
  }),
  file: env.string('TWITTER_INGEST_FILE', {
    optional: true,
    doc: 'JSONL file for the file source: API v2 lines ({"data":{…}}) or Tweet objects, one a line',
  }),
  generator: {
    rate: env.number('TWITTER_INGEST_RATE', {
      default: 50,
      min: 0.001,
      doc: 'Generator: tweets per second (mean, Poisson arrivals)',
    }),
    seed: env.int('TWITTER_INGEST_SEED', {
      default: 42,
      min: 0,
      doc: 'Generator: seed (same seed, same tweets)',
    }),
    startTime: env.custom('TWITTER_INGEST_START_TIME', {
      optional: true,
      expected: 'an ISO 8601 time',
      parse: (raw: string) => {
        const ms = Date.parse(raw);
        if (Number.isNaN(ms)) throw new Error('not a time');
        return ms;
      },
      doc: 'Generator: replay from this event time as fast as Kafka takes it; unset: live, paced at the rate with createdAt ≈ now',
    }),
  },
  api: {
    token: env.secret('TWITTER_BEARER_TOKEN', {
      optional: true,
      doc: 'App bearer token for the api source (or TWITTER_BEARER_TOKEN_FILE, e.g. a mounted secret)',
    }),
    baseUrl: env.string('TWITTER_API_BASE_URL', {
      default: 'https://api.x.com',
      doc: 'API base URL (a local wire-format server in tests)',
    }),
    rules: env.custom('TWITTER_STREAM_RULES', {
      optional: true,
      expected: "rules separated by ';', each `value` or `value|tag` (e.g. `ether;#bitcoin lang:en|btc`)",
      parse: parseStreamRules,
      doc: 'Filtered-stream rules to hold: missing ones are added, others deleted. Unset: the rules on the account are left as they are',
    }),
    stallTimeoutMs: env.duration('TWITTER_STREAM_STALL_TIMEOUT', {
      default: '30s',
      doc: 'Reconnect when nothing (not even the 20 s keep-alive) arrived for this long',
    }),
    networkStepMs: env.duration('TWITTER_BACKOFF_NETWORK_STEP', {
      default: '250ms',
      doc: 'Network errors: linear backoff step (X: 250 ms)',
    }),
    networkMaxMs: env.duration('TWITTER_BACKOFF_NETWORK_MAX', {
      default: '16s',
      doc: 'Network errors: backoff cap (X: 16 s)',
    }),
    httpBaseMs: env.duration('TWITTER_BACKOFF_HTTP_BASE', {
      default: '5s',
      doc: 'HTTP 5xx: exponential backoff start (X: 5 s)',
    }),
    httpMaxMs: env.duration('TWITTER_BACKOFF_HTTP_MAX', {
      default: '320s',
      doc: 'HTTP 5xx: backoff cap (X: 320 s)',
    }),
    rateLimitBaseMs: env.duration('TWITTER_BACKOFF_RATE_LIMIT_BASE', {
      default: '1m',
      doc: 'HTTP 429 without x-rate-limit-reset: exponential backoff start (X: 1 min)',
    }),
  },
};

export type IngestConfig = ConfigOf<typeof ingestSettings>;

/** Settings that only make sense together; named like a ConfigError would name them. */
export function checkSourceSettings(config: IngestConfig): string[] {
  const problems: string[] = [];
  if (config.source === 'file' && config.file === undefined)
    problems.push('TWITTER_INGEST_FILE: required with TWITTER_INGEST_SOURCE=file');
  if (config.source === 'api' && config.api.token === undefined)
    problems.push(
      'TWITTER_BEARER_TOKEN: required (or TWITTER_BEARER_TOKEN_FILE) with TWITTER_INGEST_SOURCE=api',
    );
  return problems;
}

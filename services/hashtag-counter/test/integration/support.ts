import { fileURLToPath } from 'node:url';
import { ServiceProcess } from '@tributary/demo';
import { defineTopic, TopicRegistry } from '@tributary/kafka';
import { committedByPartition, endOffsets, readTopic, uniqueName, waitFor } from '@tributary/testing';
import { hashtagCounts, hashtagTop, type Tweet, tweetsRaw } from '@tributary/topics';
import { type Admin, type Kafka, Partitioners, type Producer } from 'kafkajs';
import { type Reference, type ReferenceSettings, referenceCounts } from './reference.ts';

const SERVICE = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

export const SETTINGS: ReferenceSettings = {
  sizeMs: 20_000,
  slideMs: 10_000,
  allowedLatenessMs: 5_000,
  maxOutOfOrdernessMs: 5_000,
};

/** One test's topics and counter application, all uniquely named, deleted afterwards. */
export class CounterRun {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly appId = uniqueName('hashtag-counter');
  readonly input: string;
  readonly output = uniqueName('hashtag-counts');
  /** The ranking stage's output, so that tests never write the real hashtags.top. */
  readonly top = uniqueName('hashtag-top');
  readonly services: ServiceProcess[] = [];
  readonly settings: ReferenceSettings;
  readonly #brokers: string[];

  constructor(kafka: Kafka, admin: Admin, brokers: string[], input: string, settings = SETTINGS) {
    this.kafka = kafka;
    this.admin = admin;
    this.#brokers = brokers;
    this.input = input;
    this.settings = settings;
  }

  /**
   * Creates the input (as tweets.raw: 6 partitions unless told), output and top topics with their
   * DLQs before the service starts, so their partitions have leaders by the time it reads them.
   */
  static async createTopics(
    admin: Admin,
    input: string,
    outputs: readonly string[],
    tops: readonly string[] = [],
    inputPartitions = tweetsRaw.partitions,
  ): Promise<void> {
    await new TopicRegistry(
      [
        defineTopic({
          ...tweetsRaw,
          name: input,
          partitions: inputPartitions,
          deadLetterTopic: `${input}.dlq`,
        }),
        ...outputs.map((name) => defineTopic({ ...hashtagCounts, name, deadLetterTopic: `${name}.dlq` })),
        ...tops.map((name) => defineTopic({ ...hashtagTop, name, deadLetterTopic: `${name}.dlq` })),
      ],
      { defaultReplicationFactor: 1 },
    ).ensure(admin);
  }

  start(env: Record<string, string> = {}): ServiceProcess {
    const service = new ServiceProcess('hashtag-counter', SERVICE, {
      TRIBUTARY_KAFKA_BROKERS: this.#brokers.join(','),
      HASHTAG_COUNTER_APP_ID: this.appId,
      HASHTAG_COUNTER_INPUT_TOPIC: this.input,
      HASHTAG_COUNTER_OUTPUT_TOPIC: this.output,
      HASHTAG_COUNTER_TOP_TOPIC: this.top,
      HASHTAG_COUNTER_WINDOW_SIZE: `${this.settings.sizeMs}ms`,
      HASHTAG_COUNTER_WINDOW_SLIDE: `${this.settings.slideMs}ms`,
      HASHTAG_COUNTER_ALLOWED_LATENESS: `${this.settings.allowedLatenessMs}ms`,
      HASHTAG_COUNTER_MAX_OUT_OF_ORDERNESS: `${this.settings.maxOutOfOrdernessMs}ms`,
      // Every input partition carries tweets here; no wall-clock idleness keeps the result deterministic.
      HASHTAG_COUNTER_SOURCE_IDLE_TIMEOUT: '0',
      HASHTAG_COUNTER_TOO_LATE: 'dead-letter',
      HASHTAG_COUNTER_SESSION_TIMEOUT: '6s',
      ...env,
    });
    this.services.push(service);
    return service;
  }

  /** Both stages have committed everything there is to read (the input is complete by then). */
  async caughtUp(timeoutMs = 240_000): Promise<void> {
    const repartition = `${this.appId}.tags-repartition`;
    let lags = { extract: -1n, count: -1n };
    try {
      await waitFor(
        'both counting stages to catch up',
        async () => {
          // Stage 1's input is not transactional: committed = end. Each stage 1 transaction ends every
          // repartition partition with a commit marker, which stage 2 never commits past: end − 1.
          try {
            lags = {
              extract: await lagOf(this.admin, `${this.appId}.extract`, this.input, 0n),
              count: await lagOf(this.admin, `${this.appId}.count`, repartition, 1n),
            };
          } catch (error) {
            // Internal topics created a moment ago can answer NOT_LEADER for a while.
            if ((error as { retriable?: boolean }).retriable === true) return undefined;
            throw error;
          }
          return lags.extract === 0n && lags.count === 0n ? true : undefined;
        },
        timeoutMs,
        500,
      );
    } catch (error) {
      throw new Error(
        `${(error as Error).message}: lag extract ${lags.extract}, count ${lags.count}; ${this.diagnosis()}`,
      );
    }
  }

  /** What the instances said that a failing wait should show: exits, warnings and errors. */
  diagnosis(): string {
    return this.services
      .map((service, index) => {
        const lines = service.logs.filter((line) => ['warn', 'error', 'fatal'].includes(String(line.level)));
        return `instance ${index} (pid ${service.pid}): ${JSON.stringify(lines.slice(-8))}`;
      })
      .join('\n');
  }

  /** waitFor, failing with the instances' diagnosis. */
  async waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 180_000): Promise<T> {
    try {
      return await waitFor(what, probe, timeoutMs, 250);
    } catch (error) {
      throw new Error(`${(error as Error).message}; ${this.diagnosis()}`);
    }
  }

  /** hashtags.counts as a table: the latest record per key (read_committed). */
  async latestCounts(): Promise<Map<string, { count: number; sentiment: number; final: boolean }>> {
    const latest = new Map<string, { count: number; sentiment: number; final: boolean }>();
    for (const record of await readTopic(this.kafka, this.output)) {
      const { count, sentiment, final } = JSON.parse(record.value) as {
        count: number;
        sentiment: number;
        final: boolean;
      };
      latest.set(record.key, { count, sentiment, final });
    }
    return latest;
  }

  async reference(): Promise<Reference> {
    const partitions = (await endOffsets(this.admin, this.input)).size;
    return referenceCounts(await readTopic(this.kafka, this.input), partitions, this.settings);
  }

  /** Records on the input's dead-letter topic (read, since transaction markers take offsets too). */
  async deadLetters(): Promise<number> {
    return (await readTopic(this.kafka, `${this.input}.dlq`)).length;
  }

  async cleanUp(): Promise<void> {
    await Promise.allSettled(this.services.map((service) => service.stop()));
    const topics = (await this.admin.listTopics()).filter((topic) => topic.startsWith(this.appId));
    await this.admin
      .deleteTopics({ topics: [...topics, this.output, `${this.output}.dlq`, this.top, `${this.top}.dlq`] })
      .catch(() => {});
  }
}

async function lagOf(admin: Admin, group: string, topic: string, slack: bigint): Promise<bigint> {
  const [ends, committed] = await Promise.all([
    endOffsets(admin, topic),
    committedByPartition(admin, group, topic),
  ]);
  let lag = 0n;
  for (const [partition, end] of ends) {
    const behind = end - (committed.get(partition) ?? 0n) - slack;
    if (end > 0n && behind > 0n) lag += behind;
  }
  return lag;
}

/**
 * Produces tweets keyed by id, in order, `perSecond` at a time (all at once when undefined), to the
 * key's partition or to `partitionOf(index)`.
 */
export async function produceTweets(
  kafka: Kafka,
  topic: string,
  tweets: readonly Tweet[],
  options: { perSecond?: number; partitionOf?: (index: number) => number } = {},
): Promise<void> {
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    const chunk = options.perSecond === undefined ? 500 : Math.max(1, Math.round(options.perSecond / 5));
    for (let sent = 0; sent < tweets.length; sent += chunk) {
      const started = Date.now();
      await producer.send({
        topic,
        acks: -1,
        messages: tweets.slice(sent, sent + chunk).map((tweet, offset) => ({
          key: tweet.id,
          value: JSON.stringify(tweet),
          ...(options.partitionOf ? { partition: options.partitionOf(sent + offset) } : {}),
        })),
      });
      if (options.perSecond !== undefined) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 200 - (Date.now() - started))));
      }
    }
  } finally {
    await producer.disconnect();
  }
}

/** Differences between what hashtags.counts holds and the reference, for a readable assertion. */
export function differences(
  actual: Map<string, { count: number; sentiment: number; final: boolean }>,
  expected: Reference['counts'],
): string[] {
  const problems: string[] = [];
  for (const [key, want] of expected) {
    const got = actual.get(key);
    if (got === undefined) problems.push(`${key}: missing (want ${JSON.stringify(want)})`);
    else if (got.count !== want.count || got.sentiment !== want.sentiment || got.final !== want.final) {
      problems.push(`${key}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    }
  }
  for (const key of actual.keys()) if (!expected.has(key)) problems.push(`${key}: not in the reference`);
  return problems;
}

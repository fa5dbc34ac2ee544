import { BatchingProducer, type ReadinessSignal, TopicRegistry } from '@tributary/kafka';
import { testKafka, uniqueName, waitFor } from '@tributary/testing';
import type { HashtagTop } from '@tributary/topics';
import type { Admin, Kafka } from 'kafkajs';
import { pino } from 'pino';
import { type RankingTopics, rankingTopics } from '../src/ranking/ranking-topics.ts';
import { TopView, TopViewFollower } from '../src/ranking/top-view.ts';

const SLIDE_MS = 10_000;
const SIZE_MS = 20_000;
export const T0 = Date.UTC(2025, 0, 6, 10);

export function windowStart(index: number): string {
  return new Date(T0 + index * SLIDE_MS).toISOString();
}

/** A top of window `index`: `tags` ranked as given, counts descending from `highest`. */
export function topOf(
  index: number,
  tags: readonly string[],
  options: { highest?: number; final?: boolean } = {},
) {
  const highest = options.highest ?? 100;
  return {
    windowStart: windowStart(index),
    windowEnd: new Date(T0 + index * SLIDE_MS + SIZE_MS).toISOString(),
    top: tags.map((tag, rank) => ({
      tag,
      count: highest - rank * 7,
      sentiment: Math.round(Math.sin(rank + index) * 1000) / 1000,
    })),
    final: options.final ?? false,
  } satisfies HashtagTop;
}

export const TAGS = [
  'ether',
  'bitcoin',
  'nft',
  'web3',
  'défi',
  'gm',
  'ai',
  'solana',
  '日本',
  'doge',
  'zk',
  'dao',
];

class Readiness implements ReadinessSignal {
  ready = false;
  pass(): void {
    this.ready = true;
  }
  fail(): void {
    this.ready = false;
  }
}

/**
 * A uniquely named hashtags.top topic on the real broker, a producer for it, and a view following it
 * as every hashtag-counter instance does; the gRPC and page tests serve from that view.
 */
export class TopFixture {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly topics: RankingTopics;
  readonly view = new TopView();
  /** What made the follower stop for good, if anything did. */
  crash: unknown;
  readonly #producer: BatchingProducer;
  readonly #follower: TopViewFollower;
  readonly #readiness = new Readiness();

  private constructor(kafka: Kafka, admin: Admin) {
    this.kafka = kafka;
    this.admin = admin;
    const appId = uniqueName('ranking');
    this.topics = rankingTopics({ appId, countsTopic: `${appId}.counts`, topTopic: `${appId}.top` });
    this.#producer = new BatchingProducer(kafka);
    this.#follower = new TopViewFollower({
      kafka,
      topics: this.topics,
      view: this.view,
      logger: pino({ level: 'silent' }),
      readiness: this.#readiness,
      onCrash: (error) => {
        this.crash = error;
      },
      onChange: () => undefined,
    });
  }

  /** Creates the topic, writes `initial` (a null value is a tombstone) and waits for the view to catch up. */
  static async start(initial: readonly { key: string; value: HashtagTop | null }[]): Promise<TopFixture> {
    const kafka = await testKafka();
    const admin = kafka.admin();
    await admin.connect();
    const fixture = new TopFixture(kafka, admin);
    await new TopicRegistry([fixture.topics.top], { defaultReplicationFactor: 1 }).ensure(admin);
    await fixture.#producer.connect();
    await fixture.produce(initial);
    await fixture.#follower.start();
    await waitFor('the view to catch up with hashtags.top', () =>
      fixture.#readiness.ready ? true : undefined,
    );
    return fixture;
  }

  async produce(records: readonly { key: string; value: HashtagTop | null }[]): Promise<void> {
    await this.#producer.send(this.topics.top, records);
  }

  async stop(): Promise<void> {
    await this.#follower.stop();
    await this.#producer.disconnect();
    await this.admin.deleteTopics({ topics: [this.topics.top.name, this.topics.top.deadLetterTopic] });
    await this.admin.disconnect();
  }
}

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ServiceProcess } from '@tributary/demo';
import { BatchingProducer, defineTopic, TopicRegistry } from '@tributary/kafka';
import { readTopic, stackBrokers, testKafka, uniqueName, waitFor } from '@tributary/testing';
import {
  type HashtagTop,
  type HashtagWindowCount,
  hashtagCounts,
  hashtagTop,
  tweetsRaw,
} from '@tributary/topics';
import { type Admin, type Kafka, Partitioners } from 'kafkajs';

const SERVICE = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const RETENTION_MS = 15_000;
const WINDOWS = 8;
const T0 = Date.UTC(2025, 0, 8, 9);

function count(index: number, tag: string, value: number): { key: string; value: HashtagWindowCount } {
  const windowStart = new Date(T0 + index * 10_000).toISOString();
  const windowEnd = new Date(T0 + index * 10_000 + 20_000).toISOString();
  return {
    key: `${windowStart}|${tag}`,
    value: { tag, count: value, sentiment: 0.5, windowStart, windowEnd, final: false },
  };
}

/** The repartition partition of a window, as the Java-compatible murmur2 partitioner places its key. */
function partitionOf(windowStart: string): number {
  const partitionMetadata = Array.from({ length: hashtagTop.partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  return Partitioners.DefaultPartitioner()({
    topic: 'any',
    partitionMetadata,
    message: { key: windowStart, value: null },
  });
}

describe('top-N stage: windows past the retention are tombstoned (real broker, service process)', () => {
  let kafka: Kafka;
  let admin: Admin;
  let brokers: string[];
  let service: ServiceProcess | undefined;
  const appId = uniqueName('hashtag-counter');
  const tweets = uniqueName('tweets');
  const countsName = uniqueName('hashtag-counts');
  const counts = defineTopic({ ...hashtagCounts, name: countsName, deadLetterTopic: `${countsName}.dlq` });
  const top = uniqueName('hashtag-top');

  before(async () => {
    brokers = await stackBrokers();
    kafka = await testKafka(brokers);
    admin = kafka.admin();
    await admin.connect();
    const tweetsSpec = defineTopic({ ...tweetsRaw, name: tweets, deadLetterTopic: `${tweets}.dlq` });
    await new TopicRegistry([tweetsSpec, counts], { defaultReplicationFactor: 1 }).ensure(admin);
  });

  after(async () => {
    await service?.stop();
    const mine = (await admin.listTopics()).filter((name) =>
      [appId, tweets, countsName, top].some((prefix) => name.startsWith(prefix)),
    );
    await admin.deleteTopics({ topics: mine }).catch(() => {});
    await admin.disconnect();
  });

  it('drops a window once its partition has seen a window ending the retention later, and never revives it', async (t) => {
    service = new ServiceProcess('hashtag-counter', SERVICE, {
      TRIBUTARY_KAFKA_BROKERS: brokers.join(','),
      HASHTAG_COUNTER_APP_ID: appId,
      HASHTAG_COUNTER_INPUT_TOPIC: tweets,
      HASHTAG_COUNTER_OUTPUT_TOPIC: countsName,
      HASHTAG_COUNTER_TOP_TOPIC: top,
      HASHTAG_COUNTER_RANKING_RETENTION: `${RETENTION_MS}ms`,
    });
    const { httpPort } = await service.running();
    await service.waitForLog((line) => line.msg === 'ranking top hashtags');
    const producer = new BatchingProducer(kafka);
    await producer.connect();
    const latestTops = async () => {
      const tops = new Map<string, HashtagTop>();
      for (const record of await readTopic(kafka, top)) {
        if (record.value === '') tops.delete(record.key);
        else tops.set(record.key, JSON.parse(record.value) as HashtagTop);
      }
      return tops;
    };
    const expiredCounts = async () => {
      const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
      return Number(
        metrics.match(/^hashtag_counter_ranking_counts_total\{outcome="expired"\} (\d+)/m)?.[1] ?? 0,
      );
    };
    try {
      // One window after another, each once its predecessor is ranked, so event time moves forward.
      for (let index = 0; index < WINDOWS; index++) {
        await producer.send(counts, [count(index, 'kafka', 10 + index), count(index, 'flink', 5)]);
        const start = new Date(T0 + index * 10_000).toISOString();
        await waitFor(`window ${index} ranked`, async () =>
          (await latestTops()).has(start) ? true : undefined,
        );
      }
      // A late count for window 0: on its partition, later windows ended long after it, or it stayed.
      await producer.send(counts, [count(0, 'late', 99)]);
    } finally {
      await producer.disconnect();
    }

    const starts = Array.from({ length: WINDOWS }, (_, index) => new Date(T0 + index * 10_000).toISOString());
    const newestEnd = new Map<number, number>();
    for (const start of starts) {
      const partition = partitionOf(start);
      newestEnd.set(partition, Math.max(newestEnd.get(partition) ?? 0, Date.parse(start) + 20_000));
    }
    const expired = starts.filter(
      (start) => Date.parse(start) + 20_000 <= (newestEnd.get(partitionOf(start)) ?? 0) - RETENTION_MS,
    );
    assert.ok(expired.length > 0 && expired.length < WINDOWS, `some windows expire: ${expired.join(', ')}`);

    const window0Expired = expired.includes(starts[0] as string);
    t.diagnostic(
      `expired: ${expired.join(', ')}; the late count for window 0 is ${window0Expired ? 'refused' : 'applied'}`,
    );
    await waitFor('the late count to be taken in', async () =>
      window0Expired
        ? (await expiredCounts()) >= 1
          ? true
          : undefined
        : ((await latestTops()).get(starts[0] as string)?.top.some(({ tag }) => tag === 'late') ?? undefined),
    );
    const tops = await latestTops();
    assert.deepEqual(
      [...tops.keys()].sort(),
      starts.filter((start) => !expired.includes(start)),
      'hashtags.top keeps exactly the windows within the retention',
    );
    const changelog = new Map<string, string>();
    for (const record of await readTopic(kafka, `${appId}.ranking-changelog`))
      changelog.set(record.key, record.value);
    for (const [key, value] of changelog) {
      const windowStart = key.slice(0, key.indexOf('|'));
      assert.equal(
        value === '',
        expired.includes(windowStart),
        `changelog ${key} is a tombstone iff expired`,
      );
    }
  });
});

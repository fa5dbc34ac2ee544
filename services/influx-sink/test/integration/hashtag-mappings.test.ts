import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ServiceProcess } from '@tributary/demo';
import { BatchingProducer, defineTopic, TopicRegistry } from '@tributary/kafka';
import { readStackState } from '@tributary/local-stack';
import { committedTotal, influxQuery, testKafka, uniqueName, waitFor } from '@tributary/testing';
import { type HashtagTop, type HashtagWindowCount, hashtagCounts, hashtagTop } from '@tributary/topics';
import type { Admin, Kafka } from 'kafkajs';
import { createDatabase, dropDatabase } from './support.ts';

const SINK = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
const W1 = '2024-03-01T00:00:00.000Z';
const W2 = '2024-03-01T00:00:10.000Z';
const end = (start: string) => new Date(Date.parse(start) + 20_000).toISOString();
const count = (
  windowStart: string,
  tag: string,
  n: number,
  sentiment: number,
  final = false,
): HashtagWindowCount => ({
  tag,
  count: n,
  sentiment,
  windowStart,
  windowEnd: end(windowStart),
  final,
});

describe('influx-sink maps hashtags.counts and hashtags.top into the real InfluxDB', () => {
  let kafka: Kafka;
  let admin: Admin;
  let influxUrl: string;
  let brokers: string[];
  const db = uniqueName('sink_tags').replaceAll('.', '_');
  const countsName = uniqueName('counts');
  const topName = uniqueName('top');
  const countsTopic = defineTopic({
    ...hashtagCounts,
    name: countsName,
    deadLetterTopic: `${countsName}.dlq`,
  });
  const topTopic = defineTopic({ ...hashtagTop, name: topName, deadLetterTopic: `${topName}.dlq` });
  let sink: ServiceProcess | undefined;

  before(async () => {
    const stack = await readStackState();
    brokers = stack.kafka.brokers;
    influxUrl = stack.influx.url;
    kafka = await testKafka(brokers);
    admin = kafka.admin();
    await admin.connect();
    await new TopicRegistry([countsTopic, topTopic], { defaultReplicationFactor: 1 }).ensure(admin);
    await createDatabase(influxUrl, db);
  });

  after(async () => {
    sink?.kill('SIGKILL');
    await admin
      .deleteTopics({ topics: [countsName, `${countsName}.dlq`, topName, `${topName}.dlq`] })
      .catch(() => {});
    await admin.disconnect();
    await dropDatabase(influxUrl, db);
  });

  it('one point per window and tag (a later update overwrites), one point per rank of each top list', async () => {
    const counts = [
      count(W1, 'ether', 3, 0.2),
      count(W1, 'café', 2, -0.5),
      count(W2, 'ether', 1, 0),
      // Updates of window 1: more tweets, then final.
      count(W1, 'ether', 5, 0.3),
      count(W1, 'ether', 6, 0.25, true),
    ];
    const tops: HashtagTop[] = [
      {
        windowStart: W1,
        windowEnd: end(W1),
        final: false,
        top: [{ tag: 'ether', count: 3, sentiment: 0.2 }],
      },
      { windowStart: W2, windowEnd: end(W2), final: false, top: [{ tag: 'ether', count: 1, sentiment: 0 }] },
      {
        windowStart: W1,
        windowEnd: end(W1),
        final: true,
        top: [
          { tag: 'ether', count: 6, sentiment: 0.25 },
          { tag: 'café', count: 2, sentiment: -0.5 },
          { tag: '日本', count: 1, sentiment: 0.1 },
        ],
      },
    ];
    const producer = new BatchingProducer(kafka);
    await producer.connect();
    try {
      await producer.send(
        countsTopic,
        counts.map((value) => ({ key: `${value.windowStart}|${value.tag}`, value })),
      );
      await producer.send(
        topTopic,
        tops.map((value) => ({ key: value.windowStart, value })),
      );
    } finally {
      await producer.disconnect();
    }

    const groupId = uniqueName('sink-tags');
    sink = new ServiceProcess('influx-sink', SINK, {
      TRIBUTARY_KAFKA_BROKERS: brokers.join(','),
      INFLUX_URL: influxUrl,
      INFLUX_BUCKET: db,
      INFLUX_SINK_GROUP_ID: groupId,
      INFLUX_SINK_TOPICS: `${hashtagCounts.name}=${countsName},${hashtagTop.name}=${topName}`,
    });
    await waitFor(
      'every record written and committed',
      async () => {
        const done =
          (await committedTotal(kafka, groupId, countsName)) === BigInt(counts.length) &&
          (await committedTotal(kafka, groupId, topName)) === BigInt(tops.length);
        return done ? true : undefined;
      },
      120_000,
    );
    await sink.stop();

    const stored = await influxQuery(
      influxUrl,
      db,
      'SELECT "tag", "count", "sentiment", "final" FROM "hashtag_counts" ORDER BY time',
    );
    const sortedCounts = stored
      .map(([time, tag, n, sentiment, final]) => [
        new Date(time as number).toISOString(),
        tag,
        n,
        sentiment,
        final,
      ])
      .sort((a, b) => String(a).localeCompare(String(b)));
    assert.deepEqual(sortedCounts, [
      [W1, 'café', 2, -0.5, false],
      [W1, 'ether', 6, 0.25, true],
      [W2, 'ether', 1, 0, false],
    ]);

    const ranks = await influxQuery(
      influxUrl,
      db,
      'SELECT "rank", "hashtag", "count", "sentiment", "final" FROM "hashtag_top" ORDER BY time',
    );
    assert.deepEqual(
      ranks
        .map(([time, rank, hashtag, n, sentiment, final]) => [
          new Date(time as number).toISOString(),
          rank,
          hashtag,
          n,
          sentiment,
          final,
        ])
        .sort((a, b) => String(a).localeCompare(String(b))),
      [
        [W1, '01', 'ether', 6, 0.25, true],
        [W1, '02', 'café', 2, -0.5, true],
        [W1, '03', '日本', 1, 0.1, true],
        [W2, '01', 'ether', 1, 0, false],
      ],
    );
  });
});

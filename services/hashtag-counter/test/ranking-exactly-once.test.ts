import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { credentials, makeGenericClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { ServiceProcess } from '@tributary/demo';
import { BatchingProducer, defineTopic, TopicRegistry } from '@tributary/kafka';
import { readTopic, stackBrokers, testKafka, uniqueName, waitFor } from '@tributary/testing';
import { type HashtagTop, type HashtagWindowCount, hashtagCounts, tweetsRaw } from '@tributary/topics';
import type { Admin, Kafka } from 'kafkajs';
import { hashtagRankingDefinition } from '../src/grpc/top-hashtags-service.ts';
import { compareRanked } from '../src/ranking/top-n.ts';

const SERVICE = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const TOP_N = 8;
const WINDOWS = 8;
/** Windows that turn final at the end; the odd ones stay open, so their tops come from restored state. */
const isFinalWindow = (index: number) => index % 2 === 0;
const TAGS_PER_WINDOW = 60;
const PHASE_A = 6_000;
const PHASE_B = 3_000;
const T0 = Date.UTC(2025, 0, 6, 10);

type CountRecord = { key: string; value: HashtagWindowCount | null };

/**
 * A seeded stream of hashtags.counts as the counting stages write it, in two phases. Phase A: every
 * window's tags grow by small steps (so ranks keep changing). Phase B: only tags new in phase B grow,
 * one per window strongly enough to climb into the top; a top after phase B is right only if the state
 * of phase A survived, since phase A's leaders are not sent again. At the end every other window turns
 * final (which re-sends all its counts); the odd ones stay open.
 */
function countStream(seed: number): { records: CountRecord[]; phaseA: number } {
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const latest = new Map<string, HashtagWindowCount>();
  const records: CountRecord[] = [];
  const update = (index: number, tag: string, step: number) => {
    const windowStart = new Date(T0 + index * 10_000).toISOString();
    const windowEnd = new Date(T0 + index * 10_000 + 20_000).toISOString();
    const key = `${windowStart}|${tag}`;
    const count = (latest.get(key)?.count ?? 0) + step;
    // || 0: JSON has no -0, so the reference must not hold one either.
    const sentiment = Math.round((random() * 2 - 1) * 1000) / 1000 || 0;
    const value = { tag, count, sentiment, windowStart, windowEnd, final: false };
    latest.set(key, value);
    records.push({ key, value });
  };
  for (let i = 0; i < PHASE_A; i++) {
    const index = Math.floor(random() * WINDOWS);
    // Zipf-like popularity, different per window, so the top differs between windows.
    const rank = Math.floor(TAGS_PER_WINDOW * random() ** 2.5);
    update(
      index,
      `tag${(rank * 7 + index * 13) % TAGS_PER_WINDOW}${rank % 5 === 0 ? 'é' : ''}`,
      1 + Math.floor(random() * 3),
    );
  }
  const phaseA = records.length;
  for (let i = 0; i < PHASE_B; i++) {
    const index = Math.floor(random() * WINDOWS);
    const late = Math.floor(random() * 6);
    update(index, late === 0 ? 'surge' : `late${late}`, late === 0 ? 5 : 1);
  }
  for (const [key, value] of latest) {
    const index = (Date.parse(value.windowStart) - T0) / 10_000;
    if (isFinalWindow(index)) records.push({ key, value: { ...value, final: true } });
  }
  return { records, phaseA };
}

/** The plain reference: the latest count per key, grouped by window, sorted, cut at N. */
function referenceTops(records: readonly CountRecord[]): Map<string, HashtagTop> {
  const latest = new Map<string, HashtagWindowCount>();
  for (const { key, value } of records) if (value !== null) latest.set(key, value);
  const windows = new Map<string, HashtagWindowCount[]>();
  for (const count of latest.values())
    windows.set(count.windowStart, [...(windows.get(count.windowStart) ?? []), count]);
  const tops = new Map<string, HashtagTop>();
  for (const [windowStart, counts] of windows) {
    tops.set(windowStart, {
      windowStart,
      windowEnd: (counts[0] as HashtagWindowCount).windowEnd,
      top: counts
        .map(({ tag, count, sentiment }) => ({ tag, count, sentiment }))
        .sort(compareRanked)
        .slice(0, TOP_N),
      final: counts.every((count) => count.final),
    });
  }
  return tops;
}

/** What hashtags.top holds for a read_committed reader: the latest record per window. */
async function topsOnTopic(kafka: Kafka, topic: string): Promise<Map<string, HashtagTop>> {
  const tops = new Map<string, HashtagTop>();
  for (const record of await readTopic(kafka, topic)) {
    if (record.value === '') tops.delete(record.key);
    else tops.set(record.key, JSON.parse(record.value) as HashtagTop);
  }
  return tops;
}

describe('top-N per window across counter instances, exactly once through kill -9 (real broker, service processes)', () => {
  let kafka: Kafka;
  let admin: Admin;
  let brokers: string[];
  const appId = uniqueName('hashtag-counter');
  const tweets = uniqueName('tweets');
  const countsName = uniqueName('hashtag-counts');
  const countsSpec = defineTopic({
    ...hashtagCounts,
    name: countsName,
    deadLetterTopic: `${countsName}.dlq`,
  });
  const top = uniqueName('hashtag-top');
  const services: ServiceProcess[] = [];
  const start = () => {
    const service = new ServiceProcess('hashtag-counter', SERVICE, {
      TRIBUTARY_KAFKA_BROKERS: brokers.join(','),
      HASHTAG_COUNTER_APP_ID: appId,
      HASHTAG_COUNTER_INPUT_TOPIC: tweets,
      HASHTAG_COUNTER_OUTPUT_TOPIC: countsSpec.name,
      HASHTAG_COUNTER_TOP_TOPIC: top,
      HASHTAG_COUNTER_TOP_N: String(TOP_N),
      HASHTAG_COUNTER_SESSION_TIMEOUT: '6s',
    });
    services.push(service);
    return service;
  };
  const topEnd = async () =>
    (await admin.fetchTopicOffsets(top)).reduce((sum, { high }) => sum + Number(high), 0);

  before(async () => {
    brokers = await stackBrokers();
    kafka = await testKafka(brokers);
    admin = kafka.admin();
    await admin.connect();
    // Created before the service starts, so their partitions have leaders when it first reads them.
    const tweetsSpec = defineTopic({ ...tweetsRaw, name: tweets, deadLetterTopic: `${tweets}.dlq` });
    await new TopicRegistry([tweetsSpec, countsSpec], { defaultReplicationFactor: 1 }).ensure(admin);
  });

  after(async () => {
    await Promise.allSettled(services.map((service) => service.stop()));
    const mine = (await admin.listTopics()).filter((name) =>
      [appId, tweets, countsSpec.name, top].some((prefix) => name.startsWith(prefix)),
    );
    await admin.deleteTopics({ topics: mine }).catch(() => {});
    await admin.disconnect();
  });

  it('writes to hashtags.top the same top N per window as a plain reference, through a kill -9 and a second instance joining mid-stream, and any instance answers TopHashtags', async (t) => {
    const { records: input, phaseA } = countStream(41);
    const malformed = { key: 'not-a-window-key', value: input[0]?.value ?? null };
    const tombstone = { key: input[1]?.key ?? '', value: null };
    const expected = referenceTops(input);
    assert.equal(expected.size, WINDOWS);

    let first = start();
    await first.waitForLog((line) => line.msg === 'ranking top hashtags');
    const producer = new BatchingProducer(kafka);
    await producer.connect();
    let produced = 0;
    const producing = (async () => {
      const all = [...input.slice(0, 100), malformed, tombstone, ...input.slice(100)];
      for (let at = 0; at < all.length; at += 200) {
        await producer.send(countsSpec, all.slice(at, at + 200));
        produced = Math.min(all.length, at + 200);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    })();

    await waitFor(
      'phase B of the counts, with tops on hashtags.top',
      async () => (produced > phaseA + 400 && (await topEnd()) > 40 ? true : undefined),
      120_000,
    );
    first.kill('SIGKILL');
    assert.equal((await first.exited).signal, 'SIGKILL');
    t.diagnostic(`killed with ${produced} of ${input.length + 2} count records produced`);
    assert.ok(produced < input.length, 'the kill came while counts were still being produced');
    assert.ok(produced > phaseA, 'the kill came in phase B');
    // The killed instance comes back and a second one joins, still mid-stream: the stage's partitions
    // are split between them and each restores the state of those it gets.
    first = start();
    const second = start();
    const restoredBy = (instance: ServiceProcess) =>
      instance.waitForLog(
        (line) =>
          line.stage === 'rank' &&
          line.msg === 'state restored from the changelog' &&
          Number(line.records) > 0,
      );
    const restored = await Promise.any([restoredBy(first), restoredBy(second)]);
    t.diagnostic(`an instance restored ${restored.records} changelog records after the kill`);
    await producing;
    await producer.disconnect();
    const matched = await waitFor(
      'hashtags.top to equal the reference',
      async () => {
        const actual = await topsOnTopic(kafka, top);
        try {
          assert.deepEqual(actual, expected);
          return actual;
        } catch {
          return undefined;
        }
      },
      240_000,
      2_000,
    ).catch(async (error: unknown) => {
      // Show the difference, not only the time-out.
      assert.deepEqual(await topsOnTopic(kafka, top), expected);
      throw error;
    });
    assert.equal([...matched.values()].filter(({ final }) => final).length, WINDOWS / 2);

    const dlq = await readTopic(kafka, countsSpec.deadLetterTopic);
    assert.deepEqual(
      dlq.map(({ key }) => key),
      ['not-a-window-key'],
      'the malformed key is dead-lettered once; the tombstone is skipped',
    );
    assert.match(dlq[0]?.headers['tributary.dlq.reason'] ?? '', /is not '<windowStart>\|<tag>'/);

    // The second instance answers from its own view of hashtags.top.
    const { grpcPort, httpPort } = await second.running();
    await waitFor('the second instance to be ready', async () => {
      const response = await fetch(`http://127.0.0.1:${httpPort}/readyz`).catch(() => undefined);
      return response?.status === 200 ? true : undefined;
    });
    const Client = makeGenericClientConstructor(hashtagRankingDefinition(), 'HashtagRanking');
    const client = new Client(`127.0.0.1:${grpcPort}`, credentials.createInsecure()) as unknown as {
      TopHashtags(
        request: { window: string; n: number },
        callback: (error: ServiceError | null, response: HashtagTop) => void,
      ): void;
      close(): void;
    };
    try {
      for (const [windowStart, reference] of expected) {
        const answer = await new Promise<HashtagTop>((resolve, reject) =>
          client.TopHashtags({ window: windowStart, n: 0 }, (error, response) =>
            error ? reject(error) : resolve(response),
          ),
        );
        assert.deepEqual(answer, reference);
        const page = await fetch(
          `http://127.0.0.1:${httpPort}/hashtags/top.json?window=${encodeURIComponent(windowStart)}`,
        );
        assert.deepEqual(await page.json(), reference);
      }
    } finally {
      client.close();
    }
    assert.deepEqual(
      await topsOnTopic(kafka, top),
      expected,
      'the rebalance changed nothing on hashtags.top',
    );
  });
});

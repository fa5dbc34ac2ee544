import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readTopic, stackBrokers, testKafka, uniqueName } from '@tributary/testing';
import type { HashtagTop } from '@tributary/topics';
import type { Admin, Kafka } from 'kafkajs';
import { compareRanked } from '../src/ranking/top-n.ts';
import { CounterRun, produceTweets, SETTINGS } from './integration/support.ts';
import { generateInput } from './integration/tweet-input.ts';

const TOP_N = 10;
const TWEETS = generateInput({ seed: 19, count: 2_000, startTime: Date.UTC(2025, 0, 7, 9), stepMs: 25 });

/** The plain reference: hashtags.counts as a table, grouped by window, sorted, cut at N. */
function referenceTops(
  counts: ReadonlyMap<string, { count: number; sentiment: number; final: boolean }>,
): Map<string, HashtagTop> {
  const windows = new Map<string, { tag: string; count: number; sentiment: number; final: boolean }[]>();
  for (const [key, value] of counts) {
    const separator = key.indexOf('|');
    const windowStart = key.slice(0, separator);
    windows.set(windowStart, [
      ...(windows.get(windowStart) ?? []),
      { tag: key.slice(separator + 1), ...value },
    ]);
  }
  const tops = new Map<string, HashtagTop>();
  for (const [windowStart, tags] of windows) {
    tops.set(windowStart, {
      windowStart,
      windowEnd: new Date(Date.parse(windowStart) + SETTINGS.sizeMs).toISOString(),
      top: tags
        .map(({ tag, count, sentiment }) => ({ tag, count, sentiment }))
        .sort(compareRanked)
        .slice(0, TOP_N),
      final: tags.every(({ final }) => final),
    });
  }
  return tops;
}

describe('tweets → hashtag-counter → hashtags.top in one service process (real broker)', () => {
  let kafka: Kafka;
  let admin: Admin;
  let brokers: string[];
  const input = uniqueName('tweets');
  let run: CounterRun | undefined;

  before(async () => {
    brokers = await stackBrokers();
    kafka = await testKafka(brokers);
    admin = kafka.admin();
    await admin.connect();
  });

  after(async () => {
    await run?.cleanUp();
    await admin.deleteTopics({ topics: [input, `${input}.dlq`] }).catch(() => {});
    await admin.disconnect();
  });

  it('ranks each window of the counts the counting stages wrote, final once all its counts are', async (t) => {
    run = new CounterRun(kafka, admin, brokers, input);
    await CounterRun.createTopics(admin, input, [run.output], [run.top]);
    const service = run.start({ HASHTAG_COUNTER_TOP_N: String(TOP_N) });
    await service.waitForLog((line) => line.msg === 'ranking top hashtags');
    await produceTweets(kafka, input, TWEETS, { perSecond: 800 });
    await run.caughtUp();

    const expected = referenceTops(await run.latestCounts());
    const topic = run.top;
    const actual = await run.waitFor('hashtags.top to rank every window of hashtags.counts', async () => {
      const tops = new Map<string, HashtagTop>();
      for (const record of await readTopic(kafka, topic)) tops.set(record.key, JSON.parse(record.value));
      try {
        assert.deepEqual(tops, expected);
        return tops;
      } catch {
        return undefined;
      }
    });
    const finals = [...actual.values()].filter(({ final }) => final).length;
    t.diagnostic(`${actual.size} windows ranked, ${finals} final`);
    assert.ok(finals > 0 && finals < actual.size, 'closed windows are final and the open ones are not');
  });
});

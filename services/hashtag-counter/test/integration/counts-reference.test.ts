import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readTopic, stackBrokers, testKafka, uniqueName } from '@tributary/testing';
import type { Admin, Kafka } from 'kafkajs';
import { referenceCounts } from './reference.ts';
import { CounterRun, differences, produceTweets, SETTINGS } from './support.ts';
import { generateInput } from './tweet-input.ts';

const TWEETS = generateInput({ seed: 7, count: 3_000, startTime: Date.UTC(2025, 0, 6, 12), stepMs: 20 });

describe('hashtag-counter: hashtags.counts equals a plain reference computation', () => {
  let kafka: Kafka;
  let admin: Admin;
  let brokers: string[];
  const input = uniqueName('tweets');
  const tumblingInput = uniqueName('tweets');
  const idleInput = uniqueName('tweets');
  const runs: CounterRun[] = [];

  before(async () => {
    brokers = await stackBrokers();
    kafka = await testKafka(brokers);
    admin = kafka.admin();
    await admin.connect();
  });

  after(async () => {
    await Promise.allSettled(runs.map((run) => run.cleanUp()));
    await admin
      .deleteTopics({ topics: [input, tumblingInput, idleInput].flatMap((topic) => [topic, `${topic}.dlq`]) })
      .catch(() => {});
    await admin.disconnect();
  });

  it('live: the latest record per window and tag is the reference count, with out-of-order, late and too-late tweets', async (t) => {
    const run = new CounterRun(kafka, admin, brokers, input);
    runs.push(run);
    await CounterRun.createTopics(admin, input, [run.output], [run.top]);
    const service = run.start();
    await service.waitForLog((line) => line.msg === 'counting');
    await produceTweets(kafka, input, TWEETS, { perSecond: 600 });
    await run.caughtUp();

    const reference = await run.reference();
    t.diagnostic(
      `${TWEETS.length} tweets, ${reference.counts.size} window×tag counts, ${reference.late} late, ${reference.tooLate} too late`,
    );
    assert.ok(reference.late > 0 && reference.tooLate > 0, 'the input exercises late and too-late tweets');
    const finals = [...reference.counts.values()].filter(({ final }) => final).length;
    assert.ok(finals > 0 && finals < reference.counts.size, 'the input leaves final and open windows');
    assert.deepEqual(differences(await run.latestCounts(), reference.counts), []);
    assert.equal(await run.deadLetters(), reference.tooLate, 'every too-late tweet is dead-lettered once');
  });

  it('backfill: a new application reading the complete topic from the earliest offset writes the same table', async () => {
    const run = new CounterRun(kafka, admin, brokers, input);
    runs.push(run);
    await CounterRun.createTopics(admin, input, [run.output], [run.top]);
    const service = run.start();
    await service.waitForLog((line) => line.msg === 'counting');
    await run.caughtUp();

    const reference = await run.reference();
    const backfilled = await run.latestCounts();
    assert.deepEqual(differences(backfilled, reference.counts), []);
    const live = runs[0];
    assert.ok(live);
    assert.deepEqual(backfilled, await live.latestCounts(), 'backfill equals the live run');
  });

  it('tumbling windows on a 3-partition input, too-late tweets dropped: equal to the reference, nothing dead-lettered', async (t) => {
    const settings = {
      sizeMs: 15_000,
      slideMs: 15_000,
      allowedLatenessMs: 2_000,
      maxOutOfOrdernessMs: 3_000,
    };
    const run = new CounterRun(kafka, admin, brokers, tumblingInput, settings);
    runs.push(run);
    await CounterRun.createTopics(admin, tumblingInput, [run.output], [run.top], 3);
    const service = run.start({ HASHTAG_COUNTER_TOO_LATE: 'drop' });
    await service.waitForLog((line) => line.msg === 'counting');
    await produceTweets(kafka, tumblingInput, TWEETS.slice(0, 2_000), { perSecond: 800 });
    await run.caughtUp();

    const reference = await run.reference();
    t.diagnostic(
      `${reference.counts.size} window×tag counts, ${reference.late} late, ${reference.tooLate} too late`,
    );
    assert.ok(reference.tooLate > 0, 'the input has too-late tweets');
    const finals = [...reference.counts.values()].filter(({ final }) => final).length;
    assert.ok(finals > 0, 'windows closed with watermarks from the 3 partitions only');
    assert.deepEqual(differences(await run.latestCounts(), reference.counts), []);
    assert.equal(await run.deadLetters(), 0, 'too-late tweets are dropped, not dead-lettered');
  });

  it('an input partition without any tweet stops holding windows open once idle, and the counts stay exact', async (t) => {
    const run = new CounterRun(kafka, admin, brokers, idleInput);
    runs.push(run);
    await CounterRun.createTopics(admin, idleInput, [run.output], [run.top]);
    const service = run.start({ HASHTAG_COUNTER_SOURCE_IDLE_TIMEOUT: '2s' });
    await service.waitForLog((line) => line.msg === 'counting');
    // Partition 5 of 6 never gets a tweet.
    await produceTweets(kafka, idleInput, TWEETS, { perSecond: 500, partitionOf: (index) => index % 5 });
    await run.caughtUp();

    const input = await readTopic(kafka, idleInput);
    assert.ok(input.every(({ partition }) => partition !== 5));
    // Windows close on the five partitions that carry tweets.
    const reference = referenceCounts(input, 5, SETTINGS);
    const finals = [...reference.counts.values()].filter(({ final }) => final).length;
    t.diagnostic(`${reference.counts.size} window×tag counts, ${finals} final`);
    assert.ok(finals > 0);
    assert.deepEqual(differences(await run.latestCounts(), reference.counts), []);
  });
});

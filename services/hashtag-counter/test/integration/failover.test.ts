import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { committedTotal, stackBrokers, testKafka, uniqueName } from '@tributary/testing';
import type { Admin, Kafka } from 'kafkajs';
import { CounterRun, differences, produceTweets } from './support.ts';
import { generateInput } from './tweet-input.ts';

const START = Date.UTC(2025, 0, 6, 12);

describe('hashtag-counter: exact counts through failures and rescaling', () => {
  let kafka: Kafka;
  let admin: Admin;
  let brokers: string[];
  const inputs: string[] = [];
  const runs: CounterRun[] = [];

  before(async () => {
    brokers = await stackBrokers();
    kafka = await testKafka(brokers);
    admin = kafka.admin();
    await admin.connect();
  });

  after(async () => {
    await Promise.allSettled(runs.map((run) => run.cleanUp()));
    await admin.deleteTopics({ topics: inputs.flatMap((input) => [input, `${input}.dlq`]) }).catch(() => {});
    await admin.disconnect();
  });

  /** A run on a fresh input topic; resolves once its first instance counts. */
  async function newRun(): Promise<CounterRun> {
    const input = uniqueName('tweets');
    inputs.push(input);
    const run = new CounterRun(kafka, admin, brokers, input);
    runs.push(run);
    await CounterRun.createTopics(admin, input, [run.output], [run.top]);
    return run;
  }

  /** Waits until stage 2 has committed at least `records` repartition records. */
  const counted = (run: CounterRun, records: bigint) =>
    run.waitFor(`stage 2 to commit ${records} records`, async () =>
      (await committedTotal(kafka, `${run.appId}.count`, `${run.appId}.tags-repartition`)) >= records
        ? true
        : undefined,
    );

  it('kill -9 of the only instance mid-stream, twice: after restarts the counts equal the reference exactly', async (t) => {
    const run = await newRun();
    const tweets = generateInput({ seed: 11, count: 4_000, startTime: START, stepMs: 20 });
    let service = run.start();
    await service.waitForLog((line) => line.msg === 'counting');
    const producing = produceTweets(kafka, run.input, tweets, { perSecond: 300 });
    for (const progress of [1_000n, 3_000n]) {
      await counted(run, progress);
      service.kill('SIGKILL');
      assert.equal((await service.exited).signal, 'SIGKILL');
      service = run.start();
      await service.waitForLog((line) => line.msg === 'counting');
    }
    await producing;
    await run.caughtUp();

    const reference = await run.reference();
    t.diagnostic(
      `${reference.counts.size} window×tag counts, ${reference.late} late, ${reference.tooLate} too late`,
    );
    const restores = service.logs.filter((line) => line.msg === 'state restored from the changelog');
    assert.ok(
      restores.some((line) => line.stage === 'count' && Number(line.records) > 0),
      'the last instance restored window state from the changelog',
    );
    assert.deepEqual(differences(await run.latestCounts(), reference.counts), []);
    assert.equal(await run.deadLetters(), reference.tooLate, 'every too-late tweet is dead-lettered once');
  });

  it('scaling from 1 to 3 instances mid-stream: the partitions move with their state and the counts equal the reference', async (t) => {
    const run = await newRun();
    const tweets = generateInput({ seed: 12, count: 4_000, startTime: START, stepMs: 20 });
    const first = run.start();
    await first.waitForLog((line) => line.msg === 'counting');
    const producing = produceTweets(kafka, run.input, tweets, { perSecond: 300 });
    await counted(run, 1_500n);
    const added = [run.start(), run.start()];
    await Promise.all(added.map((service) => service.waitForLog((line) => line.msg === 'counting')));
    await producing;
    await run.caughtUp();

    const reference = await run.reference();
    t.diagnostic(
      `${reference.counts.size} window×tag counts, ${reference.late} late, ${reference.tooLate} too late`,
    );
    for (const service of added) {
      assert.ok(
        service.logs.some(
          (line) =>
            line.msg === 'state restored from the changelog' &&
            line.stage === 'count' &&
            Array.isArray(line.partitions) &&
            line.partitions.length > 0,
        ),
        'each new instance took over repartition partitions and restored their state',
      );
    }
    assert.deepEqual(differences(await run.latestCounts(), reference.counts), []);
    assert.equal(await run.deadLetters(), reference.tooLate, 'every too-late tweet is dead-lettered once');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { readTopic, uniqueName } from '@tributary/testing';
import { readWithDeltalake, sampleRides } from '../support.ts';
import { LakeFixture, produceRides, tableProgress } from './support.ts';

describe('lake-writer process: exactly once through kill -9', () => {
  const lake = new LakeFixture();
  before(() => lake.setUp());
  after(() => lake.tearDown());

  test('kill -9 of the writer five times mid-stream: every ride is in the table exactly once (read by delta-rs)', async (t) => {
    const topic = await lake.topic('lake-eos');
    const table = await lake.table();
    const group = uniqueName('lake-eos');
    const rides = sampleRides(24_000, { seed: 11, days: 6 });
    const chunk = rides.length / 6;
    await produceRides(lake.producer, topic, rides.slice(0, chunk));
    // Two records no reader can decode: they go to the dead-letter topic, the stream goes on.
    await lake.producer.send({
      topic,
      messages: [
        { key: 'bad-1', value: 'not json' },
        { key: 'bad-2', value: '{"key":1}' },
      ],
    });
    let killedMidStream = 0;
    for (let round = 1; round <= 5; round++) {
      // Each restart finds a backlog, and more rides arrive while it commits and is killed.
      const slice = rides.slice(round * chunk, (round + 1) * chunk);
      await produceRides(lake.producer, topic, slice.slice(0, chunk / 2));
      // Flushes by rows come quickly; the tail waits for the (longer) interval, so a kill finds rows buffered.
      const writer = lake.writer(`lake-writer-${round}`, {
        topic,
        group,
        table,
        env: { LAKE_WRITER_FLUSH_INTERVAL: '3s', LAKE_WRITER_FETCH_BYTES_PER_PARTITION: '65536' },
      });
      await writer.running();
      const seen = writer.logs.length;
      const producing = produceRides(lake.producer, topic, slice.slice(chunk / 2));
      // A different moment each round: after this process's first commit, plus a random delay.
      await writer.waitForLog((line) => line.msg === 'committed', seen);
      await sleep(Math.floor(Math.random() * 100));
      const ends = await lake.endOffsets(topic);
      writer.kill('SIGKILL');
      assert.equal((await writer.exited).signal, 'SIGKILL');
      await producing;
      const progress = await tableProgress(table, group, topic, lake.partitions);
      const midStream = progress.some((version, p) => version < (ends[p] ?? 0));
      if (midStream) killedMidStream++;
      t.diagnostic(`round ${round}: ends ${ends.join(',')}, table ${progress.join(',')}`);
    }
    t.diagnostic(`${killedMidStream} of 5 kills came while the table was behind the topic`);
    assert.ok(killedMidStream >= 4, 'the kills happened mid-stream');
    const last = lake.writer('lake-writer-final', { topic, group, table });
    const { httpPort } = await last.running();
    await lake.waitForTable(table, group, topic);
    const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    for (const name of [
      'lake_writer_rows_written_total',
      'lake_writer_files_written_total',
      'lake_writer_bytes_written_total',
    ]) {
      assert.match(metrics, new RegExp(`^${name} [1-9]`, 'm'), `${name} counts the final process's writes`);
    }
    assert.match(metrics, /^lake_writer_commit_seconds_count [1-9]/m);
    assert.match(metrics, /^lake_writer_dead_letters_total /m);
    assert.equal((await last.stop()).code, 0);

    const view = await readWithDeltalake(table);
    const keys = view.rows.map((row) => row[0]);
    assert.equal(view.numRows, rides.length, 'row count equals the rides produced');
    assert.equal(new Set(keys).size, rides.length, 'no ride twice');
    assert.deepEqual([...keys].sort(), rides.map((ride) => ride.key).sort(), 'every ride once');
    const byKey = new Map(rides.map((ride) => [ride.key, ride]));
    for (const [key, fare, pickup, passengers, date] of view.rows) {
      const ride = byKey.get(key);
      assert.ok(ride);
      assert.equal(fare, ride.fareAmount);
      assert.equal(pickup, ride.pickupDatetime.replace('.000Z', '+00:00'));
      assert.equal(passengers, ride.passengerCount);
      assert.equal(date, ride.pickupDatetime.slice(0, 10));
    }
    t.diagnostic(`table version ${view.version}, ${view.files} files`);
    const deadLetters = await readTopic(lake.kafka, `${topic}.dlq`);
    const origins = new Set(
      deadLetters.map(
        (r) => `${r.headers['tributary.dlq.origin.partition']}/${r.headers['tributary.dlq.origin.offset']}`,
      ),
    );
    assert.equal(origins.size, 2, 'both bad records are dead letters (at least once)');
    assert.ok(deadLetters.every((r) => r.headers['tributary.dlq.reason']));
  });
});

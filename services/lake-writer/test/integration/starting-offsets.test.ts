import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { uniqueName, waitFor } from '@tributary/testing';
import type { TaxiRide } from '@tributary/topics';
import { readWithDeltalake, sampleRides } from '../support.ts';
import { LakeFixture, produceRides, tableProgress } from './support.ts';

/** `count` rides per partition, sent to that partition explicitly (offsets are then known). */
async function producePerPartition(lake: LakeFixture, topic: string, perPartition: TaxiRide[][]) {
  for (const [partition, rides] of perPartition.entries())
    await produceRides(lake.producer, topic, rides, partition);
}

function split(rides: TaxiRide[], partitions: number, each: number): [TaxiRide[], TaxiRide[], TaxiRide[]] {
  assert.equal(partitions, 3);
  const part = (p: number) => rides.slice(p * each, (p + 1) * each);
  return [part(0), part(1), part(2)];
}

/** Keys delta-rs reads, per Kafka partition, in offset order. */
async function keysByPartition(table: string, partitions: number): Promise<string[][]> {
  const view = await readWithDeltalake(table);
  const byPartition = Array.from({ length: partitions }, () => [] as [number, string][]);
  for (const row of view.rows) byPartition[row[5]]?.push([row[6], row[0]]);
  return byPartition.map((rows) => rows.sort((x, y) => x[0] - y[0]).map(([, key]) => key));
}

describe('lake-writer starting position and data-loss policy', () => {
  const lake = new LakeFixture();
  before(() => lake.setUp());
  after(() => lake.tearDown());

  test('per-partition starting offsets (an offset, latest, earliest) apply only to partitions the table has no txn for', async () => {
    const topic = await lake.topic('lake-start');
    const table = await lake.table();
    const group = uniqueName('lake-start');
    const rides = sampleRides(3 * 160, { seed: 31, days: 2 });
    const first = split(rides.slice(0, 300), 3, 100);
    const second = split(rides.slice(300, 450), 3, 50);
    const third = split(rides.slice(450), 3, 10);
    await producePerPartition(lake, topic, first);
    const writer = lake.writer('lake-writer-start', {
      topic,
      group,
      table,
      env: { LAKE_WRITER_STARTING_OFFSETS: JSON.stringify({ [topic]: { '0': 40, '1': -1 } }) },
    });
    await writer.running();
    // Partition 1 starts at latest (100) with no rows to write: its start is still recorded.
    await waitFor(
      'every partition in the table',
      async () => {
        const progress = await tableProgress(table, group, topic, 3);
        return progress.every((v) => v === 100) ? progress : undefined;
      },
      60_000,
      300,
    );
    await producePerPartition(lake, topic, second);
    await lake.waitForTable(table, group, topic);
    assert.equal((await writer.stop()).code, 0);

    // Restarted with `latest`: the table's txns win, so the records produced meanwhile are written.
    await producePerPartition(lake, topic, third);
    const again = lake.writer('lake-writer-start-2', {
      topic,
      group,
      table,
      env: { LAKE_WRITER_STARTING_OFFSETS: 'latest' },
    });
    await again.running();
    assert.deepEqual(await lake.waitForTable(table, group, topic), [160, 160, 160]);
    assert.equal((await again.stop()).code, 0);

    const keys = await keysByPartition(table, 3);
    const expected = [
      [...first[0], ...second[0], ...third[0]].slice(40),
      [...second[1], ...third[1]],
      [...first[2], ...second[2], ...third[2]],
    ].map((partition) => partition.map((ride) => ride.key));
    assert.deepEqual(keys, expected);
  });

  test('failOnDataLoss: resuming below the earliest offset stops with DATA_LOSS; with false it warns and goes on from earliest', async () => {
    const topic = await lake.topic('lake-loss');
    const table = await lake.table();
    const group = uniqueName('lake-loss');
    const rides = sampleRides(600, { seed: 37, days: 2 });
    const first = split(rides.slice(0, 300), 3, 100);
    const second = split(rides.slice(300), 3, 100);
    await producePerPartition(lake, topic, first);
    const writer = lake.writer('lake-writer-loss', { topic, group, table });
    await writer.running();
    await lake.waitForTable(table, group, topic);
    assert.equal((await writer.stop()).code, 0);

    // While the writer is down, retention deletes offsets 100–149 of partition 0 before they were written.
    await producePerPartition(lake, topic, second);
    await lake.admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '150' }] });

    const strict = lake.writer('lake-writer-loss-strict', { topic, group, table });
    const exit = await strict.exited;
    assert.notEqual(exit.code, 0, 'the writer stops');
    const fatal = strict.logs.find((line) => line.level === 'fatal' || line.level === 60);
    assert.match(JSON.stringify(fatal), /DATA_LOSS/);
    assert.match(JSON.stringify(fatal), /earliest offset Kafka still holds is 150/);
    assert.deepEqual(
      await tableProgress(table, group, topic, 3),
      [100, 100, 100],
      'nothing written past the gap',
    );

    const lenient = lake.writer('lake-writer-loss-lenient', {
      topic,
      group,
      table,
      env: { LAKE_WRITER_FAIL_ON_DATA_LOSS: 'false' },
    });
    await lenient.running();
    assert.deepEqual(await lake.waitForTable(table, group, topic), [200, 200, 200]);
    assert.ok(lenient.logs.some((line) => String(line.msg).startsWith('data loss') && line.lost === 50));
    assert.equal((await lenient.stop()).code, 0);

    const keys = await keysByPartition(table, 3);
    assert.deepEqual(keys, [
      [...first[0], ...second[0].slice(50)].map((r) => r.key),
      [...first[1], ...second[1]].map((r) => r.key),
      [...first[2], ...second[2]].map((r) => r.key),
    ]);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { uniqueName, waitFor } from '@tributary/testing';
import { DeltaLog } from '../../src/delta/delta-log.ts';
import { LocalStorage } from '../../src/storage/local-storage.ts';
import { readWithDeltalake, sampleRides } from '../support.ts';
import { LakeFixture, produceRides, waitForSplit } from './support.ts';

describe('lake-writer processes writing one table concurrently', () => {
  const lake = new LakeFixture();
  before(() => lake.setUp());
  after(() => lake.tearDown());

  test('three instances in one group, one joining and one killed -9 mid-stream: the log stays valid and every ride is in it once', async (t) => {
    const topic = await lake.topic('lake-concurrent');
    const table = await lake.table();
    const group = uniqueName('lake-concurrent');
    const rides = sampleRides(18_000, { seed: 23, days: 4 });
    const third = rides.length / 3;
    const a = lake.writer('lake-writer-a', { topic, group, table });
    const b = lake.writer('lake-writer-b', { topic, group, table });
    await Promise.all([a.running(), b.running()]);
    await waitForSplit([a, b], lake.partitions);
    await produceRides(lake.producer, topic, rides.slice(0, third));
    // A third instance joins: the group rebalances while the others may hold uncommitted rows.
    const c = lake.writer('lake-writer-c', { topic, group, table });
    await c.running();
    await produceRides(lake.producer, topic, rides.slice(third, 2 * third));
    t.diagnostic(
      `assignment after the join: ${JSON.stringify(await waitForSplit([a, b, c], lake.partitions))}`,
    );
    // b dies while the last third is still arriving: right after one of its commits, plus a random delay.
    const seen = b.logs.length;
    const producing = produceRides(lake.producer, topic, rides.slice(2 * third));
    await b.waitForLog((line) => line.msg === 'committed', seen);
    await sleep(Math.floor(Math.random() * 200));
    assert.ok(await lake.behind(table, group, topic), 'b is killed while rows are still to be written');
    b.kill('SIGKILL');
    await b.exited;
    await producing;
    await lake.waitForTable(table, group, topic, 200_000);
    assert.equal((await a.stop()).code, 0);
    assert.equal((await c.stop()).code, 0);

    const snapshot = await new DeltaLog(new LocalStorage(table)).update();
    const writers = new Set<string>();
    let metaData = 0;
    for (let version = 0; version <= snapshot.version; version++) {
      const bytes = await new LocalStorage(table).get(`_delta_log/${String(version).padStart(20, '0')}.json`);
      assert.ok(bytes, `commit ${version} exists: versions have no gap`);
      const actions = new TextDecoder()
        .decode(bytes)
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      metaData += actions.filter((action) => 'metaData' in action).length;
      const info = actions.find((action) => 'commitInfo' in action)?.commitInfo;
      writers.add(String(info?.operationParameters?.queryId));
    }
    assert.equal(metaData, 1);
    assert.ok(writers.size >= 3, `commits from the three instances (${[...writers].join(', ')})`);
    const fenced = [a, b, c]
      .flatMap((p) => p.logs)
      .filter((line) => String(line.msg).startsWith('fenced')).length;
    t.diagnostic(
      `${snapshot.version + 1} commits from ${writers.size} writers; ${fenced} fenced partition buffers`,
    );

    const view = await readWithDeltalake(table);
    assert.equal(view.numRows, rides.length);
    assert.deepEqual(
      view.rows.map((row) => row[0]).sort(),
      rides.map((ride) => ride.key).sort(),
      'every ride exactly once',
    );
  });

  test('a zombie writer (SIGSTOP past its session) resumes holding rows another instance already wrote: it is fenced, nothing twice', async (t) => {
    const topic = await lake.topic('lake-zombie');
    const table = await lake.table();
    const group = uniqueName('lake-zombie');
    const rides = sampleRides(6000, { seed: 29, days: 3 });
    // A buffers for long (no rows threshold reached, 4 s age) so it is frozen holding uncommitted rows.
    const a = lake.writer('lake-writer-zombie', {
      topic,
      group,
      table,
      env: { LAKE_WRITER_FLUSH_ROWS: '100000', LAKE_WRITER_FLUSH_INTERVAL: '4s' },
    });
    await a.running();
    await waitForSplit([a], lake.partitions);
    await produceRides(lake.producer, topic, rides.slice(0, 3000));
    await waitFor(
      'a to take every partition',
      () =>
        a.logs.filter((line) => line.msg === 'partition new to the table: starting position').length === 3
          ? true
          : undefined,
      30_000,
      100,
    );
    await sleep(500);
    a.kill('SIGSTOP');
    try {
      // b gets the partitions once a's session (6 s) expires, and writes what a holds.
      const b = lake.writer('lake-writer-successor', { topic, group, table });
      await b.running();
      await lake.waitForTable(table, group, topic);
      assert.equal(
        a.logs.filter((line) => line.msg === 'committed').length,
        0,
        'a committed nothing before it froze',
      );
    } finally {
      a.kill('SIGCONT');
    }
    // a wakes up, its overdue age flush commits against a table that moved on: fenced.
    await a.waitForLog((line) => String(line.msg).startsWith('fenced'));
    await produceRides(lake.producer, topic, rides.slice(3000));
    await lake.waitForTable(table, group, topic);
    const fenced = a.logs.filter((line) => String(line.msg).startsWith('fenced')).length;
    t.diagnostic(`a was fenced on ${fenced} partitions`);
    const view = await readWithDeltalake(table);
    assert.equal(view.numRows, rides.length);
    assert.deepEqual(
      view.rows.map((row) => row[0]).sort(),
      rides.map((ride) => ride.key).sort(),
      'every ride exactly once',
    );
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { uniqueName } from '@tributary/testing';
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
});

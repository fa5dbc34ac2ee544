import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, describe, test } from 'node:test';
import { waitFor } from '@tributary/testing';
import pino from 'pino';
import { DeltaLog } from '../../src/delta/delta-log.ts';
import { type RideRow, toRideRow } from '../../src/delta/taxi-table.ts';
import { LocalStorage } from '../../src/storage/local-storage.ts';
import { type FlushPolicy, StreamWriter } from '../../src/writer/stream-writer.ts';
import { TableAppender } from '../../src/writer/table-appender.ts';
import { sampleRides, tempTableDir } from '../support.ts';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const rides = sampleRides(400, { seed: 47, days: 2 });
function rows(partition: number, from: number, count: number): RideRow[] {
  return rides.slice(from, from + count).map((ride, i) => {
    const converted = toRideRow(ride, partition, String(from + i));
    assert.ok('row' in converted);
    return converted.row;
  });
}

async function writerOn(policy: FlushPolicy) {
  const dir = await tempTableDir();
  dirs.push(dir);
  const log = new DeltaLog(new LocalStorage(dir));
  const letters: unknown[] = [];
  const committed: [number, number][] = [];
  const writer = new StreamWriter(
    new TableAppender(log, { maxRowsPerFile: 1000, writerId: 'test' }),
    policy,
    (partition) => `app:${partition}`,
    {
      sendDeadLetters: async (sent) => {
        letters.push(...sent);
      },
      committed: (partition, version) => committed.push([partition, version]),
    },
    { logger: pino({ level: 'silent' }) },
  );
  return { writer, log, letters, committed };
}

const LONG = 3_600_000;

describe('StreamWriter', () => {
  test('the rows threshold asks for a flush; the flush commits every partition with its next offset', async () => {
    const { writer, log, committed } = await writerOn({ maxRows: 100, maxBytes: 1e9, maxAgeMs: LONG });
    writer.assign(0, undefined, 0);
    writer.assign(1, undefined, 0);
    assert.equal(writer.add(0, rows(0, 0, 60), [], 0, 60), undefined);
    assert.equal(writer.add(1, rows(1, 60, 40), [], 0, 40), 'rows');
    await writer.flush('rows');
    const snapshot = await log.update();
    assert.deepEqual([snapshot.txnVersion('app:0'), snapshot.txnVersion('app:1')], [60, 40]);
    assert.equal(snapshot.rowCount(), 100);
    assert.deepEqual(committed, [
      [0, 60],
      [1, 40],
    ]);
  });

  test('the bytes threshold asks for a flush', async () => {
    const { writer } = await writerOn({ maxRows: 1e9, maxBytes: 10_000, maxAgeMs: LONG });
    writer.assign(0, undefined, 0);
    assert.equal(writer.add(0, rows(0, 0, 10), [], 9_000, 10), undefined);
    assert.equal(writer.add(0, rows(0, 10, 10), [], 2_000, 20), 'bytes');
  });

  test('the age threshold flushes by itself', async () => {
    const { writer, log } = await writerOn({ maxRows: 1e9, maxBytes: 1e9, maxAgeMs: 200 });
    writer.startAgeTimer((error) => assert.fail(String(error)));
    try {
      writer.assign(0, undefined, 5);
      writer.add(0, rows(0, 0, 30), [], 0, 35);
      await waitFor(
        'the age flush',
        async () => ((await log.update()).txnVersion('app:0') === 35 ? true : undefined),
        20_000,
        50,
      );
    } finally {
      writer.stopAgeTimer();
    }
  });

  test('a partition new to the table records its start with the next flush, even without rows; dead letters go first', async () => {
    const { writer, log, letters } = await writerOn({ maxRows: 1e9, maxBytes: 1e9, maxAgeMs: LONG });
    writer.assign(2, undefined, 77);
    writer.add(2, [], ['letter'], 10, 78);
    await writer.flush('shutdown');
    assert.equal((await log.update()).txnVersion('app:2'), 78);
    assert.deepEqual(letters, ['letter']);
    assert.equal(await writer.flush('shutdown'), undefined, 'nothing pending, no empty commit');
  });

  test('a partition another writer advanced is dropped (fenced) and the others commit', async () => {
    const { writer, log } = await writerOn({ maxRows: 1e9, maxBytes: 1e9, maxAgeMs: LONG });
    writer.assign(0, undefined, 0);
    writer.assign(1, undefined, 0);
    writer.add(0, rows(0, 0, 20), [], 0, 20);
    writer.add(1, rows(1, 20, 20), [], 0, 20);
    // Another instance took partition 0 meanwhile and committed it.
    const other = new TableAppender(new DeltaLog(log.storage), { maxRowsPerFile: 1000, writerId: 'other' });
    await other.append([{ appId: 'app:0', fromVersion: undefined, toVersion: 20, rows: rows(0, 0, 20) }]);
    const outcome = await writer.flush('rows');
    assert.deepEqual(
      outcome?.fenced.map((slice) => slice.appId),
      ['app:0'],
    );
    assert.equal(writer.position(0), undefined, 'the source takes partition 0 again from the table');
    assert.equal(writer.position(1), 20);
    assert.equal((await log.update()).rowCount(), 40, 'partition 0 once, partition 1 once');
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { commitPath, type DeltaAction, DeltaError, parseCommit } from '@tributary/delta';
import { deltalakePythonPath } from '@tributary/local-stack';
import type { TaxiRide } from '@tributary/topics';
import { DeltaLog } from '../../src/delta/delta-log.ts';
import { type RideRow, TAXI_SCHEMA_STRING, toRideRow } from '../../src/delta/taxi-table.ts';
import { LocalStorage } from '../../src/storage/local-storage.ts';
import { type PartitionSlice, TableAppender } from '../../src/writer/table-appender.ts';
import { readWithDeltalake, sampleRides, tempTableDir } from '../support.ts';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function newTable(): Promise<string> {
  const dir = await tempTableDir();
  dirs.push(dir);
  return dir;
}

function appender(dir: string, writerId = 'test'): TableAppender {
  return new TableAppender(new DeltaLog(new LocalStorage(dir)), { maxRowsPerFile: 1000, writerId });
}

function rowsOf(rides: readonly TaxiRide[], partition: number, firstOffset = 0): RideRow[] {
  return rides.map((ride, i) => {
    const converted = toRideRow(ride, partition, String(firstOffset + i));
    assert.ok('row' in converted);
    return converted.row;
  });
}

function slice(appId: string, fromVersion: number | undefined, rows: RideRow[]): PartitionSlice {
  const last = rows.at(-1);
  return { appId, fromVersion, toVersion: last ? Number(last.kafkaOffset) + 1 : (fromVersion ?? 0), rows };
}

async function commitActions(dir: string, version: number): Promise<DeltaAction[]> {
  return parseCommit(await readFile(path.join(dir, commitPath(version))), commitPath(version));
}

describe('TableAppender', () => {
  test('the first commit holds protocol, metaData, one txn per input partition, adds with stats, commitInfo', async () => {
    const dir = await newTable();
    const rides = sampleRides(300, { days: 3 });
    const outcome = await appender(dir).append([
      slice('w:taxi.rides:0', undefined, rowsOf(rides.slice(0, 200), 0)),
      slice('w:taxi.rides:1', undefined, rowsOf(rides.slice(200), 1)),
    ]);
    assert.equal(outcome.version, 0);
    const actions = await commitActions(dir, 0);
    const protocol = actions.find((a) => 'protocol' in a);
    assert.deepEqual(protocol, { protocol: { minReaderVersion: 1, minWriterVersion: 2 } });
    const metaData = actions.flatMap((a) => ('metaData' in a ? [a.metaData] : []));
    assert.equal(metaData.length, 1);
    assert.deepEqual(metaData[0]?.partitionColumns, ['pickup_date']);
    assert.equal(metaData[0]?.format.provider, 'parquet');
    assert.equal(metaData[0]?.schemaString, TAXI_SCHEMA_STRING);
    const fields = (
      JSON.parse(metaData[0]?.schemaString ?? '{}') as { fields: { name: string; type: string }[] }
    ).fields;
    assert.deepEqual(Object.fromEntries(fields.map((f) => [f.name, f.type])), {
      key: 'string',
      fare_amount: 'double',
      pickup_datetime: 'timestamp',
      pickup_longitude: 'double',
      pickup_latitude: 'double',
      dropoff_longitude: 'double',
      dropoff_latitude: 'double',
      passenger_count: 'integer',
      kafka_partition: 'integer',
      kafka_offset: 'long',
      pickup_date: 'date',
    });
    const txns = actions.flatMap((a) => ('txn' in a ? [a.txn] : []));
    assert.deepEqual(
      txns.map(({ appId, version }) => [appId, version]),
      [
        ['w:taxi.rides:0', 200],
        ['w:taxi.rides:1', 100],
      ],
    );
    assert.ok(txns.every((t) => typeof t.lastUpdated === 'number'));
    const adds = actions.flatMap((a) => ('add' in a ? [a.add] : []));
    const dates = [...new Set(rides.map((r) => r.pickupDatetime.slice(0, 10)))].sort();
    assert.deepEqual(
      adds.map((a) => a.partitionValues.pickup_date).sort(),
      dates,
      'one file per pickup date',
    );
    let statRows = 0;
    for (const add of adds) {
      assert.match(
        add.path,
        /^pickup_date=\d{4}-\d{2}-\d{2}\/part-00000-[0-9a-f-]{36}\.c000\.snappy\.parquet$/,
      );
      assert.ok(add.path.startsWith(`pickup_date=${add.partitionValues.pickup_date}/`));
      assert.equal(add.dataChange, true);
      assert.ok(add.size > 0 && add.modificationTime > 0);
      const stats = JSON.parse(add.stats ?? '{}');
      statRows += stats.numRecords;
      assert.equal(stats.nullCount.fare_amount, 0);
      assert.ok(stats.minValues.fare_amount <= stats.maxValues.fare_amount);
      assert.ok(stats.minValues.pickup_datetime.startsWith(add.partitionValues.pickup_date));
      assert.ok(stats.minValues.pickup_datetime <= stats.maxValues.pickup_datetime);
      const onDisk = await readFile(path.join(dir, add.path));
      assert.equal(onDisk.byteLength, add.size);
      assert.equal(onDisk.subarray(0, 4).toString(), 'PAR1');
    }
    assert.equal(statRows, 300);
    const info = actions.flatMap((a) => ('commitInfo' in a ? [a.commitInfo] : []));
    assert.equal(info.length, 1);
    assert.equal(info[0]?.operation, 'STREAMING UPDATE');
    assert.equal(info[0]?.isBlindAppend, true);
  });

  test('delta-rs (Python deltalake) reads the table: rows, types and partition values equal the input', async () => {
    const dir = await newTable();
    const rides = sampleRides(500, { days: 4 });
    const writer = appender(dir);
    await writer.append([slice('w:taxi.rides:0', undefined, rowsOf(rides.slice(0, 250), 0))]);
    await writer.append([slice('w:taxi.rides:0', 250, rowsOf(rides.slice(250), 0, 250))]);
    const view = await readWithDeltalake(dir);
    assert.equal(view.version, 1);
    assert.equal(view.numRows, 500);
    assert.deepEqual(view.partitionColumns, ['pickup_date']);
    const types = Object.fromEntries(view.schema);
    assert.equal(types.pickup_datetime, 'timestamp[us, tz=UTC]');
    assert.equal(types.fare_amount, 'double');
    assert.equal(types.passenger_count, 'int32');
    assert.equal(types.kafka_offset, 'int64');
    assert.equal(types.pickup_date, 'date32[day]');
    const expected = rides
      .map((r, i) => [
        r.key,
        r.fareAmount,
        r.pickupDatetime.replace('.000Z', '+00:00'),
        r.passengerCount,
        r.pickupDatetime.slice(0, 10),
        0,
        i,
      ])
      .sort();
    assert.deepEqual(view.rows, expected);
  });

  test('a slice whose appId another writer advanced is fenced: its rows are not written, the others are', async () => {
    const dir = await newTable();
    const rides = sampleRides(120, { days: 2 });
    const first = appender(dir, 'first');
    const second = appender(dir, 'second');
    await first.append([slice('w:t:0', undefined, rowsOf(rides.slice(0, 40), 0))]);
    // `second` still believes partition 0 is new to the table: it was claimed meanwhile.
    const outcome = await second.append([
      slice('w:t:0', undefined, rowsOf(rides.slice(0, 40), 0)),
      slice('w:t:1', undefined, rowsOf(rides.slice(40), 1)),
    ]);
    assert.deepEqual(
      outcome.fenced.map((s) => s.appId),
      ['w:t:0'],
    );
    assert.deepEqual(
      outcome.committed.map((s) => s.appId),
      ['w:t:1'],
    );
    const view = await readWithDeltalake(dir);
    assert.equal(view.numRows, 120);
    assert.equal(new Set(view.rows.map((r) => r[0])).size, 120, 'no ride twice');
  });

  test('writers racing for the same versions each win distinct versions; the log stays one table', async () => {
    const dir = await newTable();
    const rides = sampleRides(600, { days: 2 });
    const writers = [0, 1, 2].map((w) => appender(dir, `w${w}`));
    await Promise.all(
      writers.map(async (writer, w) => {
        let from: number | undefined;
        for (let round = 0; round < 4; round++) {
          const start = w * 200 + round * 50;
          const rows = rowsOf(rides.slice(start, start + 50), w, round * 50);
          const outcome = await writer.append([slice(`race:${w}`, from, rows)]);
          assert.equal(outcome.committed.length, 1);
          from = round * 50 + 50;
        }
      }),
    );
    const log = new DeltaLog(new LocalStorage(dir));
    const snapshot = await log.update();
    assert.equal(snapshot.version, 11);
    let metaData = 0;
    for (let v = 0; v <= snapshot.version; v++) {
      metaData += (await commitActions(dir, v)).filter((a) => 'metaData' in a).length;
    }
    assert.equal(metaData, 1, 'exactly one metaData although three writers raced to create the table');
    assert.deepEqual(
      [0, 1, 2].map((w) => snapshot.txnVersion(`race:${w}`)),
      [200, 200, 200],
    );
    const view = await readWithDeltalake(dir);
    assert.equal(view.numRows, 600);
  });

  test('a table whose early commits were cleaned up after a delta-rs checkpoint is appended to from the checkpoint', async () => {
    const dir = await newTable();
    const rides = sampleRides(300, { days: 2 });
    const writer = appender(dir);
    await writer.append([slice('w:t:0', undefined, rowsOf(rides.slice(0, 100), 0))]);
    await writer.append([slice('w:t:0', 100, rowsOf(rides.slice(100, 200), 0, 100))]);
    execFileSync(deltalakePythonPath(), [
      '-c',
      `from deltalake import DeltaTable; DeltaTable(${JSON.stringify(dir)}).create_checkpoint()`,
    ]);
    for (const version of [0, 1]) await rm(path.join(dir, commitPath(version)));
    const fresh = appender(dir);
    const outcome = await fresh.append([slice('w:t:0', 200, rowsOf(rides.slice(200), 0, 200))]);
    assert.equal(outcome.version, 2, 'the txn version came from the checkpoint: the slice was not fenced');
    const view = await readWithDeltalake(dir);
    assert.equal(view.version, 2);
    assert.equal(view.numRows, 300);
  });

  test('a table whose log was cleaned up (a _last_checkpoint, no commit or checkpoint left) is refused, not re-created', async () => {
    const dir = await newTable();
    await new LocalStorage(dir).put(
      '_delta_log/_last_checkpoint',
      new TextEncoder().encode('{"version":10,"size":3}\n'),
    );
    await assert.rejects(
      appender(dir).append([slice('w:t:0', undefined, rowsOf(sampleRides(5), 0))]),
      (error) => error instanceof DeltaError && error.code === 'DELTA_VERSION_NOT_FOUND',
    );
    assert.equal(await new LocalStorage(dir).get(commitPath(0)), undefined, 'no commit 0 written');
  });
});

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TaxiRide } from '@tributary/topics';
import { type DeltaRow, openSnapshot, readAllRows, readSnapshotRows } from '../src/index.ts';
import {
  isCommit,
  pickupDate,
  referenceRows,
  type TableOperation,
  writeDeltaTable,
} from './delta-fixture.ts';
import { byKey, sampleRides } from './sample-rides.ts';

/** A row as the reader returns it from a snake_case table, back in TaxiRide form. */
function asRide(row: DeltaRow): TaxiRide {
  assert.ok(row.pickup_datetime instanceof Date && row.pickup_date instanceof Date);
  assert.equal(row.pickup_date.toISOString().slice(0, 10), row.pickup_datetime.toISOString().slice(0, 10));
  return {
    key: row.key as string,
    fareAmount: row.fare_amount as number,
    pickupDatetime: row.pickup_datetime.toISOString(),
    pickupLongitude: row.pickup_longitude as number,
    pickupLatitude: row.pickup_latitude as number,
    dropoffLongitude: row.dropoff_longitude as number,
    dropoffLatitude: row.dropoff_latitude as number,
    passengerCount: row.passenger_count as number,
  };
}

const rides = sampleRides({ rows: 900, seed: 11 });
const [first = [], second = [], third = []] = [rides.slice(0, 400), rides.slice(400, 700), rides.slice(700)];
const replacedDate = pickupDate(first[0] as TaxiRide);
/** Appends, a partition overwrite, a delete, a checkpoint, more commits: every kind of add and remove. */
const HISTORY: TableOperation[] = [
  { op: 'append', rows: first },
  { op: 'append', rows: second },
  {
    op: 'overwrite',
    date: replacedDate,
    rows: first
      .filter((ride) => pickupDate(ride) === replacedDate)
      .map((ride) => ({ ...ride, fareAmount: ride.fareAmount + 1 })),
  },
  { op: 'delete', keys: second.filter((_, index) => index % 7 === 0).map((ride) => ride.key) },
  { op: 'checkpoint' },
  { op: 'append', rows: third },
  { op: 'overwrite', rows: third.slice(0, 50) },
  { op: 'append', rows: second.slice(0, 20) },
];

describe('Delta snapshots of a table written by delta-rs', () => {
  let dir: string;
  let table: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lake-analytics-'));
    table = path.join(dir, 'rides');
    writeDeltaTable(table, HISTORY);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('every version reads back as exactly the rows of the reference history up to it', async () => {
    const commits = HISTORY.filter(isCommit);
    for (let version = 0; version < commits.length; version++) {
      const upTo = HISTORY.slice(0, HISTORY.indexOf(commits[version] as TableOperation) + 1);
      const snapshot = await openSnapshot(table, { version });
      const rows = (await readAllRows(snapshot)).map(asRide);
      assert.equal(rows.length, referenceRows(upTo).length, `row count of version ${version}`);
      assert.deepEqual(byKey(rows), byKey(referenceRows(upTo)), `rows of version ${version}`);
    }
  });

  it('the latest version starts from the checkpoint and agrees with _last_checkpoint', async () => {
    const snapshot = await openSnapshot(table);
    assert.equal(snapshot.version, HISTORY.filter(isCommit).length - 1);
    assert.equal(snapshot.checkpointVersion, 3);
    assert.equal(snapshot.lastCheckpointHint, 3);
    assert.deepEqual(snapshot.partitionColumns, ['pickup_date']);
    assert.ok(
      snapshot.files.every((file) =>
        file.path.startsWith(`pickup_date=${file.partitionValues.pickup_date}/`),
      ),
    );
    const before = await openSnapshot(table, { version: 2 });
    assert.equal(
      before.checkpointVersion,
      undefined,
      'a version older than the checkpoint replays commits from 0',
    );
  });

  it('a projection returns only the asked columns, partition columns included', async () => {
    const snapshot = await openSnapshot(table);
    const rows = await readAllRows(snapshot, { columns: ['fare_amount', 'pickup_date'] });
    assert.equal(rows.length, referenceRows(HISTORY).length);
    assert.ok(rows.every((row) => Object.keys(row).sort().join() === 'fare_amount,pickup_date'));
  });

  it('a projection naming a column the schema lacks fails naming it', async () => {
    const snapshot = await openSnapshot(table);
    await assert.rejects(
      readAllRows(snapshot, { columns: ['fare_amount', 'tip_amount'] }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'DELTA_UNKNOWN_COLUMN');
        assert.match(error.message, /tip_amount/);
        return true;
      },
    );
  });

  it('progress counts every file and row once', async () => {
    const snapshot = await openSnapshot(table);
    const seen: { filesDone: number; rowsRead: number; bytesDone: number; bytesTotal: number }[] = [];
    await readAllRows(snapshot, { onProgress: (progress) => seen.push(progress) });
    const last = seen.at(-1);
    assert.equal(last?.filesDone, snapshot.files.length);
    assert.equal(last?.rowsRead, referenceRows(HISTORY).length);
    assert.equal(last?.bytesDone, last?.bytesTotal);
    assert.ok(
      seen.every((progress, index) => index === 0 || progress.rowsRead >= (seen[index - 1]?.rowsRead ?? 0)),
    );
  });
});

describe('snapshot isolation while a writer commits', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lake-analytics-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('a read that started on a version returns that version even when appends, an overwrite and a checkpoint land mid-read', async () => {
    const table = path.join(dir, 'isolation');
    const start: TableOperation[] = [
      { op: 'append', rows: first },
      { op: 'append', rows: second },
    ];
    writeDeltaTable(table, start);
    const snapshot = await openSnapshot(table);
    assert.ok(snapshot.files.length > 2, 'the read must span several files for the writer to land mid-read');
    const read: DeltaRow[] = [];
    let batches = 0;
    for await (const batch of readSnapshotRows(snapshot)) {
      read.push(...batch);
      if (++batches === 1) {
        const newVersion = writeDeltaTable(table, [
          { op: 'append', rows: third },
          { op: 'overwrite', rows: third.slice(0, 10) },
          { op: 'checkpoint' },
        ]);
        assert.equal(newVersion, snapshot.version + 2, 'the writer committed while the read was going on');
      }
    }
    assert.deepEqual(byKey(read.map(asRide)), byKey(referenceRows(start)));
    const latest = await openSnapshot(table);
    assert.deepEqual(byKey((await readAllRows(latest)).map(asRide)), byKey(third.slice(0, 10)));
  });

  it('a snapshot whose files were vacuumed away fails naming the file, never returning a partial table silently', async () => {
    const table = path.join(dir, 'vacuumed');
    writeDeltaTable(table, [{ op: 'append', rows: first }]);
    const snapshot = await openSnapshot(table);
    writeDeltaTable(table, [{ op: 'overwrite', rows: second }, { op: 'vacuum' }]);
    await assert.rejects(readAllRows(snapshot), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'DELTA_DATA_FILE_UNREADABLE');
      assert.match(error.message, /vacuumed/);
      return true;
    });
    assert.deepEqual(byKey((await readAllRows(await openSnapshot(table))).map(asRide)), byKey(second));
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deltalakePythonPath } from '@tributary/local-stack';
import { openSnapshot, readAllRows } from '../src/index.ts';
import { referenceRows, type TableOperation, writeDeltaTable } from './delta-fixture.ts';
import { sampleRides } from './sample-rides.ts';

const log = (table: string, file: string) => path.join(table, '_delta_log', file);
const commitFile = (version: number) => `${String(version).padStart(20, '0')}.json`;

function rejectsWith(code: string, pattern: RegExp) {
  return (error: Error & { code?: string }) => {
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

const rides = sampleRides({ rows: 300, seed: 5 });
const HISTORY: TableOperation[] = [
  { op: 'append', rows: rides.slice(0, 100) },
  { op: 'append', rows: rides.slice(100, 200) },
  { op: 'append', rows: rides.slice(200) },
];

describe('reading a damaged or unsupported Delta log fails clearly', () => {
  let dir: string;
  let pristine: string;
  /** A fresh copy of the three-commit table, to damage. */
  async function copyOfTable(name: string): Promise<string> {
    const table = path.join(dir, name);
    execFileSync('cp', ['-r', pristine, table]);
    return table;
  }
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lake-analytics-log-'));
    pristine = path.join(dir, 'pristine');
    writeDeltaTable(pristine, HISTORY);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('a folder without _delta_log is not a table', async () => {
    await mkdir(path.join(dir, 'empty'));
    await assert.rejects(
      openSnapshot(path.join(dir, 'empty')),
      rejectsWith('DELTA_NOT_A_TABLE', /_delta_log/),
    );
  });

  it('a version after the latest is not found, naming the latest', async () => {
    await assert.rejects(
      openSnapshot(pristine, { version: 3 }),
      rejectsWith('DELTA_VERSION_NOT_FOUND', /latest is 2/),
    );
  });

  it('a missing commit is a gap for the versions that need it, not for older ones', async () => {
    const table = await copyOfTable('gap');
    await unlink(log(table, commitFile(1)));
    await assert.rejects(openSnapshot(table), rejectsWith('DELTA_LOG_GAP', /commit 1 is missing/));
    assert.equal((await readAllRows(await openSnapshot(table, { version: 0 }))).length, 100);
  });

  it('a torn commit line is named by file and line', async () => {
    const table = await copyOfTable('torn');
    const file = log(table, commitFile(2));
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.slice(0, text.length - 40));
    await assert.rejects(
      openSnapshot(table),
      rejectsWith('DELTA_CORRUPT_LOG', /00000000000000000002\.json:\d+: not JSON/),
    );
  });

  it('after log clean-up the checkpoint carries the table; versions before it are gone', async () => {
    const table = await copyOfTable('cleaned');
    writeDeltaTable(table, [{ op: 'checkpoint' }]);
    for (const version of [0, 1]) await unlink(log(table, commitFile(version)));
    const snapshot = await openSnapshot(table);
    assert.equal(snapshot.checkpointVersion, 2);
    assert.equal((await readAllRows(snapshot)).length, referenceRows(HISTORY).length);
    await assert.rejects(
      openSnapshot(table, { version: 1 }),
      rejectsWith('DELTA_VERSION_NOT_FOUND', /commit 0 was cleaned up/),
    );
  });

  it('a torn _last_checkpoint is only a hint: the listing decides', async () => {
    const table = await copyOfTable('torn-hint');
    writeDeltaTable(table, [{ op: 'checkpoint' }]);
    await writeFile(log(table, '_last_checkpoint'), '{"version":');
    const snapshot = await openSnapshot(table);
    assert.equal(snapshot.lastCheckpointHint, undefined);
    assert.equal(snapshot.checkpointVersion, 2);
    assert.equal((await readAllRows(snapshot)).length, referenceRows(HISTORY).length);
  });

  it('a multi-part checkpoint counts only when every part is there', async () => {
    const table = await copyOfTable('multi-part');
    writeDeltaTable(table, [{ op: 'checkpoint' }]);
    const single = log(table, '00000000000000000002.checkpoint.parquet');
    await rename(single, log(table, '00000000000000000002.checkpoint.0000000001.0000000001.parquet'));
    const extra = rides.slice(0, 5).map((ride) => ({ ...ride, key: `${ride.key}-extra` }));
    writeDeltaTable(table, [{ op: 'append', rows: extra }]);
    // Part 1 of 2 of a checkpoint at version 3: a writer died half-way, readers must not use it.
    await copyFile(
      log(table, '00000000000000000002.checkpoint.0000000001.0000000001.parquet'),
      log(table, '00000000000000000003.checkpoint.0000000001.0000000002.parquet'),
    );
    const snapshot = await openSnapshot(table);
    assert.equal(snapshot.version, 3);
    assert.equal(snapshot.checkpointVersion, 2);
    assert.equal((await readAllRows(snapshot)).length, referenceRows(HISTORY).length + extra.length);
  });

  it('a table with deletion vectors is refused, naming the feature', async () => {
    const table = path.join(dir, 'deletion-vectors');
    execFileSync(deltalakePythonPath(), [
      '-c',
      `import pyarrow as pa; from deltalake import write_deltalake; write_deltalake(${JSON.stringify(table)}, pa.table({"a": [1, 2]}), configuration={"delta.enableDeletionVectors": "true"})`,
    ]);
    await assert.rejects(openSnapshot(table), rejectsWith('DELTA_UNSUPPORTED_FEATURE', /"deletionVectors"/));
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSnapshot } from '../src/index.ts';
import { deltaRs, rowsOf } from './delta-rs.ts';

const log = (table: string, file: string) => path.join(table, '_delta_log', file);
const commitFile = (version: number) => `${String(version).padStart(20, '0')}.json`;

function rejectsWith(code: string, pattern: RegExp) {
  return (error: Error & { code?: string }) => {
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('reading a damaged or unsupported Delta log fails clearly', () => {
  let dir: string;
  let pristine: string;
  /** A fresh copy of the three-commit table (100 rows each), to damage. */
  async function copyOfTable(name: string): Promise<string> {
    const table = path.join(dir, name);
    execFileSync('cp', ['-r', pristine, table]);
    return table;
  }
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'delta-log-'));
    pristine = path.join(dir, 'pristine');
    deltaRs(pristine, 'append(0, 100)\nappend(100, 100)\nappend(200, 100)');
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
    assert.equal(rowsOf(await openSnapshot(table, { version: 0 })), 100);
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
    deltaRs(table, 'DeltaTable(table).create_checkpoint()');
    for (const version of [0, 1]) await unlink(log(table, commitFile(version)));
    const snapshot = await openSnapshot(table);
    assert.equal(snapshot.checkpointVersion, 2);
    assert.equal(rowsOf(snapshot), 300);
    await assert.rejects(
      openSnapshot(table, { version: 1 }),
      rejectsWith('DELTA_VERSION_NOT_FOUND', /commit 0 was cleaned up/),
    );
  });

  it('a _last_checkpoint without any commit or checkpoint left is a lost log, not an absent table', async () => {
    const table = await copyOfTable('lost-log');
    deltaRs(table, 'DeltaTable(table).create_checkpoint()');
    for (const version of [0, 1, 2]) await unlink(log(table, commitFile(version)));
    await unlink(log(table, '00000000000000000002.checkpoint.parquet'));
    await assert.rejects(openSnapshot(table), rejectsWith('DELTA_VERSION_NOT_FOUND', /log was cleaned up/));
  });

  it('a torn _last_checkpoint is only a hint: the listing decides', async () => {
    const table = await copyOfTable('torn-hint');
    deltaRs(table, 'DeltaTable(table).create_checkpoint()');
    await writeFile(log(table, '_last_checkpoint'), '{"version":');
    const snapshot = await openSnapshot(table);
    assert.equal(snapshot.lastCheckpointHint, undefined);
    assert.equal(snapshot.checkpointVersion, 2);
    assert.equal(rowsOf(snapshot), 300);
  });

  it('a multi-part checkpoint counts only when every part is there', async () => {
    const table = await copyOfTable('multi-part');
    deltaRs(table, 'DeltaTable(table).create_checkpoint()');
    const single = log(table, '00000000000000000002.checkpoint.parquet');
    await rename(single, log(table, '00000000000000000002.checkpoint.0000000001.0000000001.parquet'));
    deltaRs(table, 'append(300, 5)');
    // Part 1 of 2 of a checkpoint at version 3: a writer died half-way, readers must not use it.
    await copyFile(
      log(table, '00000000000000000002.checkpoint.0000000001.0000000001.parquet'),
      log(table, '00000000000000000003.checkpoint.0000000001.0000000002.parquet'),
    );
    const snapshot = await openSnapshot(table);
    assert.equal(snapshot.version, 3);
    assert.equal(snapshot.checkpointVersion, 2);
    assert.equal(rowsOf(snapshot), 305);
  });

  it('a table with deletion vectors is refused, naming the feature', async () => {
    const table = path.join(dir, 'deletion-vectors');
    deltaRs(
      table,
      'write_deltalake(table, pa.table({"a": [1, 2]}), configuration={"delta.enableDeletionVectors": "true"})',
    );
    await assert.rejects(openSnapshot(table), rejectsWith('DELTA_UNSUPPORTED_FEATURE', /"deletionVectors"/));
  });
});

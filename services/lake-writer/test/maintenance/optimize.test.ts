import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm, utimes } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { commitPath, parseCommit } from '@tributary/delta';
import type { TaxiRide } from '@tributary/topics';
import { DeltaLog } from '../../src/delta/delta-log.ts';
import { toRideRow } from '../../src/delta/taxi-table.ts';
import { LakeWriterError } from '../../src/errors.ts';
import { optimize } from '../../src/maintenance/optimize.ts';
import { vacuum } from '../../src/maintenance/vacuum.ts';
import { LocalStorage } from '../../src/storage/local-storage.ts';
import { TableAppender, writeDataFile } from '../../src/writer/table-appender.ts';
import { readWithDeltalake, sampleRides, tempTableDir } from '../support.ts';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const OPTIONS = { smallFileBytes: 1024 * 1024, minFiles: 2, maxRowsPerFile: 100_000 };

/** Commits `rides` in commits of `perCommit` rows through one appender (appId `app`). */
async function appendInCommits(dir: string, app: string, rides: readonly TaxiRide[], perCommit: number) {
  const appender = new TableAppender(new DeltaLog(new LocalStorage(dir)), {
    maxRowsPerFile: 100_000,
    writerId: app,
  });
  for (let start = 0; start < rides.length; start += perCommit) {
    const rows = rides.slice(start, start + perCommit).map((ride, i) => {
      const converted = toRideRow(ride, 0, String(start + i));
      assert.ok('row' in converted);
      return converted.row;
    });
    const outcome = await appender.append([
      { appId: app, fromVersion: start === 0 ? undefined : start, toVersion: start + rows.length, rows },
    ]);
    assert.equal(outcome.committed.length, 1);
  }
}

async function newTable(): Promise<string> {
  const dir = await tempTableDir();
  dirs.push(dir);
  return dir;
}

describe('optimize', () => {
  test('compacts small files per pickup date into one commit of removes and adds (dataChange=false); delta-rs sees the same rows in fewer files', async () => {
    const dir = await newTable();
    const rides = sampleRides(3000, { seed: 3, days: 3 });
    await appendInCommits(dir, 'app:0', rides, 150);
    const before = await readWithDeltalake(dir);
    const log = new DeltaLog(new LocalStorage(dir));
    const report = await optimize(log, OPTIONS);
    assert.equal(report.readVersion, 19);
    assert.equal(report.version, 20);
    assert.equal(report.filesRemoved, before.files);
    assert.equal(report.filesAdded, 3, 'one file per pickup date');
    assert.equal(report.rowsRewritten, 3000);
    const actions = parseCommit(await readFile(path.join(dir, commitPath(20))), commitPath(20));
    const removes = actions.flatMap((a) => ('remove' in a ? [a.remove] : []));
    const adds = actions.flatMap((a) => ('add' in a ? [a.add] : []));
    assert.ok(
      removes.every((r) => r.dataChange === false && r.extendedFileMetadata && r.size && r.partitionValues),
    );
    assert.ok(adds.every((a) => a.dataChange === false && a.stats));
    assert.ok(!actions.some((a) => 'txn' in a), 'optimize records no progress of any app');
    const afterView = await readWithDeltalake(dir);
    assert.equal(afterView.files, 3);
    assert.deepEqual(afterView.rows, before.rows, 'the same rows, value for value');
    const again = await optimize(log, OPTIONS);
    assert.equal(again.version, undefined, 'nothing left to compact');
  });

  test('runs while a writer keeps committing: no conflict, every version reads consistently, no row lost or doubled', async () => {
    const dir = await newTable();
    const rides = sampleRides(4000, { seed: 5, days: 2 });
    await appendInCommits(dir, 'app:0', rides.slice(0, 2000), 100);
    const [report] = await Promise.all([
      optimize(new DeltaLog(new LocalStorage(dir)), OPTIONS),
      appendInCommits(dir, 'app:1', rides.slice(2000), 100),
    ]);
    assert.ok(report.version !== undefined);
    const latest = await readWithDeltalake(dir);
    assert.equal(latest.numRows, 4000);
    assert.equal(new Set(latest.rows.map((r) => r[0])).size, 4000);
    // Readers at the optimize's version and the one before see the same rows.
    const atOptimize = await readWithDeltalake(dir, report.version);
    const beforeOptimize = await readWithDeltalake(dir, report.version - 1);
    assert.deepEqual(atOptimize.rows, beforeOptimize.rows);
    assert.ok(atOptimize.files < beforeOptimize.files);
  });

  test('two optimizes of the same files: the first to commit wins, the other fails with COMMIT_CONFLICT and changes nothing', async () => {
    const dir = await newTable();
    await appendInCommits(dir, 'app:0', sampleRides(600, { seed: 9, days: 1 }), 100);
    // The second optimize reads the table, rewrites the files, and only then lets the first one
    // run to its commit: its own commit then finds its inputs removed.
    let first: Awaited<ReturnType<typeof optimize>> | undefined;
    const second = optimize(new DeltaLog(new LocalStorage(dir)), {
      ...OPTIONS,
      progress: async () => {
        first = await optimize(new DeltaLog(new LocalStorage(dir)), OPTIONS);
      },
    });
    await assert.rejects(
      second,
      (error) => error instanceof LakeWriterError && error.code === 'COMMIT_CONFLICT',
    );
    assert.equal(first?.version, 6);
    const view = await readWithDeltalake(dir);
    assert.equal(view.numRows, 600);
    assert.equal(view.files, 1);
  });

  test('vacuum deletes orphans and optimized-away files past the retention, never a live file', async () => {
    const dir = await newTable();
    const rides = sampleRides(400, { seed: 13, days: 1 });
    await appendInCommits(dir, 'app:0', rides, 100);
    const log = new DeltaLog(new LocalStorage(dir));
    await optimize(log, OPTIONS);
    // A killed writer's file: written, never committed.
    const orphanRow = toRideRow(rides[0] as TaxiRide, 0, '0');
    assert.ok('row' in orphanRow);
    const orphan = await writeDataFile(log, orphanRow.row.pickupDate, [orphanRow.row], true);
    const young = await vacuum(log, { retentionMs: 3_600_000, dryRun: false });
    assert.deepEqual(young.deleted, [], 'within the retention nothing goes');
    const old = new Date(Date.now() - 2 * 3_600_000);
    await utimes(path.join(dir, orphan.path), old, old);
    const dry = await vacuum(log, { retentionMs: 3_600_000, dryRun: true });
    assert.deepEqual(dry.deleted, [orphan.path]);
    const all = await vacuum(log, { retentionMs: 0, dryRun: false });
    assert.equal(all.deleted.length, 5, 'the orphan and the four optimized-away files');
    const view = await readWithDeltalake(dir);
    assert.equal(view.numRows, 400);
  });

  test('the maintenance CLI prints a JSON report', async () => {
    const dir = await newTable();
    await appendInCommits(dir, 'app:0', sampleRides(300, { seed: 17, days: 1 }), 100);
    const cli = path.join(import.meta.dirname, '../../src/maintenance-cli.ts');
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      cli,
      'optimize',
      '--table',
      dir,
    ]);
    const report = JSON.parse(stdout);
    assert.equal(report.command, 'optimize');
    assert.equal(report.filesRemoved, 3);
    assert.equal(report.filesAdded, 1);
  });
});

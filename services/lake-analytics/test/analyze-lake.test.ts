import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TaxiRide } from '@tributary/topics';
import { analyzeLake, type LakeReport, reportLake } from '../src/index.ts';
import { pickupDate, referenceRows, type TableOperation, writeDeltaTable } from './delta-fixture.ts';
import { assertReportMatches } from './reference-report.ts';
import { sampleRides } from './sample-rides.ts';

// Three stretches of pickups: several months, weekdays and years, a few dozen date partitions.
const spring = sampleRides({ rows: 700, seed: 1, from: Date.UTC(2013, 2, 1) });
const summer = sampleRides({ rows: 700, seed: 2, from: Date.UTC(2014, 6, 10) });
const winter = sampleRides({ rows: 700, seed: 3, from: Date.UTC(2014, 11, 25) });
const someDate = pickupDate(summer[0] as TaxiRide);
const HISTORY: TableOperation[] = [
  { op: 'append', rows: spring },
  { op: 'append', rows: summer },
  {
    op: 'overwrite',
    date: someDate,
    rows: summer.filter((ride) => pickupDate(ride) === someDate).slice(0, 5),
  },
  { op: 'checkpoint' },
  { op: 'append', rows: winter },
  { op: 'delete', keys: winter.filter((ride) => ride.fareAmount < 0).map((ride) => ride.key) },
];

describe('the taxi report over a Delta table written by delta-rs', () => {
  let dir: string;
  let snakeTable: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lake-analytics-report-'));
    snakeTable = path.join(dir, 'rides');
    writeDeltaTable(snakeTable, HISTORY);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('every analysis equals the plain reference over the same rows, dirty rows filtered and counted by reason', async () => {
    const report = await analyzeLake(snakeTable);
    const rides = referenceRows(HISTORY);
    assertReportMatches(report, rides);
    assert.equal(report.table.version, 4);
    assert.equal(report.table.checkpointVersion, 2);
    // The sample has rows of every kind the lake keeps: the counts must not be vacuous.
    for (const reason of [
      'zero-coordinates',
      'outside-nyc',
      'non-positive-fare',
      'absurd-fare',
      'no-passengers',
    ] as const)
      assert.ok(report.rows.filteredByReason[reason] > 0, `${reason} rows in the sample`);
    assert.ok((report.fareDistribution.buckets.at(-1)?.rides ?? 0) > 0, 'the long-tail bucket has rides');
    assert.ok(
      report.farePerYear.length === 3 && report.ridesPerMonth.filter((month) => month.rides > 0).length >= 4,
    );
  });

  it('an older version reports on that version only (time travel)', async () => {
    const report = await analyzeLake(snakeTable, { version: 1 });
    assertReportMatches(report, referenceRows(HISTORY.slice(0, 2)));
  });

  it('a table with TaxiRide (camelCase) column names gives the same analyses', async () => {
    const camelTable = path.join(dir, 'camel');
    writeDeltaTable(camelTable, HISTORY, 'camel');
    const report = await analyzeLake(camelTable);
    assert.equal(report.table.columns.fareAmount, 'fareAmount');
    assertReportMatches(report, referenceRows(HISTORY));
  });

  it('reportLake writes report.json and one SVG chart per analysis', async () => {
    const outDir = path.join(dir, 'out');
    const written = await reportLake(snakeTable, outDir);
    const { timing: _timing, ...fromFile } = JSON.parse(
      await readFile(written.reportFile, 'utf8'),
    ) as LakeReport;
    const { timing: _written, ...returned } = written.report;
    assert.deepEqual(fromFile, JSON.parse(JSON.stringify(returned)));
    assert.deepEqual(
      written.chartFiles.map((file) => path.basename(file)),
      [
        'rides-per-month.svg',
        'rides-per-weekday.svg',
        'rides-per-hour.svg',
        'fare-per-hour.svg',
        'fare-per-year.svg',
        'fare-distribution.svg',
        'filtered-rows.svg',
      ],
    );
    for (const file of written.chartFiles) {
      const svg = await readFile(file, 'utf8');
      assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.match(svg, /<path|<rect/);
    }
    assert.match(await readFile(path.join(outDir, 'fare-distribution.svg'), 'utf8'), /≥ \$50/);
    assert.match(await readFile(path.join(outDir, 'rides-per-weekday.svg'), 'utf8'), />Mon</);
  });

  describe('the lake-analytics command', () => {
    const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8' });

    it('reports on a version, prints a JSON summary and shows progress on stderr', async () => {
      const outDir = path.join(dir, 'cli-out');
      const { stdout, stderr } = await run([
        'report',
        '--table',
        snakeTable,
        '--version',
        '3',
        '--out',
        outDir,
      ]);
      const summary = JSON.parse(stdout) as { version: number; rows: { read: number }; chartFiles: string[] };
      assert.equal(summary.version, 3);
      assert.equal(summary.rows.read, referenceRows(HISTORY.slice(0, 5)).length);
      assert.equal(summary.chartFiles.length, 7);
      assert.match(stderr, /\[lake-analytics\] \d+\/\d+ files, .* rows/);
    });

    it('a bad flag exits 78 naming it; a path that is no table exits 1 naming the error', async () => {
      await assert.rejects(
        run(['report', '--table', snakeTable, '--version', 'latest']),
        (error: { code: number; stderr: string }) => {
          assert.equal(error.code, 78);
          assert.match(error.stderr, /--version: expected an integer/);
          return true;
        },
      );
      await assert.rejects(
        run(['report', '--table', dir, '--quiet']),
        (error: { code: number; stderr: string }) => {
          assert.equal(error.code, 1);
          assert.match(error.stderr, /DELTA_NOT_A_TABLE/);
          return true;
        },
      );
    });
  });
});

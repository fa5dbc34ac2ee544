/**
 * `pnpm bench lake-analytics`: the lake-analytics reader and report on a taxi Delta table written by
 * delta-rs (the same independent writer as the tests): snapshot (log replay) time, raw read rows/s
 * (every column), report rows/s (the analyses' columns), chart rendering time and peak memory, with
 * and without a checkpoint. One JSON document on stdout; progress on stderr.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  analyzeLake,
  openSnapshot,
  readSnapshotRows,
  renderSvg,
  taxiCharts,
} from '@tributary/lake-analytics';
import { type TableOperation, writeDeltaTable } from '../services/lake-analytics/test/delta-fixture.ts';
import { sampleRides } from '../services/lake-analytics/test/sample-rides.ts';

const USAGE = `pnpm bench lake-analytics [--rows N] [--commits C] [--days D]
  --rows N      rides in the table (default 300000)
  --commits C   appends they arrive in, like a streaming writer's commits (default 20)
  --days D      pickup days, one partition each (default 30): files = about C × D`;

const { values } = parseArgs({
  options: {
    rows: { type: 'string' },
    commits: { type: 'string' },
    days: { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const positive = (name: string, raw: string | undefined, fallback: number): number => {
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name}: expected a positive integer, got ${raw}\n${USAGE}`);
  return value;
};
const rows = positive('rows', values.rows, 300_000);
const commits = positive('commits', values.commits, 20);
const days = positive('days', values.days, 30);

const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const seconds = (since: number) => (performance.now() - since) / 1000;
const round = (value: number, digits = 3) => Number(value.toFixed(digits));
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-lake-analytics-'));
const table = path.join(dir, 'rides');
try {
  progress(`generating ${rows} rides over ${days} days and writing them with delta-rs in ${commits} appends`);
  const rides = sampleRides({ rows, seed: 1, from: Date.UTC(2014, 5, 1), days });
  const size = Math.ceil(rides.length / commits);
  const appends: TableOperation[] = Array.from({ length: commits }, (_, index) => ({
    op: 'append',
    rows: rides.slice(index * size, (index + 1) * size),
  }));
  const startedAt = performance.now();
  writeDeltaTable(table, appends);
  const writeSeconds = seconds(startedAt);

  const measure = async (label: string) => {
    progress(`${label}: snapshot, raw read, report`);
    let start = performance.now();
    const snapshot = await openSnapshot(table);
    const snapshotSeconds = seconds(start);
    start = performance.now();
    let read = 0;
    for await (const batch of readSnapshotRows(snapshot)) read += batch.length;
    const readSeconds = seconds(start);
    const report = await analyzeLake(table);
    start = performance.now();
    for (const chart of taxiCharts(report, 'bench')) await renderSvg(chart.spec);
    const chartsSeconds = seconds(start);
    return {
      version: snapshot.version,
      checkpointVersion: snapshot.checkpointVersion ?? null,
      files: snapshot.files.length,
      megabytes: round(snapshot.files.reduce((sum, file) => sum + file.size, 0) / 1024 / 1024, 1),
      rows: read,
      snapshotSeconds: round(snapshotSeconds),
      readAllColumns: { seconds: round(readSeconds), rowsPerSecond: Math.round(read / readSeconds) },
      report: { seconds: round(report.timing.seconds), rowsPerSecond: report.timing.rowsPerSecond },
      chartsSeconds: round(chartsSeconds),
    };
  };
  const rssBeforeReads = process.memoryUsage().rss;
  peakRss = rssBeforeReads;
  // The first pass only warms up the JIT and the page cache: its figures are not reported.
  await measure('warm-up');
  const withoutCheckpoint = await measure('log replay from commit 0');
  writeDeltaTable(table, [{ op: 'checkpoint' }]);
  const withCheckpoint = await measure('from the checkpoint');
  clearInterval(sampler);
  process.stdout.write(
    `${JSON.stringify(
      {
        bench: 'lake-analytics',
        at: new Date().toISOString(),
        node: process.version,
        cpus: os.cpus().length,
        loadAverage: os.loadavg().map((load) => round(load, 2)),
        input: { rows: rides.length, commits, days, deltaRsWriteSeconds: round(writeSeconds) },
        withoutCheckpoint,
        withCheckpoint,
        // The generated rides are still in memory before the reads: the reader's share is the difference.
        memoryMiB: {
          rssBeforeReads: Math.round(rssBeforeReads / 1024 / 1024),
          peakRssDuringReads: Math.round(peakRss / 1024 / 1024),
        },
      },
      null,
      2,
    )}\n`,
  );
} finally {
  clearInterval(sampler);
  await rm(dir, { recursive: true, force: true });
}

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeltaError, openSnapshot } from '@tributary/lake-analytics';
import { registerScrapeTarget, type StackState } from '@tributary/local-stack';
import { lakeReport } from './lake-report.ts';
import { runScript } from './run-script.ts';
import { ServiceProcess } from './service-process.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const script = (relative: string) => path.join(repoRoot, relative);

export interface TaxiPipelineOptions {
  /** Where the replay checkpoint and the report go. */
  readonly workDir: string;
  /** Rows per second of the replay. */
  readonly rate: number;
  /** Zones with at least this many rides are listed. */
  readonly threshold: number;
}

interface ZoneRow {
  readonly zone: string;
  readonly zoneName: string;
  readonly borough: string;
  readonly rides: number;
  readonly avgFare: number;
}

export interface TaxiPipelineSummary {
  readonly replayed: { produced: number; deadLettered: number; finished: boolean; totalProduced: number };
  readonly zoneHours: number;
  readonly ridesCounted: number;
  readonly topZones: readonly ZoneRow[];
  readonly reportJson: string;
  readonly reportSvg: string;
  readonly seconds: number;
  readonly metrics: string;
  /** The summary of the reference analyses over the Delta table lake-writer wrote. */
  readonly lakeLines: readonly string[];
}

/** Rows and files of the latest version of a Delta table (stats.numRecords); none before its first commit. */
async function deltaTableSize(table: string): Promise<{ rows: number; files: number }> {
  try {
    const snapshot = await openSnapshot(table);
    const rows = snapshot.files.reduce(
      (sum, file) => sum + ((JSON.parse(file.stats ?? '{}') as { numRecords?: number }).numRecords ?? 0),
      0,
    );
    return { rows, files: snapshot.files.length };
  } catch (error) {
    if (error instanceof DeltaError && error.code === 'DELTA_NOT_A_TABLE') return { rows: 0, files: 0 };
    throw error;
  }
}

function progress(message: string): void {
  process.stderr.write(`[demo] taxi rides: ${message}\n`);
}

/**
 * taxi-replayer (the bundled sample) → taxi.rides → zone-aggregator (zones from PostgreSQL) →
 * taxi.zone-hourly → zone-report. The replay checkpoint lives in the work dir: a second demo run
 * finds the sample replayed already and sends nothing twice.
 */
export async function runTaxiPipeline(
  stack: StackState,
  options: TaxiPipelineOptions,
): Promise<TaxiPipelineSummary> {
  const started = performance.now();
  const kafkaEnv = { TRIBUTARY_KAFKA_BROKERS: stack.kafka.brokers.join(',') };
  const aggregator = new ServiceProcess('zone-aggregator', script('services/zone-aggregator/src/index.ts'), {
    ...kafkaEnv,
    ZONE_AGGREGATOR_POSTGRES_URL: stack.postgres.url,
  });
  let unregister: (() => Promise<void>) | undefined;
  const lakePath = path.join(options.workDir, 'lake', 'taxi_rides');
  const lakeWriter = new ServiceProcess('lake-writer', script('services/lake-writer/src/main.ts'), {
    ...kafkaEnv,
    LAKE_WRITER_TABLE_URI: lakePath,
    LAKE_WRITER_GROUP_ID: 'demo-lake-writer',
    LAKE_WRITER_FLUSH_INTERVAL: '2s',
  });
  try {
    const { httpPort } = await aggregator.running();
    unregister = await registerScrapeTarget('zone-aggregator', `127.0.0.1:${httpPort}`, {
      service: 'zone-aggregator',
    });
    await aggregator.waitForLog((line) => line.msg === 'aggregating');
    progress('zone-aggregator running; replaying the bundled sample');
    const replayed = JSON.parse(
      await runScript(
        script('services/taxi-replayer/src/index.ts'),
        [
          '--rate',
          String(options.rate),
          '--checkpoint',
          path.join(options.workDir, 'sample.checkpoint.json'),
          '--progress-interval',
          '1000',
        ],
        kafkaEnv,
        { quiet: true },
      ),
    ) as TaxiPipelineSummary['replayed'];
    const reportJson = path.join(options.workDir, 'zones.json');
    const reportSvg = path.join(options.workDir, 'zones.svg');
    progress(`replayed ${replayed.totalProduced} rides; waiting for the zone-hourly counts to catch up`);
    const deadline = Date.now() + 180_000;
    let report: { keys: number; totalRides: number; zones: ZoneRow[] };
    for (;;) {
      report = JSON.parse(
        await runScript(
          script('services/zone-aggregator/src/report.ts'),
          ['--threshold', String(options.threshold), '--json', reportJson, '--svg', reportSvg],
          kafkaEnv,
          { quiet: true },
        ),
      ) as typeof report;
      if (report.totalRides >= replayed.totalProduced) break;
      if (Date.now() > deadline)
        throw new Error(`zone-hourly holds ${report.totalRides} rides, expected ${replayed.totalProduced}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    progress('waiting for lake-writer to commit every ride to the Delta table');
    const lakeDeadline = Date.now() + 120_000;
    for (;;) {
      const size = await deltaTableSize(lakePath);
      if (size.rows >= replayed.totalProduced) break;
      const exited = await Promise.race([
        lakeWriter.exited,
        new Promise((resolve) => setTimeout(resolve, 1000, undefined)),
      ]);
      if (exited !== undefined)
        throw new Error(
          `lake-writer exited (${JSON.stringify(exited)}) with ${size.rows} rows in ${lakePath}`,
        );
      if (Date.now() > lakeDeadline)
        throw new Error(
          `lake-writer had ${size.rows} of ${replayed.totalProduced} rows in ${lakePath} after 120 s`,
        );
    }
    progress('analysing the lake');
    const lake = await lakeReport(lakePath, path.join(options.workDir, 'lake-report'));
    return {
      replayed,
      zoneHours: report.keys,
      ridesCounted: report.totalRides,
      topZones: report.zones.slice(0, 5),
      reportJson,
      reportSvg,
      seconds: (performance.now() - started) / 1000,
      metrics: `http://127.0.0.1:${httpPort}/metrics`,
      lakeLines: lake.lines,
    };
  } finally {
    await lakeWriter.stop();
    await aggregator.stop();
    await unregister?.();
  }
}

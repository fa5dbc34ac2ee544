import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeltaError, openSnapshot } from '@tributary/lake-analytics';
import type { StackState } from '@tributary/local-stack';
import { countPoints, sumField } from './influx-count.ts';
import { lakeReport } from './lake-report.ts';
import { runScript } from './run-script.ts';
import { scrapedWhileRunning } from './scraped-service.ts';
import { ServiceProcess } from './service-process.ts';
import { servingTableSize } from './serving-table.ts';
import { waitWhileRunning } from './wait-while-running.ts';

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
  /** Rides in InfluxDB's taxi_zone_hourly once influx-sink caught up (the latest count of each zone-hour). */
  readonly ridesInInflux: number;
  /**
   * Where zone-hourly is served: the PostgreSQL serving table, what influx-sink wrote (an InfluxDB
   * query URL) and the Grafana dashboard.
   */
  readonly servingLines: readonly string[];
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

/** zone-aggregator's serve stage: taxi.zone-hourly in PostgreSQL for BI tools. */
const SERVING_TABLE = 'taxi_zone_hourly';

/**
 * taxi-replayer (the bundled sample) → taxi.rides → zone-aggregator (zones from PostgreSQL) →
 * taxi.zone-hourly → zone-report and zone-aggregator's PostgreSQL serving table, taxi.zone-hourly →
 * influx-sink → InfluxDB (the Grafana Taxi dashboard's measurement), and taxi.rides → lake-writer →
 * Delta table → lake-analytics. The replay checkpoint lives in the work dir: a second demo run finds the
 * sample replayed already and sends nothing twice.
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
  const sink = new ServiceProcess('influx-sink', script('services/influx-sink/src/index.ts'), {
    ...kafkaEnv,
    INFLUX_URL: stack.influx.url,
    INFLUX_ORG: '-',
    INFLUX_BUCKET: stack.influx.database,
    INFLUX_SINK_TOPICS: 'taxi.zone-hourly',
    INFLUX_SINK_GROUP_ID: 'influx-sink-taxi',
  });
  const lakePath = path.join(options.workDir, 'lake', 'taxi_rides');
  const lakeWriter = new ServiceProcess('lake-writer', script('services/lake-writer/src/main.ts'), {
    ...kafkaEnv,
    LAKE_WRITER_TABLE_URI: lakePath,
    LAKE_WRITER_GROUP_ID: 'demo-lake-writer',
    LAKE_WRITER_FLUSH_INTERVAL: '2s',
  });
  const targets: { release(): Promise<void> }[] = [];
  try {
    const address = async (service: ServiceProcess) => {
      const running = `127.0.0.1:${(await service.running()).httpPort}`;
      targets.push(await scrapedWhileRunning(stack, service.name, running));
      return running;
    };
    const aggregatorAddress = await address(aggregator);
    const sinkAddress = await address(sink);
    await address(lakeWriter);
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
    const report = await waitWhileRunning(
      aggregator,
      async () => {
        const zones = JSON.parse(
          await runScript(
            script('services/zone-aggregator/src/report.ts'),
            ['--threshold', String(options.threshold), '--json', reportJson, '--svg', reportSvg],
            kafkaEnv,
            { quiet: true },
          ),
        ) as { keys: number; totalRides: number; zones: ZoneRow[] };
        return {
          done: zones.totalRides >= replayed.totalProduced,
          value: zones,
          state: `${zones.totalRides} of ${replayed.totalProduced} rides on taxi.zone-hourly`,
        };
      },
      180_000,
    );
    const rides = report.totalRides;
    progress(`waiting for the serving table in PostgreSQL to hold the ${rides} counted rides`);
    const served = await waitWhileRunning(aggregator, async () => {
      const size = await servingTableSize(stack.postgres.url, SERVING_TABLE);
      return {
        done: size.rides >= rides,
        value: size,
        state: `${size.rides} of ${rides} rides in ${SERVING_TABLE}`,
      };
    });
    progress(`waiting for influx-sink to write the ${rides} counted rides to InfluxDB`);
    const ridesInInflux = await waitWhileRunning(sink, async () => {
      const inInflux = await sumField(stack.influx, 'taxi_zone_hourly', 'rides');
      return { done: inInflux >= rides, value: inInflux, state: `${inInflux} of ${rides} rides in InfluxDB` };
    });
    const zoneHourPoints = await countPoints(stack.influx, 'taxi_zone_hourly', 'rides', 0);
    const boroughQuery = 'SELECT sum("rides") FROM "taxi_zone_hourly" GROUP BY "borough"';
    progress('waiting for lake-writer to commit every ride to the Delta table');
    await waitWhileRunning(lakeWriter, async () => {
      const { rows } = await deltaTableSize(lakePath);
      const done = rows >= replayed.totalProduced;
      return { done, value: rows, state: `${rows} of ${replayed.totalProduced} rows in ${lakePath}` };
    });
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
      metrics: `http://${aggregatorAddress}/metrics`,
      lakeLines: lake.lines,
      ridesInInflux,
      servingLines: [
        `   PostgreSQL     ${served.rides} rides in ${served.rows} rows of ${SERVING_TABLE} (serving table for BI tools; ${stack.postgres.url})`,
        `   influx-sink    ${ridesInInflux} rides in ${zoneHourPoints} zone-hour points of taxi_zone_hourly (metrics were at http://${sinkAddress}/metrics)`,
        `   InfluxDB       ${stack.influx.url}/query?db=${encodeURIComponent(stack.influx.database)}&q=${encodeURIComponent(boroughQuery)}`,
        "   Grafana        dashboard JSON: deploy/grafana/dashboards/taxi.json (default range 2009-01-01 – 2015-07-01 UTC, the rides' event time)",
      ],
    };
  } finally {
    await Promise.all(targets.map((target) => target.release()));
    await sink.stop();
    await lakeWriter.stop();
    await aggregator.stop();
  }
}

import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@tributary/config';
import { ServiceProcess } from '@tributary/demo';
import { createKafka, kafkaSettings } from '@tributary/kafka';
import type { StackState } from '@tributary/local-stack';
import { NYC_ZONES, readRideCsv, ZoneIndex } from '@tributary/taxi';
import { replay } from '@tributary/taxi-replayer';
import { committedByPartition, endOffsets, testKafka, waitFor } from '@tributary/testing';
import type { ZoneHourly } from '@tributary/topics';
import { pino } from 'pino';

export const SCRIPT = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

export interface Totals {
  rides: number;
  pricedRides: number;
  fareCents: number;
}

/** The plain computation the service must match: every valid ride of the file, by seeded zone and hour. */
export async function referenceCounts(file: string): Promise<{ counts: Map<string, Totals>; rides: number }> {
  const zones = new ZoneIndex(NYC_ZONES);
  const counts = new Map<string, Totals>();
  let rides = 0;
  for await (const row of readRideCsv(file)) {
    if (!row.result.ok) continue;
    rides++;
    const ride = row.result.ride;
    const pickup = Date.parse(ride.pickupDatetime);
    const hour = new Date(Math.floor(pickup / 3_600_000) * 3_600_000).toISOString();
    const key = `${zones.locate(ride.pickupLongitude, ride.pickupLatitude).id}|${hour}`;
    const totals = counts.get(key) ?? { rides: 0, pricedRides: 0, fareCents: 0 };
    const cents = Math.round(ride.fareAmount * 100);
    totals.rides++;
    if (cents > 0) {
      totals.pricedRides++;
      totals.fareCents += cents;
    }
    counts.set(key, totals);
  }
  return { counts, rides };
}

export function asTotals(latest: ReadonlyMap<string, ZoneHourly>): Map<string, Totals> {
  return new Map(
    [...latest].map(([key, value]) => [
      key,
      { rides: value.rides, pricedRides: value.pricedRides, fareCents: Math.round(value.fareSum * 100) },
    ]),
  );
}

/** Replays a CSV into a topic with the replayer's own code (at most `rate` rows/s; undefined: max). */
export async function replayFile(stack: StackState, file: string, topic: string, rate?: number) {
  const settings = loadConfig(
    { kafka: kafkaSettings },
    { TRIBUTARY_KAFKA_BROKERS: stack.kafka.brokers.join(',') },
  );
  const logger = pino({ level: 'warn' });
  return replay(
    {
      file,
      topic,
      pace: rate === undefined ? { kind: 'max' } : { kind: 'rate', rowsPerSecond: rate },
      checkpoint: `/tmp/zone-aggregator-test-${randomUUID()}.json`,
      restart: true,
      maxRows: undefined,
      progressIntervalMs: 60_000,
    },
    { kafka: createKafka(settings.kafka, logger), logger },
  );
}

export interface AggregatorRun {
  readonly appId: string;
  readonly input: string;
  readonly output: string;
  readonly zoneTable: string;
}

export function startAggregator(
  stack: StackState,
  run: AggregatorRun,
  extra: Record<string, string> = {},
): ServiceProcess {
  return new ServiceProcess(
    'zone-aggregator',
    SCRIPT,
    {
      TRIBUTARY_KAFKA_BROKERS: stack.kafka.brokers.join(','),
      TRIBUTARY_LOG_LEVEL: 'info',
      ZONE_AGGREGATOR_APP_ID: run.appId,
      ZONE_AGGREGATOR_INPUT_TOPIC: run.input,
      ZONE_AGGREGATOR_OUTPUT_TOPIC: run.output,
      ZONE_AGGREGATOR_POSTGRES_URL: stack.postgres.url,
      ZONE_AGGREGATOR_ZONE_TABLE: run.zoneTable,
      ZONE_AGGREGATOR_SESSION_TIMEOUT: '6s',
      ZONE_AGGREGATOR_TRANSACTION_TIMEOUT: '20s',
      // Off unless a test names its own table: the default one is the demo's.
      ZONE_AGGREGATOR_SERVING_TABLE: 'off',
      ...extra,
    },
    { echoStderr: true },
  );
}

/** The consumer groups of the three stages. */
export const stageGroups = (run: AggregatorRun) => ({
  route: `${run.appId}.route`,
  aggregate: `${run.appId}.aggregate`,
  serve: `${run.appId}.serve`,
});

/**
 * Waits until stage 1 has committed every input record and stage 2 everything stage 1 wrote: the
 * output is then complete. Every stage 1 transaction ends the repartition partitions it wrote with a
 * commit marker, past which stage 2 never commits: caught up there is end − 1.
 */
export async function waitCaughtUp(
  stack: StackState,
  run: AggregatorRun,
  total: number,
  timeoutMs = 240_000,
) {
  const kafka = await testKafka(stack.kafka.brokers);
  const admin = kafka.admin();
  await admin.connect();
  const groups = stageGroups(run);
  const behind = async (group: string, topic: string, markers: bigint) => {
    const [ends, committed] = await Promise.all([
      endOffsets(admin, topic),
      committedByPartition(admin, group, topic),
    ]);
    return [...ends].some(([partition, end]) => end > 0n && (committed.get(partition) ?? 0n) + markers < end);
  };
  try {
    const ends = await endOffsets(admin, run.input);
    const end = [...ends.values()].reduce((sum, high) => sum + high, 0n);
    if (end < BigInt(total)) throw new Error(`input has ${end} records, expected ≥ ${total}`);
    await waitFor(
      `${run.appId} to process ${end} input records through both stages`,
      async () => {
        if (await behind(groups.route, run.input, 0n)) return undefined;
        return (await behind(groups.aggregate, `${run.appId}.zones-repartition`, 1n)) ? undefined : true;
      },
      timeoutMs,
      250,
    );
  } finally {
    await admin.disconnect();
  }
}

export const uniqueTable = () => `test_zones_${randomUUID().replace(/-/g, '').slice(0, 10)}`;

const REPLAYER = fileURLToPath(new URL('../../../taxi-replayer/src/index.ts', import.meta.url));

/** The replayer as a process (so it can be killed -9); resolves its exit when awaited. */
export function replayerProcess(
  stack: StackState,
  args: string[],
): { child: ChildProcess; exited: Promise<unknown> } {
  const child = spawn(process.execPath, ['--import', 'tsx', REPLAYER, ...args], {
    env: {
      ...process.env,
      TRIBUTARY_KAFKA_BROKERS: stack.kafka.brokers.join(','),
      TRIBUTARY_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { child, exited: once(child, 'exit') };
}

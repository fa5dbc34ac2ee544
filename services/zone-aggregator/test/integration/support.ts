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
import { committedTotal, testKafka, waitFor } from '@tributary/testing';
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
      ...extra,
    },
    { echoStderr: true },
  );
}

/** Waits until the group has committed every input record (the output is then complete). */
export async function waitCaughtUp(
  stack: StackState,
  run: AggregatorRun,
  total: number,
  timeoutMs = 240_000,
) {
  const kafka = await testKafka(stack.kafka.brokers);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(run.input);
    const end = ends.reduce((sum, { high }) => sum + BigInt(high), 0n);
    if (end < BigInt(total)) throw new Error(`input has ${end} records, expected ≥ ${total}`);
    await waitFor(
      `${run.appId} to commit ${end} input records`,
      async () => ((await committedTotal(kafka, run.appId, run.input)) >= end ? true : undefined),
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

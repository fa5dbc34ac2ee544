import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceProcess } from '@tributary/demo';
import { readToEnd, type TopicSpec } from '@tributary/kafka';
import { readStackState, type StackState } from '@tributary/local-stack';
import { writeRideCsv } from '@tributary/taxi';
import { endOffsets, testKafka, uniqueName, waitFor } from '@tributary/testing';
import type { ZoneHourly } from '@tributary/topics';
import type { Kafka } from 'kafkajs';
import pg from 'pg';
import { aggregatorTopics } from '../../src/public.ts';
import {
  type AggregatorRun,
  asTotals,
  referenceCounts,
  startAggregator,
  uniqueTable,
  waitCaughtUp,
} from './support.ts';

export const uniqueServingTable = () => `test_serving_${randomUUID().replace(/-/g, '').slice(0, 10)}`;

/** The serving table read back as the records it holds, keyed as on the topic (`<zone>|<hourStart ISO>`). */
export async function servingRows(client: pg.ClientBase, table: string): Promise<Map<string, ZoneHourly>> {
  const { rows } = await client.query<{
    zone_id: string;
    hour_start: Date;
    zone_name: string;
    borough: string;
    rides: number;
    priced_rides: number;
    fare_sum: string;
    avg_fare: string;
    final: boolean;
  }>(`SELECT * FROM ${table}`);
  return new Map(
    rows.map((row) => {
      const hourStart = row.hour_start.toISOString();
      const value: ZoneHourly = {
        zone: row.zone_id,
        zoneName: row.zone_name,
        borough: row.borough,
        hourStart,
        rides: row.rides,
        pricedRides: row.priced_rides,
        fareSum: Number(row.fare_sum),
        avgFare: Number(row.avg_fare),
        final: row.final,
      };
      return [`${row.zone_id}|${hourStart}`, value];
    }),
  );
}

/** The offsets table: the next offset per partition of `topic`. */
export async function servingOffsets(
  client: pg.ClientBase,
  table: string,
  topic: string,
): Promise<Map<number, bigint>> {
  const { rows } = await client
    .query<{ partition: number; next_offset: string }>(
      `SELECT partition, next_offset FROM ${table}_offsets WHERE topic = $1 ORDER BY partition`,
      [topic],
    )
    .catch(() => ({ rows: [] }));
  return new Map(rows.map((row) => [row.partition, BigInt(row.next_offset)]));
}

export const sum = (offsets: ReadonlyMap<number, bigint>) =>
  [...offsets.values()].reduce((total, offset) => total + offset, 0n);

/**
 * The latest committed value per key among the records before `upTo` (per partition), as a reader of
 * the topic sees it; a tombstone removes its key. `upTo` undefined: the whole topic.
 */
export async function latestBefore(
  kafka: Kafka,
  topic: TopicSpec<string, ZoneHourly>,
  upTo?: ReadonlyMap<number, bigint>,
): Promise<Map<string, ZoneHourly>> {
  const latest = new Map<string, ZoneHourly>();
  await readToEnd(kafka, topic.name, `serving-check-${randomUUID().slice(0, 8)}`, (message, partition) => {
    if (upTo && BigInt(message.offset) >= (upTo.get(partition) ?? 0n)) return;
    const key = topic.key.decode(message.key ?? null);
    if (message.value === null) latest.delete(key);
    else latest.set(key, topic.value.decode(message.value));
  });
  return latest;
}

/** A run of the aggregator with a serving table: its own topics, zone table and serving table. */
export interface ServingRun extends AggregatorRun {
  readonly servingTable: string;
}

const FROM = Date.UTC(2014, 2, 3);
const HOURS = 72;

/**
 * What the serving-table tests share: 12,000 generated rides over 72 hours and their plain
 * reference, a client of the stack's PostgreSQL, runs on their own topics and tables, and the
 * clean-up of all of it.
 */
export class ServingFixture {
  stack!: StackState;
  /** A folder of the fixture's own, removed at tear-down. */
  dir!: string;
  file!: string;
  reference!: Awaited<ReturnType<typeof referenceCounts>>;
  /** The stack's PostgreSQL. */
  client!: pg.Client;
  readonly #services: ServiceProcess[] = [];
  readonly #tables: string[] = [];
  readonly #topics: string[] = [];

  async setUp(): Promise<void> {
    this.stack = await readStackState();
    this.dir = await mkdtemp(join(tmpdir(), 'zone-serving-'));
    this.file = join(this.dir, 'rides.csv');
    await writeRideCsv(this.file, {
      rows: 12_000,
      seed: 5,
      from: FROM,
      to: FROM + HOURS * 3_600_000,
      dirtyFraction: 0.01,
    });
    this.reference = await referenceCounts(this.file);
    this.client = new pg.Client({ connectionString: this.stack.postgres.url });
    await this.client.connect();
  }

  async tearDown(): Promise<void> {
    await Promise.all(this.#services.map((service) => service.stop()));
    for (const table of this.#tables) await this.client.query(`DROP TABLE IF EXISTS ${table}`);
    for (const table of this.#tables) await this.client.query(`DROP FUNCTION IF EXISTS ${table}_notify()`);
    await this.client.end();
    const admin = (await testKafka(this.stack.kafka.brokers)).admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    await admin
      .deleteTopics({ topics: [...new Set(this.#topics)].filter((t) => existing.has(t)) })
      .catch(() => {});
    await admin.disconnect();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Names a run: topics, zone table and serving table, all dropped at tear-down. */
  run(name: string): ServingRun {
    const zoneTable = uniqueTable();
    const servingTable = uniqueServingTable();
    this.#tables.push(zoneTable, servingTable, `${servingTable}_offsets`);
    const input = uniqueName(`${name}-rides`);
    const r = { appId: uniqueName(`${name}-app`), input, output: uniqueName(`${name}-hourly`), zoneTable };
    this.#topics.push(input, `${input}.dlq`, r.output, `${r.output}.dlq`);
    for (const internal of ['zones-repartition', 'zone-windows-changelog', 'source-progress-changelog'])
      this.#topics.push(`${r.appId}.${internal}`, `${r.appId}.${internal}.dlq`);
    return { ...r, servingTable };
  }

  /** Starts an instance of the run's aggregator, stopped at tear-down. */
  start(r: ServingRun, extra: Record<string, string> = {}): ServiceProcess {
    const service = startAggregator(this.stack, r, {
      ZONE_AGGREGATOR_SERVING_TABLE: r.servingTable,
      ...extra,
    });
    this.#services.push(service);
    return service;
  }

  output(r: AggregatorRun): TopicSpec<string, ZoneHourly> {
    return aggregatorTopics({ appId: r.appId, inputTopic: r.input, outputTopic: r.output }).output;
  }

  /**
   * Waits until the offsets table (in `client`'s database) holds the output topic's end offsets
   * (every partition written); returns them.
   */
  async servedToEnd(r: ServingRun, client: pg.ClientBase = this.client): Promise<Map<number, bigint>> {
    const admin = (await testKafka(this.stack.kafka.brokers)).admin();
    await admin.connect();
    try {
      return await waitFor(
        'the offsets table to reach the end offsets of the output topic',
        async () => {
          const ends = new Map([...(await endOffsets(admin, r.output))].filter(([, end]) => end > 0n));
          const stored = await servingOffsets(client, r.servingTable, r.output);
          return ends.size > 0 &&
            ends.size === stored.size &&
            [...ends].every(([p, end]) => stored.get(p) === end)
            ? ends
            : undefined;
        },
        240_000,
        250,
      );
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * The end state every serving test checks: once both stages caught up with the whole input and
   * the table holds the output's end offsets, the table equals the plain reference and the latest
   * record per key on the topic. Returns the end offsets.
   */
  async assertServedAsReference(
    r: ServingRun,
    kafka: Kafka,
    client: pg.ClientBase = this.client,
  ): Promise<Map<number, bigint>> {
    await waitCaughtUp(this.stack, r, this.reference.rides);
    const ends = await this.servedToEnd(r, client);
    assert.deepEqual(await servingOffsets(client, r.servingTable, r.output), ends);
    const table = await servingRows(client, r.servingTable);
    assert.deepEqual(asTotals(table), this.reference.counts, 'the table equals the plain reference');
    assert.deepEqual(table, await latestBefore(kafka, this.output(r)));
    return ends;
  }
}

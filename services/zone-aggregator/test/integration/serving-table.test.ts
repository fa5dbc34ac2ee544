import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ServiceProcess } from '@tributary/demo';
import { BatchingProducer } from '@tributary/kafka';
import { readStackState, type StackState } from '@tributary/local-stack';
import { writeRideCsv } from '@tributary/taxi';
import { committedTotal, endOffsets, testKafka, uniqueName, waitFor } from '@tributary/testing';
import pg from 'pg';
import { aggregatorTopics } from '../../src/public.ts';
import { latestBefore, servingOffsets, servingRows, sum, uniqueServingTable } from './serving-support.ts';
import {
  type AggregatorRun,
  asTotals,
  referenceCounts,
  replayFile,
  stageGroups,
  startAggregator,
  uniqueTable,
  waitCaughtUp,
} from './support.ts';

const FROM = Date.UTC(2014, 2, 3);
const HOURS = 72;

describe('serve stage: taxi.zone-hourly into a PostgreSQL serving table, exactly once', () => {
  let stack: StackState;
  let dir: string;
  let file: string;
  let reference: Awaited<ReturnType<typeof referenceCounts>>;
  let client: pg.Client;
  const services: ServiceProcess[] = [];
  const tables: string[] = [];
  const topics: string[] = [];

  const run = (name: string): AggregatorRun & { servingTable: string } => {
    const zoneTable = uniqueTable();
    const servingTable = uniqueServingTable();
    tables.push(zoneTable, servingTable, `${servingTable}_offsets`);
    const input = uniqueName(`${name}-rides`);
    const r = { appId: uniqueName(`${name}-app`), input, output: uniqueName(`${name}-hourly`), zoneTable };
    topics.push(input, `${input}.dlq`, r.output, `${r.output}.dlq`);
    for (const internal of ['zones-repartition', 'zone-windows-changelog', 'source-progress-changelog'])
      topics.push(`${r.appId}.${internal}`, `${r.appId}.${internal}.dlq`);
    return { ...r, servingTable };
  };
  const start = (r: ReturnType<typeof run>, extra: Record<string, string> = {}) => {
    const service = startAggregator(stack, r, { ZONE_AGGREGATOR_SERVING_TABLE: r.servingTable, ...extra });
    services.push(service);
    return service;
  };
  const outputSpec = (r: AggregatorRun) =>
    aggregatorTopics({ appId: r.appId, inputTopic: r.input, outputTopic: r.output }).output;

  /** Waits until the offsets table holds the output topic's end offsets (every partition written). */
  const servedToEnd = async (r: ReturnType<typeof run>) => {
    const kafka = await testKafka(stack.kafka.brokers);
    const admin = kafka.admin();
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
  };

  before(async () => {
    stack = await readStackState();
    dir = await mkdtemp(join(tmpdir(), 'zone-serving-'));
    file = join(dir, 'rides.csv');
    await writeRideCsv(file, {
      rows: 12_000,
      seed: 5,
      from: FROM,
      to: FROM + HOURS * 3_600_000,
      dirtyFraction: 0.01,
    });
    reference = await referenceCounts(file);
    client = new pg.Client({ connectionString: stack.postgres.url });
    await client.connect();
  });

  after(async () => {
    await Promise.all(services.map((service) => service.stop()));
    for (const table of tables) await client.query(`DROP TABLE IF EXISTS ${table}`);
    for (const table of tables) await client.query(`DROP FUNCTION IF EXISTS ${table}_notify()`);
    await client.end();
    const admin = (await testKafka(stack.kafka.brokers)).admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    await admin.deleteTopics({ topics: [...new Set(topics)].filter((t) => existing.has(t)) }).catch(() => {});
    await admin.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  it('after a run the table equals the latest record per key on the topic and the plain reference; its offsets are the end offsets; a tombstone deletes the row', async () => {
    const r = run('serve');
    const service = start(r);
    await service.waitForLog((line) => line.msg === 'aggregating');
    assert.equal((await replayFile(stack, file, r.input, 4000)).produced, reference.rides);
    await waitCaughtUp(stack, r, reference.rides);
    await servedToEnd(r);

    const kafka = await testKafka(stack.kafka.brokers);
    const latest = await latestBefore(kafka, outputSpec(r));
    const table = await servingRows(client, r.servingTable);
    assert.deepEqual(table, latest, 'every row is the latest record of its key, field for field');
    assert.deepEqual(asTotals(table), reference.counts, 'the table equals the plain reference');

    // A tombstone (as an operator would send to retract a key) deletes its row.
    const [gone] = [...latest.keys()];
    assert.ok(gone);
    const producer = new BatchingProducer(kafka);
    await producer.connect();
    await producer.send(outputSpec(r), [{ key: gone, value: null }]);
    await producer.disconnect();
    await servedToEnd(r);
    const afterTombstone = await servingRows(client, r.servingTable);
    assert.equal(afterTombstone.has(gone), false, 'the tombstoned row is deleted');
    assert.deepEqual(afterTombstone, await latestBefore(kafka, outputSpec(r)));
    await service.stop();

    // A serving database replaced (tables dropped) while the group's Kafka offsets are at the end:
    // the sink's offsets decide, so a restart rebuilds the table from the earliest offset.
    assert.ok((await committedTotal(kafka, stageGroups(r).serve, r.output)) > 0n);
    await client.query(`DROP TABLE ${r.servingTable}, ${r.servingTable}_offsets`);
    const rebuilt = start(r);
    await rebuilt.waitForLog((line) => line.msg === 'aggregating');
    await servedToEnd(r);
    assert.deepEqual(await servingRows(client, r.servingTable), afterTombstone, 'rebuilt from the topic');
    await rebuilt.stop();
  });

  it('killed -9 three times mid-stream: each crash leaves the table as the topic up to its stored offsets; after a restart it equals the reference and holds the end offsets', async () => {
    const r = run('serve-kill');
    const kafka = await testKafka(stack.kafka.brokers);
    const total = BigInt(reference.rides);
    // The rides arrive live while the service is killed, and small fetches make many small batches
    // (transactions in Kafka and in PostgreSQL), so a kill lands between and inside them.
    const replaying = replayFile(stack, file, r.input, 400);
    const extra = { ZONE_AGGREGATOR_MAX_BYTES_PER_PARTITION: '8192' };
    let servedBefore = 0n;
    for (let kill = 1; kill <= 3; kill++) {
      const routed = await committedTotal(kafka, stageGroups(r).route, r.input);
      assert.ok(routed < total, `the input was all routed before kill ${kill}`);
      const quarter = (total * BigInt(kill)) / 4n;
      const target = quarter > routed ? quarter : routed + 1n;
      const service = start(r, extra);
      // Kill k once k quarters of the input are routed and this run has served something.
      await waitFor(
        `routed past ${target} and served past ${servedBefore}`,
        async () =>
          (await committedTotal(kafka, stageGroups(r).route, r.input)) >= target &&
          sum(await servingOffsets(client, r.servingTable, r.output)) > servedBefore
            ? true
            : undefined,
        120_000,
        100,
      );
      service.kill('SIGKILL');
      await service.exited;
      // Nothing writes now: the table must be exactly what the topic says up to the stored offsets.
      const stored = await servingOffsets(client, r.servingTable, r.output);
      assert.deepEqual(
        await servingRows(client, r.servingTable),
        await latestBefore(kafka, outputSpec(r), stored),
        `after kill ${kill}, rows and offsets were committed together`,
      );
      servedBefore = sum(stored);
    }
    assert.equal((await replaying).produced, reference.rides);
    const last = start(r, extra);
    await waitCaughtUp(stack, r, reference.rides);
    const ends = await servedToEnd(r);
    assert.deepEqual(await servingOffsets(client, r.servingTable, r.output), ends);
    const table = await servingRows(client, r.servingTable);
    assert.deepEqual(asTotals(table), reference.counts, 'the table equals the plain reference');
    assert.deepEqual(table, await latestBefore(kafka, outputSpec(r)));
    await last.stop();
    process.stdout.write(
      `# offsets served before each kill and at the end: ${servedBefore} … ${sum(ends)}\n`,
    );
  });
});

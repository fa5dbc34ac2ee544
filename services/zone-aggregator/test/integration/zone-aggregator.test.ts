import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ServiceProcess } from '@tributary/demo';
import { readStackState, type StackState } from '@tributary/local-stack';
import { writeRideCsv } from '@tributary/taxi';
import { committedTotal, readTopic, testKafka, uniqueName, waitFor } from '@tributary/testing';
import pg from 'pg';
import { aggregatorTopics, buildZoneReport, readZoneHourly } from '../../src/public.ts';
import {
  type AggregatorRun,
  asTotals,
  referenceCounts,
  replayerProcess,
  replayFile,
  stageGroups,
  startAggregator,
  uniqueTable,
  waitCaughtUp,
} from './support.ts';

const FROM = Date.UTC(2014, 2, 3);
const HOURS = 72;

describe('zone-aggregator against Kafka and PostgreSQL', () => {
  let stack: StackState;
  let dir: string;
  let file: string;
  let reference: Awaited<ReturnType<typeof referenceCounts>>;
  const services: ServiceProcess[] = [];
  const tables: string[] = [];
  const topics: string[] = [];

  const run = (name: string, input: string): AggregatorRun => {
    const zoneTable = uniqueTable();
    tables.push(zoneTable);
    const r = { appId: uniqueName(`${name}-app`), input, output: uniqueName(`${name}-hourly`), zoneTable };
    topics.push(input, `${input}.dlq`, r.output, `${r.output}.dlq`);
    for (const internal of ['zones-repartition', 'zone-windows-changelog', 'source-progress-changelog'])
      topics.push(`${r.appId}.${internal}`, `${r.appId}.${internal}.dlq`);
    return r;
  };
  const start = (r: AggregatorRun, extra: Record<string, string> = {}) => {
    const service = startAggregator(stack, r, extra);
    services.push(service);
    return service;
  };
  const output = async (r: AggregatorRun) =>
    readZoneHourly(
      await testKafka(stack.kafka.brokers),
      aggregatorTopics({ appId: r.appId, inputTopic: r.input, outputTopic: r.output }).output,
    );
  const lateLetters = async (r: AggregatorRun) =>
    (await readTopic(await testKafka(stack.kafka.brokers), `${r.input}.dlq`)).filter((letter) =>
      letter.headers['tributary.dlq.consumer.group']?.startsWith(`${r.appId}.`),
    );

  before(async () => {
    stack = await readStackState();
    dir = await mkdtemp(join(tmpdir(), 'zone-aggregator-'));
    file = join(dir, 'rides.csv');
    // Three days of rides, 3 % up to 5 minutes out of order: within the default 10-minute watermark delay.
    await writeRideCsv(file, {
      rows: 12_000,
      seed: 5,
      from: FROM,
      to: FROM + HOURS * 3_600_000,
      dirtyFraction: 0.01,
    });
    reference = await referenceCounts(file);
  });

  after(async () => {
    await Promise.all(services.map((service) => service.stop()));
    const client = new pg.Client({ connectionString: stack.postgres.url });
    await client.connect();
    for (const table of tables) {
      await client.query(`DROP TABLE IF EXISTS ${table}`);
      await client.query(`DROP FUNCTION IF EXISTS ${table}_notify()`);
    }
    await client.end();
    const admin = (await testKafka(stack.kafka.brokers)).admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    await admin.deleteTopics({ topics: [...new Set(topics)].filter((t) => existing.has(t)) }).catch(() => {});
    await admin.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  it('live, with out-of-order rides, and a later backfill from earliest both equal the plain reference', async () => {
    const input = uniqueName('zone-rides');
    const live = run('live', input);
    const liveService = start(live);
    await liveService.waitForLog((line) => line.msg === 'aggregating');
    const replayed = await replayFile(stack, file, input, 4000);
    assert.equal(replayed.produced, reference.rides);
    await waitCaughtUp(stack, live, reference.rides);

    const backfill = run('backfill', input);
    const backfillService = start(backfill);
    await waitCaughtUp(stack, backfill, reference.rides);

    for (const [name, r] of [
      ['live', live],
      ['backfill', backfill],
    ] as const) {
      const latest = await output(r);
      assert.deepEqual(asTotals(latest), reference.counts, `${name} output equals the reference`);
      assert.deepEqual(await lateLetters(r), [], `${name}: no ride late`);
      const finals = [...latest.values()].filter((value) => value.final);
      assert.ok(finals.length > 0, `${name}: some hours final`);
      const lastHour = FROM + (HOURS - 1) * 3_600_000;
      assert.ok(
        [...latest.values()].every((value) => !value.final || Date.parse(value.hourStart) < lastHour),
        `${name}: the last hour is still open`,
      );
      const report = buildZoneReport(latest, 'total', 0);
      assert.equal(report.totalRides, reference.rides);
      assert.equal(report.zones[0]?.zone, 'midtown-west');
    }
    await Promise.all([liveService.stop(), backfillService.stop()]);
  });

  it('killed -9 three times mid-stream, restored from its changelog: output equals the reference exactly', async () => {
    const input = uniqueName('zone-rides-kill');
    const r = run('kill', input);
    // The rides arrive live, at 400/s, while the service is killed: it cannot race through the whole
    // input before a kill, however fast it is.
    const replaying = replayFile(stack, file, input, 400);
    // Small fetches: many small transactions, so the kills land mid-stream.
    const extra = { ZONE_AGGREGATOR_MAX_BYTES_PER_PARTITION: '8192' };
    const kafka = await testKafka(stack.kafka.brokers);
    const restoredLogs: number[] = [];
    const total = BigInt(reference.rides);
    for (let kill = 1; kill <= 3; kill++) {
      // Kill k comes once k quarters of the input are committed (and the run made progress).
      const committed = await committedTotal(kafka, stageGroups(r).route, input);
      assert.ok(committed < total, `the input was all committed before kill ${kill}`);
      const quarter = (total * BigInt(kill)) / 4n;
      const target = quarter > committed ? quarter : committed + 1n;
      const service = start(r, extra);
      await waitFor(
        `commits past ${target}`,
        async () => ((await committedTotal(kafka, stageGroups(r).route, input)) >= target ? true : undefined),
        120_000,
        100,
      );
      service.kill('SIGKILL');
      await service.exited;
      const restored = service.logs.find((line) => line.msg === 'window state restored from the changelog');
      restoredLogs.push(Number(restored?.entries ?? -1));
    }
    assert.equal((await replaying).produced, reference.rides);
    const last = start(r, extra);
    await waitCaughtUp(stack, r, reference.rides);
    const restored = await last.waitForLog((line) => line.msg === 'window state restored from the changelog');
    assert.ok(Number(restored.entries) > 0, 'the last run restored window state from the changelog');
    assert.deepEqual(asTotals(await output(r)), reference.counts);
    assert.deepEqual(await lateLetters(r), []);
    await last.stop();
    process.stdout.write(
      `# changelog entries restored per run: ${[...restoredLogs, Number(restored.entries)]}\n`,
    );
  });

  /** Waits until stage 1 has committed at least `records` input records. */
  const routed = async (r: AggregatorRun, records: bigint) => {
    const kafka = await testKafka(stack.kafka.brokers);
    await waitFor(
      `${records} input records routed`,
      async () =>
        (await committedTotal(kafka, stageGroups(r).route, r.input)) >= records ? true : undefined,
      120_000,
      100,
    );
  };

  /** Whether the instance restored window state of some repartition partition (it took part in stage 2). */
  const aggregatedSome = (service: ServiceProcess) =>
    service.logs.some(
      (line) =>
        line.msg === 'window state restored from the changelog' &&
        Array.isArray(line.partitions) &&
        line.partitions.length > 0,
    );

  it('scaled from 1 to 3 instances mid-stream, rides arriving live: the output equals the plain reference exactly', async () => {
    const input = uniqueName('zone-rides-scale');
    const r = run('scale', input);
    const kafka = await testKafka(stack.kafka.brokers);
    const total = BigInt(reference.rides);
    const first = start(r);
    await first.waitForLog((line) => line.msg === 'aggregating');
    const replaying = replayFile(stack, file, input, 600);
    await routed(r, total / 4n);
    const added = [start(r), start(r)];
    await Promise.all(added.map((service) => service.waitForLog((line) => line.msg === 'aggregating')));
    assert.ok(
      (await committedTotal(kafka, stageGroups(r).route, input)) < total,
      'the new instances joined before the input was all processed',
    );
    assert.equal((await replaying).produced, reference.rides);
    await waitCaughtUp(stack, r, reference.rides);
    assert.deepEqual(asTotals(await output(r)), reference.counts, 'no partial sums: every key is complete');
    assert.deepEqual(await lateLetters(r), []);
    for (const [index, service] of [first, ...added].entries())
      assert.ok(aggregatedSome(service), `instance ${index} aggregated some repartition partition`);
    await Promise.all([first, ...added].map((service) => service.stop()));
  });

  it('one of three instances killed -9 mid-stream: the others take over its partitions and the output equals the reference', async () => {
    const input = uniqueName('zone-rides-kill-one');
    const r = run('kill-one', input);
    const kafka = await testKafka(stack.kafka.brokers);
    const total = BigInt(reference.rides);
    const extra = { ZONE_AGGREGATOR_MAX_BYTES_PER_PARTITION: '8192' };
    const instances = [start(r, extra), start(r, extra), start(r, extra)];
    await Promise.all(instances.map((service) => service.waitForLog((line) => line.msg === 'aggregating')));
    const replaying = replayFile(stack, file, input, 600);
    await routed(r, total / 3n);
    const victim = instances.find(aggregatedSome);
    assert.ok(victim, 'some instance aggregates');
    victim.kill('SIGKILL');
    await victim.exited;
    assert.ok((await committedTotal(kafka, stageGroups(r).route, input)) < total, 'killed mid-stream');
    assert.equal((await replaying).produced, reference.rides);
    await waitCaughtUp(stack, r, reference.rides);
    assert.deepEqual(asTotals(await output(r)), reference.counts);
    assert.deepEqual(await lateLetters(r), []);
    await Promise.all(instances.filter((service) => service !== victim).map((service) => service.stop()));
  });

  it('rides re-sent by a replayer killed -9 and resumed (at-least-once) are counted once', async () => {
    const input = uniqueName('zone-rides-dup');
    const r = run('dup', input);
    const checkpoint = join(dir, 'dup-checkpoint.json');
    const args = ['--file', file, '--topic', input, '--checkpoint', checkpoint];
    const first = replayerProcess(stack, [...args, '--rate', '3000']);
    await waitFor('the replay checkpoint to pass line 4000', async () => {
      const text = await readFile(checkpoint, 'utf8').catch(() => '{}');
      return Number((JSON.parse(text) as { line?: number }).line ?? 0) > 4000 ? true : undefined;
    });
    first.child.kill('SIGKILL');
    await first.exited;
    const second = replayerProcess(stack, [...args, '--rate', 'max']);
    await second.exited;
    assert.equal(second.child.exitCode, 0);
    const kafka = await testKafka(stack.kafka.brokers);
    const records = await readTopic(kafka, input);
    assert.ok(
      records.length > reference.rides,
      `the resumed replay re-sent its tail (${records.length - reference.rides} duplicates)`,
    );

    const service = start(r);
    await waitCaughtUp(stack, r, records.length);
    assert.deepEqual(asTotals(await output(r)), reference.counts);
    await service.stop();
  });

  it('a zone renamed in PostgreSQL is used by the next output without a restart', async () => {
    const input = uniqueName('zone-rides-rename');
    const r = run('rename', input);
    const service = start(r);
    await service.waitForLog((line) => line.msg === 'aggregating');
    const csv = join(dir, 'rename.csv');
    await writeRideCsv(csv, { rows: 300, seed: 8, from: FROM, to: FROM + 3_600_000, dirtyFraction: 0 });
    await replayFile(stack, csv, input);
    const key = `midtown-west|${new Date(FROM).toISOString()}`;
    await waitFor(
      'the first midtown record',
      async () => ((await output(r)).get(key) ? true : undefined),
      120_000,
      250,
    );
    assert.equal((await output(r)).get(key)?.zoneName, 'Midtown West / Times Square');

    const client = new pg.Client({ connectionString: stack.postgres.url });
    await client.connect();
    await client.query(`UPDATE ${r.zoneTable} SET name = 'Midtown West (renamed)' WHERE id = 'midtown-west'`);
    await client.end();
    await service.waitForLog(
      (line) => line.msg === 'zone table loaded',
      service.logs.findIndex((l) => l.msg === 'aggregating'),
    );
    // New rides (another seed: other keys) in the same hour; the same rides again would be duplicates.
    const more = join(dir, 'rename-more.csv');
    await writeRideCsv(more, { rows: 300, seed: 9, from: FROM, to: FROM + 3_600_000, dirtyFraction: 0 });
    await replayFile(stack, more, input);
    const renamed = await waitFor(
      'a midtown record with the new name',
      async () => {
        const value = (await output(r)).get(key);
        return value?.zoneName === 'Midtown West (renamed)' ? value : undefined;
      },
      120_000,
      250,
    );
    assert.equal(renamed.borough, 'Manhattan');
    await service.stop();
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BatchingProducer } from '@tributary/kafka';
import { committedTotal, testKafka, waitFor } from '@tributary/testing';
import { latestBefore, ServingFixture, servingOffsets, servingRows, sum } from './serving-support.ts';
import { asTotals, replayFile, stageGroups, waitCaughtUp } from './support.ts';

describe('serve stage: taxi.zone-hourly into a PostgreSQL serving table, exactly once', () => {
  const fixture = new ServingFixture();
  before(() => fixture.setUp());
  after(() => fixture.tearDown());

  it('after a run the table equals the latest record per key on the topic and the plain reference; its offsets are the end offsets; a tombstone deletes the row', async () => {
    const { stack, file, reference, client } = fixture;
    const r = fixture.run('serve');
    const service = fixture.start(r);
    await service.waitForLog((line) => line.msg === 'aggregating');
    assert.equal((await replayFile(stack, file, r.input, 4000)).produced, reference.rides);
    await waitCaughtUp(stack, r, reference.rides);
    await fixture.servedToEnd(r);

    const kafka = await testKafka(stack.kafka.brokers);
    const latest = await latestBefore(kafka, fixture.output(r));
    const table = await servingRows(client, r.servingTable);
    assert.deepEqual(table, latest, 'every row is the latest record of its key, field for field');
    assert.deepEqual(asTotals(table), reference.counts, 'the table equals the plain reference');

    // A tombstone (as an operator would send to retract a key) deletes its row.
    const [gone] = [...latest.keys()];
    assert.ok(gone);
    const producer = new BatchingProducer(kafka);
    await producer.connect();
    await producer.send(fixture.output(r), [{ key: gone, value: null }]);
    await producer.disconnect();
    await fixture.servedToEnd(r);
    const afterTombstone = await servingRows(client, r.servingTable);
    assert.equal(afterTombstone.has(gone), false, 'the tombstoned row is deleted');
    assert.deepEqual(afterTombstone, await latestBefore(kafka, fixture.output(r)));
    await service.stop();

    // A serving database replaced (tables dropped) while the group's Kafka offsets are at the end:
    // the sink's offsets decide, so a restart rebuilds the table from the earliest offset.
    assert.ok((await committedTotal(kafka, stageGroups(r).serve, r.output)) > 0n);
    await client.query(`DROP TABLE ${r.servingTable}, ${r.servingTable}_offsets`);
    const rebuilt = fixture.start(r);
    await rebuilt.waitForLog((line) => line.msg === 'aggregating');
    await fixture.servedToEnd(r);
    assert.deepEqual(await servingRows(client, r.servingTable), afterTombstone, 'rebuilt from the topic');
    await rebuilt.stop();
  });

  it('killed -9 three times mid-stream: each crash leaves the table as the topic up to its stored offsets; after a restart it equals the reference and holds the end offsets', async () => {
    const { stack, file, reference, client } = fixture;
    const r = fixture.run('serve-kill');
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
      const service = fixture.start(r, extra);
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
        await latestBefore(kafka, fixture.output(r), stored),
        `after kill ${kill}, rows and offsets were committed together`,
      );
      servedBefore = sum(stored);
    }
    assert.equal((await replaying).produced, reference.rides);
    const last = fixture.start(r, extra);
    const ends = await fixture.assertServedAsReference(r, kafka);
    await last.stop();
    process.stdout.write(
      `# offsets served before each kill and at the end: ${servedBefore} … ${sum(ends)}\n`,
    );
  });
});

import assert from 'node:assert/strict';
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type PrivatePostgres, privatePostgres } from '@tributary/local-stack';
import { committedByPartition, committedTotal, testKafka, waitFor } from '@tributary/testing';
import pg from 'pg';
import { latestBefore, ServingFixture, servingOffsets, servingRows, sum } from './serving-support.ts';
import { replayFile, stageGroups } from './support.ts';

/** How long the serving database stays down while rides keep arriving. */
const OUTAGE_MS = 20_000;

describe('serve stage: the serving database down under load, then back', () => {
  const fixture = new ServingFixture();
  // A PostgreSQL of the test's own for the zone and serving tables: the stack's is shared by other tests.
  let postgres: PrivatePostgres;
  let dataDir: string;
  before(async () => {
    await fixture.setUp();
    dataDir = join(fixture.dir, 'private-postgres');
    await mkdir(dataDir);
    // PostgreSQL runs as user postgres, which must reach its folder.
    await chmod(fixture.dir, 0o755);
    postgres = await privatePostgres(dataDir);
    await postgres.up();
  });
  after(async () => {
    await fixture.tearDown().finally(() => postgres?.down());
  });

  it('PostgreSQL stopped mid-stream for 20 s: the service stays up and pauses the serve stage; the table is never ahead of its rows nor Kafka ahead of the table; once PostgreSQL is back the table equals the reference and holds the end offsets', async (t) => {
    const { stack, file, reference } = fixture;
    const r = fixture.run('serve-outage');
    const kafka = await testKafka(stack.kafka.brokers);
    const total = BigInt(reference.rides);
    const extra = {
      ZONE_AGGREGATOR_POSTGRES_URL: postgres.url,
      // Small fetches: many small PostgreSQL transactions, so the shutdown lands inside some.
      ZONE_AGGREGATOR_MAX_BYTES_PER_PARTITION: '8192',
    };
    const service = fixture.start(r, extra);
    let exited = false;
    void service.exited.then(() => {
      exited = true;
    });
    await service.waitForLog((line) => line.msg === 'aggregating');
    const client = new pg.Client({ connectionString: postgres.url });
    // Rides arrive live (400/s, 30 s in all) through the outage.
    const replaying = replayFile(stack, file, r.input, 400);
    try {
      await client.connect();
      const servedBefore = await waitFor(
        'a fifth of the input routed and something served',
        async () => {
          const served = sum(await servingOffsets(client, r.servingTable, r.output));
          const routed = await committedTotal(kafka, stageGroups(r).route, r.input);
          return routed >= total / 5n && served > 0n ? served : undefined;
        },
        120_000,
        100,
      );
      await client.end();
      const routed = await committedTotal(kafka, stageGroups(r).route, r.input);
      assert.ok(routed < total, 'the outage starts while rides are still arriving');

      const logsBefore = service.logs.length;
      await postgres.down();
      // The serve stage's next batch fails and pauses its partition (a retriable error), not the service.
      await service.waitForLog(
        (line) =>
          line.stage === 'serve' && line.msg === 'batch not committed; pausing the partition before a retry',
        logsBefore,
      );
      await sleep(OUTAGE_MS); // the outage itself, not a condition
      assert.equal(exited, false, 'the service survived the outage');
      const admin = kafka.admin();
      await admin.connect();
      const kafkaCommitted = await committedByPartition(admin, stageGroups(r).serve, r.output).finally(() =>
        admin.disconnect(),
      );
      const pauses = service.logs
        .slice(logsBefore)
        .filter(
          (line) => line.stage === 'serve' && String(line.msg).startsWith('batch not committed'),
        ).length;

      // What the outage left, read on another port the service does not know: nothing writes to it.
      const frozen = await privatePostgres(dataDir);
      await frozen.up();
      const peek = new pg.Client({ connectionString: frozen.url });
      await peek.connect();
      const stored = await servingOffsets(peek, r.servingTable, r.output);
      const rows = await servingRows(peek, r.servingTable);
      await peek.end();
      await frozen.down();
      assert.deepEqual(
        rows,
        await latestBefore(kafka, fixture.output(r), stored),
        'the table holds exactly the topic up to its stored offsets: nothing stored that was not written',
      );
      // The sink's offsets decide; Kafka's follow them for lag monitoring and must never run ahead.
      for (const [partition, offset] of kafkaCommitted)
        assert.ok(
          offset <= (stored.get(partition) ?? 0n),
          `Kafka's committed offset of partition ${partition} (${offset}) is not ahead of the table's (${stored.get(partition)})`,
        );
      t.diagnostic(
        `served ${servedBefore} offsets before the outage, ${sum(stored)} stored when it ended (Kafka: ${sum(kafkaCommitted)}); ${pauses} pauses logged`,
      );
      await postgres.up();
    } finally {
      await replaying;
    }

    const reopened = new pg.Client({ connectionString: postgres.url });
    await reopened.connect();
    try {
      await fixture.assertServedAsReference(r, kafka, reopened);
    } finally {
      await reopened.end();
    }
    assert.equal(exited, false, 'the same process served the whole run');
    assert.equal((await service.stop()).code, 0);
  });
});

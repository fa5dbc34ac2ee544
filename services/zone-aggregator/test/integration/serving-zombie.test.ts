import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LogLine, ServiceProcess } from '@tributary/demo';
import { committedTotal, testKafka, waitFor } from '@tributary/testing';
import { ServingFixture, servingOffsets } from './serving-support.ts';
import { replayFile, stageGroups } from './support.ts';

const isServeAssignment = (line: LogLine) =>
  line.stage === 'serve' && line.msg === 'partitions assigned; positions come from the sink';

/** The serve partitions of `topic` an instance was last assigned (from index `from` of its log), if any since. */
function servePartitions(service: ServiceProcess, topic: string, from = 0): number[] | undefined {
  const line = service.logs.slice(from).findLast(isServeAssignment);
  if (!line) return undefined;
  return ((line.assignment as Record<string, number[]> | undefined)?.[topic] ?? []).toSorted();
}

const conflicts = (service: ServiceProcess) =>
  service.logs.filter((line) => (line.err as { code?: string } | undefined)?.code === 'SINK_OFFSET_CONFLICT')
    .length;

describe('serve stage: two instances on one serving table', () => {
  const fixture = new ServingFixture();
  before(() => fixture.setUp());
  after(() => fixture.tearDown());

  // What this forces: the zombie is frozen while it owns serve partitions and holds their offsets as it
  // last read them, and it is woken only after the new owner moved those offsets on, so every commit it
  // still makes from what it held must be refused. What it cannot force: that a batch of the zombie's
  // is in flight when it wakes (it may be between batches, or its other stages may find themselves
  // fenced first and stop the process), so the conflict is counted and reported, not required.
  it('a zombie (SIGSTOP past its session) woken after the new owner served its partitions writes nothing over them: the table equals the reference and holds the end offsets', async (t) => {
    const { stack, file, reference, client } = fixture;
    const r = fixture.run('serve-zombie');
    const kafka = await testKafka(stack.kafka.brokers);
    // Small fetches: many small batches, so the zombie is likely to wake with one in hand.
    const extra = { ZONE_AGGREGATOR_MAX_BYTES_PER_PARTITION: '8192' };
    const zombie = fixture.start(r, extra);
    const successor = fixture.start(r, extra);
    let zombieExited = false;
    void zombie.exited.then(() => {
      zombieExited = true;
    });
    await Promise.all([zombie, successor].map((s) => s.waitForLog((line) => line.msg === 'aggregating')));
    const replaying = replayFile(stack, file, r.input, 400);
    try {
      // Both serve partitions of the output, and the zombie has served some rows on its own.
      const owned = await waitFor(
        'the serve partitions split between the two and the zombie to have served on its own',
        async () => {
          const mine = servePartitions(zombie, r.output);
          const theirs = servePartitions(successor, r.output);
          if (!mine?.length || !theirs?.length || mine.length + theirs.length !== 3) return undefined;
          const stored = await servingOffsets(client, r.servingTable, r.output);
          return mine.every((p) => (stored.get(p) ?? 0n) > 0n) ? mine : undefined;
        },
        120_000,
        100,
      );
      const routed = await committedTotal(kafka, stageGroups(r).route, r.input);
      assert.ok(routed < BigInt(reference.rides), 'the zombie freezes while rides are still arriving');

      const frozenAt = successor.logs.length;
      zombie.kill('SIGSTOP');
      let idleInTransaction = false;
      const held = await servingOffsets(client, r.servingTable, r.output);
      try {
        // The group gives the successor every partition once the zombie's session (6 s) expires, and
        // it serves more on the zombie's partitions.
        await waitFor(
          "the successor to own every serve partition and move the zombie's offsets on",
          async () => {
            // Frozen inside a batch's transaction, the zombie holds its offset row lock until PostgreSQL
            // ends its idle session (the serving table's idle-in-transaction timeout).
            const { rows } = await client.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'idle in transaction' AND query ILIKE '%${r.servingTable}_offsets%'`,
            );
            if ((rows[0]?.n ?? 0) > 0) idleInTransaction = true;
            if (servePartitions(successor, r.output, frozenAt)?.length !== 3) return undefined;
            const stored = await servingOffsets(client, r.servingTable, r.output);
            return owned.every((p) => (stored.get(p) ?? 0n) > (held.get(p) ?? 0n)) ? true : undefined;
          },
          120_000,
          250,
        );
      } finally {
        zombie.kill('SIGCONT');
      }
      const wokeAt = zombie.logs.length;
      // The zombie learns it lost its partitions: it rejoins the serve group, or a fenced stage stops it.
      await waitFor(
        'the zombie to rejoin the serve group or exit',
        () => (zombieExited || servePartitions(zombie, r.output, wokeAt) !== undefined ? true : undefined),
        120_000,
        250,
      );
      t.diagnostic(
        `zombie owned partitions ${owned.join(',')} at offsets ${owned.map((p) => held.get(p)).join(',')}; ` +
          `offset conflicts refused: ${conflicts(zombie)} for the zombie, ${conflicts(successor)} for the successor; ` +
          `zombie frozen inside a transaction (its session ended by PostgreSQL): ${idleInTransaction}; exited: ${zombieExited}`,
      );
    } finally {
      await replaying;
    }

    await fixture.assertServedAsReference(r, kafka);
    assert.equal((await successor.stop()).code, 0);
  });
});

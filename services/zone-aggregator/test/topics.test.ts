import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregatorTopics } from '../src/topics.ts';

describe('internal topics', () => {
  const topics = aggregatorTopics({
    appId: 'zone-aggregator',
    inputTopic: 'taxi.rides',
    outputTopic: 'taxi.zone-hourly',
  });

  it('are named after the app id; changelogs compacted; stray repartition records dead-letter to the input DLQ', () => {
    assert.deepEqual(
      [topics.repartition.name, topics.windowChangelog.name, topics.sourceChangelog.name],
      [
        'zone-aggregator.zones-repartition',
        'zone-aggregator.zone-windows-changelog',
        'zone-aggregator.source-progress-changelog',
      ],
    );
    assert.equal(topics.repartition.partitions, topics.input.partitions);
    assert.equal(topics.windowChangelog.partitions, topics.repartition.partitions);
    assert.deepEqual(
      [topics.windowChangelog.cleanupPolicy, topics.sourceChangelog.cleanupPolicy],
      ['compact', 'compact'],
    );
    assert.equal(topics.repartition.deadLetterTopic, 'taxi.rides.dlq');
  });

  it('round-trip every state value kind through the codecs', () => {
    for (const value of [
      { rides: 3, pricedRides: 2, fareCents: 10450 },
      { window: 'chelsea|2014-03-03T17:00:00.000Z' },
      { sources: { '0': 1, '2': Date.UTC(2014, 2, 3) } },
    ])
      assert.deepEqual(
        topics.windowChangelog.value.decode(topics.windowChangelog.value.encode(value)),
        value,
      );
    const ride = { kind: 'ride' as const, zone: 'soho', hourStart: 0, ride: 'k', fareCents: -5 };
    assert.deepEqual(topics.repartition.value.decode(topics.repartition.value.encode(ride)), ride);
  });
});

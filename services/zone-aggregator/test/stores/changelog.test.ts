import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changelogEntry, changelogRecord } from '../../src/stores/changelog.ts';
import type { ChangelogEntry } from '../../src/stores/window-store.ts';
import { aggregatorTopics } from '../../src/topology.ts';

const entries: ChangelogEntry[] = [
  {
    kind: 'window',
    partition: 2,
    window: 'jfk-airport|2014-03-03T17:00:00.000Z',
    totals: { rides: 3, pricedRides: 2, fareCents: 10450 },
  },
  { kind: 'window', partition: 0, window: 'unknown|2014-03-03T17:00:00.000Z', totals: null },
  {
    kind: 'ride',
    partition: 1,
    ride: '2014-03-03 17:26:21.0000001',
    window: 'chelsea|2014-03-03T17:00:00.000Z',
  },
  { kind: 'ride', partition: 1, ride: '2014-03-03 17:26:21.0000002', window: null },
  { kind: 'max-event-time', partition: 1, maxEventTime: Date.UTC(2014, 2, 3, 17, 30) },
];

describe('changelog records', () => {
  it('round-trip every entry kind through the changelog topic codecs, tombstones included', () => {
    const { changelog } = aggregatorTopics({
      appId: 'zone-aggregator',
      inputTopic: 'taxi.rides',
      outputTopic: 'taxi.zone-hourly',
    });
    assert.equal(changelog.name, 'zone-aggregator-windows-changelog');
    assert.equal(changelog.cleanupPolicy, 'compact');
    for (const entry of entries) {
      const { key, value } = changelogRecord(entry);
      const bytes = value === null ? null : changelog.value.encode(value);
      const decoded = changelogEntry(
        changelog.key.decode(changelog.key.encode(key)),
        bytes === null ? null : changelog.value.decode(bytes),
      );
      assert.deepEqual(decoded, entry);
    }
  });

  it('ignores keys that are not its own', () => {
    assert.equal(changelogEntry('not-a-partition|x', null), undefined);
    assert.equal(changelogEntry('1|@max-event-time', null), undefined);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HashtagTop, HashtagWindowCount } from '@tributary/topics';
import { compareRanked } from '../src/ranking/top-n.ts';
import { type BatchChanges, changelogKey, WindowRankingStore } from '../src/ranking/window-ranking-store.ts';

const SLIDE_MS = 10_000;
const SIZE_MS = 20_000;
const T0 = Date.UTC(2025, 0, 6, 10);

function count(window: number, tag: string, value: number, options: Partial<HashtagWindowCount> = {}) {
  const start = T0 + window * SLIDE_MS;
  return {
    tag,
    count: value,
    sentiment: options.sentiment ?? 0,
    windowStart: new Date(start).toISOString(),
    windowEnd: new Date(start + SIZE_MS).toISOString(),
    final: options.final ?? false,
  } satisfies HashtagWindowCount;
}

/** The plain reference: latest count per (window, tag), sorted, cut at n. */
function referenceTops(counts: readonly HashtagWindowCount[], n: number): Map<string, HashtagTop> {
  const latest = new Map<string, Map<string, HashtagWindowCount>>();
  for (const c of counts) {
    const tags = latest.get(c.windowStart) ?? new Map<string, HashtagWindowCount>();
    tags.set(c.tag, c);
    latest.set(c.windowStart, tags);
  }
  const tops = new Map<string, HashtagTop>();
  for (const [windowStart, tags] of latest) {
    const all = [...tags.values()];
    tops.set(windowStart, {
      windowStart,
      windowEnd: (all[0] as HashtagWindowCount).windowEnd,
      top: all
        .map(({ tag, count, sentiment }) => ({ tag, count, sentiment }))
        .sort(compareRanked)
        .slice(0, n),
      final: all.every((c) => c.final),
    });
  }
  return tops;
}

/** A seeded stream of count updates over a few windows: counts grow, so ranks change as it goes. */
function updates(seed: number, length: number): HashtagWindowCount[] {
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const tags = [
    'ether',
    'bitcoin',
    'nft',
    'défi',
    'gm',
    'web3',
    'sol',
    'doge',
    'ai',
    'eth2',
    'l2',
    'zk',
    'дао',
  ];
  const current = new Map<string, number>();
  const out: HashtagWindowCount[] = [];
  for (let i = 0; i < length; i++) {
    const window = Math.floor(random() * 4);
    const tag = tags[Math.floor(random() * random() * tags.length)] as string;
    const key = `${window}|${tag}`;
    const next = (current.get(key) ?? 0) + 1 + Math.floor(random() * 3);
    current.set(key, next);
    out.push(count(window, tag, next, { sentiment: Math.round((random() * 2 - 1) * 1000) / 1000 }));
  }
  return out;
}

function applyBatches(store: WindowRankingStore, batches: HashtagWindowCount[][], partition = 0) {
  const emitted = new Map<string, HashtagTop>();
  const all: BatchChanges[] = [];
  for (const batch of batches) {
    store.begin(partition);
    for (const c of batch) store.ingest(partition, c);
    const changes = store.finish(partition);
    for (const top of changes.tops) emitted.set(top.windowStart, top);
    for (const windowStart of changes.expired) emitted.delete(windowStart);
    all.push(changes);
  }
  return { emitted, all };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

describe('WindowRankingStore', () => {
  it('emits per window the same top N as a plain reference over the latest counts, rank changes included', () => {
    const input = updates(7, 2_000);
    const store = new WindowRankingStore({ topN: 5, retentionMs: 3_600_000 });
    const { emitted } = applyBatches(store, chunks(input, 37));
    assert.deepEqual(emitted, referenceTops(input, 5));
  });

  it('replaces a count instead of adding to it, so a lowered count drops a tag down the ranking', () => {
    const store = new WindowRankingStore({ topN: 2, retentionMs: 3_600_000 });
    const { emitted } = applyBatches(store, [
      [count(0, 'a', 5), count(0, 'b', 4), count(0, 'c', 3)],
      [count(0, 'a', 1)],
    ]);
    const top = emitted.get(count(0, 'a', 0).windowStart);
    assert.deepEqual(
      top?.top.map(({ tag, count }) => [tag, count]),
      [
        ['b', 4],
        ['c', 3],
      ],
    );
  });

  it('breaks count ties by tag and emits only when the ranking changed', () => {
    const store = new WindowRankingStore({ topN: 2, retentionMs: 3_600_000 });
    const { all } = applyBatches(store, [
      [count(0, 'zeta', 2), count(0, 'alpha', 2), count(0, 'mid', 1)],
      [count(0, 'mid', 1)],
      [count(0, 'mid', 2)],
    ]);
    assert.deepEqual(
      all[0]?.tops[0]?.top.map(({ tag }) => tag),
      ['alpha', 'zeta'],
    );
    assert.equal(all[1]?.tops.length, 0, 'a repeated count changes nothing');
    assert.deepEqual(
      all[2]?.tops[0]?.top.map(({ tag }) => tag),
      ['alpha', 'mid'],
    );
    assert.equal(all[0]?.changelog.length, 3, 'every changed count goes to the changelog');
  });

  it('marks a window final once every one of its counts is final, and not final again when a new tag arrives', () => {
    const store = new WindowRankingStore({ topN: 3, retentionMs: 3_600_000 });
    const { all } = applyBatches(store, [
      [count(0, 'a', 2), count(0, 'b', 1)],
      [count(0, 'a', 2, { final: true })],
      [count(0, 'b', 1, { final: true })],
      [count(0, 'c', 1)],
    ]);
    assert.deepEqual(
      all.map((changes) => changes.tops[0]?.final),
      [false, undefined, true, false],
      'the second batch changes nothing visible: no top is emitted',
    );
  });

  it('reverts an aborted batch exactly, so its redelivery gives what one delivery gives', () => {
    const input = updates(11, 600);
    const batches = chunks(input, 50);
    const once = applyBatches(new WindowRankingStore({ topN: 4, retentionMs: 25_000 }), batches);
    const store = new WindowRankingStore({ topN: 4, retentionMs: 25_000 });
    const emitted = new Map<string, HashtagTop>();
    for (const batch of batches) {
      store.begin(0);
      for (const c of batch) store.ingest(0, c);
      store.finish(0);
      store.revert(0);
      store.begin(0);
      for (const c of batch) store.ingest(0, c);
      const changes = store.finish(0);
      for (const top of changes.tops) emitted.set(top.windowStart, top);
      for (const windowStart of changes.expired) emitted.delete(windowStart);
    }
    assert.deepEqual(emitted, once.emitted);
  });

  it('does not undo a committed batch when the next one fails before it began', () => {
    const store = new WindowRankingStore({ topN: 3, retentionMs: 3_600_000 });
    const { emitted } = applyBatches(store, [[count(0, 'a', 2), count(0, 'b', 1)]]);
    store.settle(0);
    store.revert(0);
    const { all } = applyBatches(store, [[count(0, 'c', 1)]]);
    assert.deepEqual(
      all[0]?.tops[0]?.top.map(({ tag }) => tag),
      ['a', 'b', 'c'],
    );
    assert.equal(emitted.size, 1);
  });

  it('expires windows past the retention with tombstones and refuses their late counts', () => {
    const store = new WindowRankingStore({ topN: 3, retentionMs: 15_000 });
    const { all } = applyBatches(store, [
      [count(0, 'a', 1), count(0, 'b', 1), count(1, 'a', 1)],
      [count(2, 'c', 1)],
    ]);
    const expiredStart = count(0, 'a', 1).windowStart;
    assert.deepEqual(all[1]?.expired, [expiredStart]);
    assert.deepEqual(
      all[1]?.changelog.filter(({ value }) => value === null).map(({ key }) => key),
      [changelogKey(expiredStart, 'a'), changelogKey(expiredStart, 'b')],
    );
    store.begin(0);
    assert.equal(store.ingest(0, count(0, 'a', 9)), 'expired');
    assert.deepEqual(store.finish(0).tops, []);
  });

  it('restored from its changelog, it goes on as if it had never stopped', () => {
    const input = updates(23, 1_200);
    const batches = chunks(input, 40);
    const changelog = new Map<string, HashtagWindowCount | null>();
    const first = new WindowRankingStore({ topN: 5, retentionMs: 25_000 });
    const half = batches.length / 2;
    const { all } = applyBatches(first, batches.slice(0, half));
    for (const changes of all) for (const { key, value } of changes.changelog) changelog.set(key, value);

    const restored = new WindowRankingStore({ topN: 5, retentionMs: 25_000 });
    restored.restore(
      0,
      [...changelog].map(([key, value]) => ({ key, value })),
    );
    const resumed = applyBatches(restored, batches.slice(half));
    const straight = applyBatches(new WindowRankingStore({ topN: 5, retentionMs: 25_000 }), batches);
    for (const [windowStart, top] of resumed.emitted)
      assert.deepEqual(top, straight.emitted.get(windowStart));
  });
});

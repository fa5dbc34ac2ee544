import type { HashtagTop, HashtagWindowCount } from '@tributary/topics';
import { topN } from './top-n.ts';

interface TagScore {
  readonly count: number;
  readonly sentiment: number;
  readonly final: boolean;
}

interface WindowState {
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly endMs: number;
  readonly tags: Map<string, TagScore>;
  /** Tags whose latest count is not final yet: the window's top is final when none is left. */
  notFinal: number;
  /** The last top emitted for the window (as JSON), so an unchanged ranking is not emitted again. */
  emitted: string | undefined;
}

type Undo =
  | { readonly kind: 'tag'; readonly window: WindowState; readonly tag: string; readonly previous?: TagScore }
  | { readonly kind: 'created'; readonly window: WindowState }
  | { readonly kind: 'expired'; readonly window: WindowState }
  | { readonly kind: 'emitted'; readonly window: WindowState; readonly previous: string | undefined }
  | { readonly kind: 'stream-time'; readonly previous: number };

/** One repartition partition's windows (a window's counts all land on one partition, keyed by window). */
class PartitionRanking {
  readonly windows = new Map<string, WindowState>();
  /** The newest windowEnd seen: the partition's event-time clock, which expiry is measured against. */
  streamTimeMs = Number.NEGATIVE_INFINITY;
  /** What the batch in progress changed, newest last; replayed backwards by revert. */
  readonly undo: Undo[] = [];
  /** Windows the batch in progress touched. */
  readonly touched = new Set<WindowState>();
  /** Changelog records of the batch in progress, the latest per key. */
  readonly changed = new Map<string, HashtagWindowCount>();
}

export type IngestOutcome = 'applied' | 'expired';

/** What a batch leaves to send: changelog updates and tombstones, new tops, expired windows' tombstones. */
export interface BatchChanges {
  readonly changelog: readonly { readonly key: string; readonly value: HashtagWindowCount | null }[];
  readonly tops: readonly HashtagTop[];
  /** windowStart of each window dropped by retention: its hashtags.top key gets a tombstone. */
  readonly expired: readonly string[];
}

export interface WindowRankingOptions {
  /** Tags per top. */
  readonly topN: number;
  /** A window is dropped once the partition's newest windowEnd is this much past its end. */
  readonly retentionMs: number;
}

export function changelogKey(windowStart: string, tag: string): string {
  return `${windowStart}|${tag}`;
}

/**
 * Per-window tag counts of the partitions this instance owns, and their top-N. Counts have update
 * semantics: the latest record per (window, tag) replaces the previous one. Each batch starts with
 * {@link begin} and ends with {@link finish}; {@link revert} puts back what the last committed batch
 * left when its transaction aborts.
 */
export class WindowRankingStore {
  readonly #options: WindowRankingOptions;
  readonly #partitions = new Map<number, PartitionRanking>();

  constructor(options: WindowRankingOptions) {
    this.#options = options;
  }

  get windowCount(): number {
    let count = 0;
    for (const state of this.#partitions.values()) count += state.windows.size;
    return count;
  }

  has(partition: number): boolean {
    return this.#partitions.has(partition);
  }

  /** Forgets a partition's state (revoked, or to be restored again). */
  drop(partition: number): void {
    this.#partitions.delete(partition);
  }

  /** Replaces a partition's state with what its changelog holds (the latest record per key, in order). */
  restore(partition: number, records: Iterable<{ key: string; value: HashtagWindowCount | null }>): void {
    const state = new PartitionRanking();
    this.#partitions.set(partition, state);
    for (const { key, value } of records) {
      if (value !== null) {
        const window = this.#window(state, value, false);
        setTag(window, value.tag, value);
        state.streamTimeMs = Math.max(state.streamTimeMs, window.endMs);
        continue;
      }
      const separator = key.indexOf('|');
      const window = state.windows.get(key.slice(0, separator));
      if (window === undefined) continue;
      setTag(window, key.slice(separator + 1), undefined);
      if (window.tags.size === 0) state.windows.delete(window.windowStart);
    }
  }

  /**
   * The partition's previous batch is settled (committed, or already reverted): a revert from now on
   * must not undo it, even when the next batch fails before {@link begin}.
   */
  settle(partition: number): void {
    if (this.#partitions.has(partition)) this.begin(partition);
  }

  /** Starts a batch on `partition`: the state now is what {@link revert} restores. */
  begin(partition: number): void {
    const state = this.#state(partition);
    state.undo.length = 0;
    state.touched.clear();
    state.changed.clear();
  }

  /** Applies one count; a count for a window already dropped by retention is refused, not revived. */
  ingest(partition: number, count: HashtagWindowCount): IngestOutcome {
    const state = this.#state(partition);
    const endMs = Date.parse(count.windowEnd);
    if (endMs > state.streamTimeMs) {
      state.undo.push({ kind: 'stream-time', previous: state.streamTimeMs });
      state.streamTimeMs = endMs;
    }
    if (this.#isExpired(state, endMs)) return 'expired';
    const window = this.#window(state, count, true);
    state.undo.push({ kind: 'tag', window, tag: count.tag, ...optional(window.tags.get(count.tag)) });
    setTag(window, count.tag, count);
    state.touched.add(window);
    state.changed.set(changelogKey(count.windowStart, count.tag), count);
    return 'applied';
  }

  /** Ends a batch: drops expired windows and returns what to send, tops only where the ranking changed. */
  finish(partition: number): BatchChanges {
    const state = this.#state(partition);
    const changelog: { key: string; value: HashtagWindowCount | null }[] = [...state.changed].map(
      ([key, value]) => ({ key, value }),
    );
    const expired: string[] = [];
    for (const window of state.windows.values()) {
      if (!this.#isExpired(state, window.endMs)) continue;
      state.windows.delete(window.windowStart);
      state.touched.delete(window);
      state.undo.push({ kind: 'expired', window });
      expired.push(window.windowStart);
      for (const tag of window.tags.keys()) {
        changelog.push({ key: changelogKey(window.windowStart, tag), value: null });
      }
    }
    const tops: HashtagTop[] = [];
    for (const window of state.touched) {
      const top = this.#topOf(window);
      const json = JSON.stringify(top);
      if (json === window.emitted) continue;
      state.undo.push({ kind: 'emitted', window, previous: window.emitted });
      window.emitted = json;
      tops.push(top);
    }
    return { changelog, tops, expired };
  }

  /** Undoes the batch in progress on `partition` (its transaction aborted; it will be delivered again). */
  revert(partition: number): void {
    const state = this.#partitions.get(partition);
    if (state === undefined) return;
    for (let index = state.undo.length - 1; index >= 0; index--) {
      const step = state.undo[index] as Undo;
      switch (step.kind) {
        case 'tag':
          setTag(step.window, step.tag, step.previous);
          break;
        case 'created':
          state.windows.delete(step.window.windowStart);
          break;
        case 'expired':
          state.windows.set(step.window.windowStart, step.window);
          break;
        case 'emitted':
          step.window.emitted = step.previous;
          break;
        case 'stream-time':
          state.streamTimeMs = step.previous;
          break;
      }
    }
    this.begin(partition);
  }

  #topOf(window: WindowState): HashtagTop {
    const ranked = topN(window.tags, this.#options.topN);
    return {
      windowStart: window.windowStart,
      windowEnd: window.windowEnd,
      top: ranked,
      final: window.notFinal === 0 && window.tags.size > 0,
    };
  }

  #isExpired(state: PartitionRanking, endMs: number): boolean {
    return endMs <= state.streamTimeMs - this.#options.retentionMs;
  }

  #state(partition: number): PartitionRanking {
    let state = this.#partitions.get(partition);
    if (state === undefined) {
      state = new PartitionRanking();
      this.#partitions.set(partition, state);
    }
    return state;
  }

  #window(state: PartitionRanking, count: HashtagWindowCount, journal: boolean): WindowState {
    let window = state.windows.get(count.windowStart);
    if (window === undefined) {
      window = {
        windowStart: count.windowStart,
        windowEnd: count.windowEnd,
        endMs: Date.parse(count.windowEnd),
        tags: new Map(),
        notFinal: 0,
        emitted: undefined,
      };
      state.windows.set(count.windowStart, window);
      if (journal) state.undo.push({ kind: 'created', window });
    }
    return window;
  }
}

function setTag(window: WindowState, tag: string, score: TagScore | undefined): void {
  const previous = window.tags.get(tag);
  if (previous !== undefined && !previous.final) window.notFinal--;
  if (score === undefined) {
    window.tags.delete(tag);
    return;
  }
  window.tags.set(tag, { count: score.count, sentiment: score.sentiment, final: score.final });
  if (!score.final) window.notFinal++;
}

/** `{ previous }` when there is one: exactOptionalPropertyTypes forbids an explicit undefined. */
function optional(previous: TagScore | undefined): { previous?: TagScore } {
  return previous === undefined ? {} : { previous };
}

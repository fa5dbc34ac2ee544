/** One zone-hour's running totals from one input partition. Fares in cents: sums stay exact. */
export interface WindowTotals {
  readonly rides: number;
  readonly pricedRides: number;
  readonly fareCents: number;
}

/** What the changelog holds per input partition: its open windows and the latest pickup it saw. */
export type ChangelogEntry =
  | {
      readonly kind: 'window';
      readonly partition: number;
      readonly window: string;
      readonly totals: WindowTotals | null;
    }
  | { readonly kind: 'max-event-time'; readonly partition: number; readonly maxEventTime: number };

interface PartitionState {
  readonly windows: Map<string, WindowTotals>;
  maxEventTime: number | undefined;
}

/** `<zone>|<hourStart ISO>`: the output key, and the window's name in the store. */
export function windowKey(zone: string, hourStart: number): string {
  return `${zone}|${new Date(hourStart).toISOString()}`;
}

export function parseWindowKey(key: string): { zone: string; hourStart: number } {
  const bar = key.lastIndexOf('|');
  return { zone: key.slice(0, bar), hourStart: Date.parse(key.slice(bar + 1)) };
}

/**
 * Open windows per input partition, with an undo log of the batch in flight. Batches are handled
 * one at a time (partitionsConsumedConcurrently = 1), so what is not in the undo log is committed:
 * `revert` after an aborted transaction gives back exactly the committed state, and the changes
 * of a batch are what its transaction must write to the changelog.
 */
export class WindowStore {
  readonly #partitions = new Map<number, PartitionState>();
  /** (partition, window or '' for the max event time) → value before the batch in flight. */
  #undo = new Map<
    string,
    { partition: number; window: string | undefined; before: WindowTotals | number | undefined }
  >();

  /** Starts a batch: what it changes can be reverted until the next `begin`. */
  begin(): void {
    this.#undo = new Map();
  }

  owns(partition: number): boolean {
    return this.#partitions.has(partition);
  }

  partitions(): number[] {
    return [...this.#partitions.keys()];
  }

  /** Restored or fresh state of a newly assigned partition. */
  load(partition: number, entries: readonly ChangelogEntry[]): void {
    const state: PartitionState = { windows: new Map(), maxEventTime: undefined };
    for (const entry of entries) {
      if (entry.partition !== partition) continue;
      if (entry.kind === 'max-event-time') state.maxEventTime = entry.maxEventTime;
      else if (entry.totals === null) state.windows.delete(entry.window);
      else state.windows.set(entry.window, entry.totals);
    }
    this.#partitions.set(partition, state);
  }

  drop(partition: number): void {
    this.#partitions.delete(partition);
  }

  maxEventTime(partition: number): number | undefined {
    return this.#partitions.get(partition)?.maxEventTime;
  }

  observeEventTime(partition: number, eventTime: number): void {
    const state = this.#state(partition);
    if (state.maxEventTime !== undefined && state.maxEventTime >= eventTime) return;
    this.#remember(partition, undefined, state.maxEventTime);
    state.maxEventTime = eventTime;
  }

  add(partition: number, window: string, fareCents: number): void {
    const state = this.#state(partition);
    const before = state.windows.get(window);
    this.#remember(partition, window, before);
    const priced = fareCents > 0;
    state.windows.set(window, {
      rides: (before?.rides ?? 0) + 1,
      pricedRides: (before?.pricedRides ?? 0) + (priced ? 1 : 0),
      fareCents: (before?.fareCents ?? 0) + (priced ? fareCents : 0),
    });
  }

  /** The window's totals over every owned partition. */
  total(window: string): WindowTotals {
    let rides = 0;
    let pricedRides = 0;
    let fareCents = 0;
    for (const state of this.#partitions.values()) {
      const totals = state.windows.get(window);
      if (!totals) continue;
      rides += totals.rides;
      pricedRides += totals.pricedRides;
      fareCents += totals.fareCents;
    }
    return { rides, pricedRides, fareCents };
  }

  /** Every window open in some partition. */
  openWindows(): Set<string> {
    const windows = new Set<string>();
    for (const state of this.#partitions.values())
      for (const window of state.windows.keys()) windows.add(window);
    return windows;
  }

  /** Removes a finished window from every partition. */
  purge(window: string): void {
    for (const [partition, state] of this.#partitions) {
      const before = state.windows.get(window);
      if (before === undefined) continue;
      this.#remember(partition, window, before);
      state.windows.delete(window);
    }
  }

  /** The batch's changes as changelog entries (latest values; null = window gone). */
  changes(): ChangelogEntry[] {
    const entries: ChangelogEntry[] = [];
    for (const { partition, window } of this.#undo.values()) {
      const state = this.#partitions.get(partition);
      if (!state) continue;
      if (window === undefined) {
        if (state.maxEventTime !== undefined)
          entries.push({ kind: 'max-event-time', partition, maxEventTime: state.maxEventTime });
      } else entries.push({ kind: 'window', partition, window, totals: state.windows.get(window) ?? null });
    }
    return entries;
  }

  /** Undoes the batch in flight: the state is the committed one again. */
  revert(): void {
    for (const { partition, window, before } of this.#undo.values()) {
      const state = this.#partitions.get(partition);
      if (!state) continue;
      if (window === undefined) state.maxEventTime = before as number | undefined;
      else if (before === undefined) state.windows.delete(window);
      else state.windows.set(window, before as WindowTotals);
    }
    this.#undo = new Map();
  }

  #state(partition: number): PartitionState {
    let state = this.#partitions.get(partition);
    if (!state) {
      state = { windows: new Map(), maxEventTime: undefined };
      this.#partitions.set(partition, state);
    }
    return state;
  }

  #remember(partition: number, window: string | undefined, before: WindowTotals | number | undefined): void {
    const id = `${partition}|${window ?? ''}`;
    if (!this.#undo.has(id)) this.#undo.set(id, { partition, window, before });
  }
}

/** One zone-hour's running totals from one input partition. Fares in cents: sums stay exact. */
export interface WindowTotals {
  readonly rides: number;
  readonly pricedRides: number;
  readonly fareCents: number;
}

/**
 * What the changelog holds per input partition: its open windows, the ride keys counted into them
 * (to drop a redelivered ride), and the latest pickup it saw. A null means "gone".
 */
export type ChangelogEntry =
  | {
      readonly kind: 'window';
      readonly partition: number;
      readonly window: string;
      readonly totals: WindowTotals | null;
    }
  | {
      readonly kind: 'ride';
      readonly partition: number;
      readonly ride: string;
      readonly window: string | null;
    }
  | { readonly kind: 'max-event-time'; readonly partition: number; readonly maxEventTime: number };

interface PartitionState {
  readonly windows: Map<string, WindowTotals>;
  /** ride key → its window, for the rides of open windows. */
  readonly rides: Map<string, string>;
  /** window → its ride keys, to forget them with the window. */
  readonly ridesOf: Map<string, Set<string>>;
  maxEventTime: number | undefined;
}

type Undo =
  | {
      readonly kind: 'window';
      readonly partition: number;
      readonly window: string;
      readonly before: WindowTotals | undefined;
    }
  | {
      readonly kind: 'ride';
      readonly partition: number;
      readonly ride: string;
      readonly before: string | undefined;
    }
  | { readonly kind: 'max-event-time'; readonly partition: number; readonly before: number | undefined };

/** `<zone>|<hourStart ISO>`: the output key, and the window's name in the store. */
export function windowKey(zone: string, hourStart: number): string {
  return `${zone}|${new Date(hourStart).toISOString()}`;
}

export function parseWindowKey(key: string): { zone: string; hourStart: number } {
  const bar = key.lastIndexOf('|');
  return { zone: key.slice(0, bar), hourStart: Date.parse(key.slice(bar + 1)) };
}

const emptyState = (): PartitionState => ({
  windows: new Map(),
  rides: new Map(),
  ridesOf: new Map(),
  maxEventTime: undefined,
});

/**
 * Open windows per input partition, with an undo log of the batch in flight. Batches are handled
 * one at a time (partitionsConsumedConcurrently = 1), so what is not in the undo log is committed:
 * `revert` after an aborted transaction gives back exactly the committed state, and the changes
 * of a batch are what its transaction must write to the changelog.
 */
export class WindowStore {
  readonly #partitions = new Map<number, PartitionState>();
  #undo = new Map<string, Undo>();

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

  /** Restored or fresh state of a newly assigned partition, from changelog entries in log order. */
  load(partition: number, entries: readonly ChangelogEntry[]): void {
    const state = emptyState();
    for (const entry of entries) {
      if (entry.partition !== partition) continue;
      if (entry.kind === 'max-event-time') state.maxEventTime = entry.maxEventTime;
      else if (entry.kind === 'window') {
        if (entry.totals === null) state.windows.delete(entry.window);
        else state.windows.set(entry.window, entry.totals);
      } else setRide(state, entry.ride, entry.window ?? undefined);
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
    this.#remember({ kind: 'max-event-time', partition, before: state.maxEventTime });
    state.maxEventTime = eventTime;
  }

  /** Counts a ride into its window; false (and nothing counted) when this ride key was counted already. */
  add(partition: number, window: string, ride: string, fareCents: number): boolean {
    const state = this.#state(partition);
    if (state.rides.has(ride)) return false;
    this.#remember({ kind: 'ride', partition, ride, before: undefined });
    setRide(state, ride, window);
    const before = state.windows.get(window);
    this.#remember({ kind: 'window', partition, window, before });
    const priced = fareCents > 0;
    state.windows.set(window, {
      rides: (before?.rides ?? 0) + 1,
      pricedRides: (before?.pricedRides ?? 0) + (priced ? 1 : 0),
      fareCents: (before?.fareCents ?? 0) + (priced ? fareCents : 0),
    });
    return true;
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

  /** Removes a finished window, and the ride keys counted into it, from every partition. */
  purge(window: string): void {
    for (const [partition, state] of this.#partitions) {
      const before = state.windows.get(window);
      if (before !== undefined) {
        this.#remember({ kind: 'window', partition, window, before });
        state.windows.delete(window);
      }
      for (const ride of [...(state.ridesOf.get(window) ?? [])]) {
        this.#remember({ kind: 'ride', partition, ride, before: window });
        setRide(state, ride, undefined);
      }
    }
  }

  /** The batch's changes as changelog entries (latest values; null = gone). */
  changes(): ChangelogEntry[] {
    const entries: ChangelogEntry[] = [];
    for (const undo of this.#undo.values()) {
      const state = this.#partitions.get(undo.partition);
      if (!state) continue;
      const { partition } = undo;
      if (undo.kind === 'max-event-time') {
        if (state.maxEventTime !== undefined)
          entries.push({ kind: 'max-event-time', partition, maxEventTime: state.maxEventTime });
      } else if (undo.kind === 'window')
        entries.push({
          kind: 'window',
          partition,
          window: undo.window,
          totals: state.windows.get(undo.window) ?? null,
        });
      else
        entries.push({
          kind: 'ride',
          partition,
          ride: undo.ride,
          window: state.rides.get(undo.ride) ?? null,
        });
    }
    return entries;
  }

  /** Undoes the batch in flight: the state is the committed one again. */
  revert(): void {
    for (const undo of this.#undo.values()) {
      const state = this.#partitions.get(undo.partition);
      if (!state) continue;
      if (undo.kind === 'max-event-time') state.maxEventTime = undo.before;
      else if (undo.kind === 'ride') setRide(state, undo.ride, undo.before);
      else if (undo.before === undefined) state.windows.delete(undo.window);
      else state.windows.set(undo.window, undo.before);
    }
    this.#undo = new Map();
  }

  #state(partition: number): PartitionState {
    let state = this.#partitions.get(partition);
    if (!state) {
      state = emptyState();
      this.#partitions.set(partition, state);
    }
    return state;
  }

  /** Keeps the first "before" of each thing the batch changes. */
  #remember(undo: Undo): void {
    const id =
      undo.kind === 'window'
        ? `${undo.partition}|w|${undo.window}`
        : undo.kind === 'ride'
          ? `${undo.partition}|r|${undo.ride}`
          : `${undo.partition}|m`;
    if (!this.#undo.has(id)) this.#undo.set(id, undo);
  }
}

/** Sets (or, with undefined, forgets) a ride key's window in both indexes. */
function setRide(state: PartitionState, ride: string, window: string | undefined): void {
  const previous = state.rides.get(ride);
  if (previous !== undefined) {
    const keys = state.ridesOf.get(previous);
    keys?.delete(ride);
    if (keys?.size === 0) state.ridesOf.delete(previous);
  }
  if (window === undefined) {
    state.rides.delete(ride);
    return;
  }
  state.rides.set(ride, window);
  let keys = state.ridesOf.get(window);
  if (!keys) {
    keys = new Set();
    state.ridesOf.set(window, keys);
  }
  keys.add(ride);
}

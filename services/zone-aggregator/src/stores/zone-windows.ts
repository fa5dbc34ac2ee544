import type { WindowStateValue } from '../topics.ts';

/** One zone-hour's running totals. Fares in cents: sums stay exact in any order. */
export interface WindowTotals {
  readonly rides: number;
  readonly pricedRides: number;
  readonly fareCents: number;
}

export const RIDE_PREFIX = '@ride|';
export const WATERMARKS_KEY = '@watermarks';

/** `<zone>|<hourStart ISO>`: the output key, and the window's key in the state and changelog. */
export function windowKey(zone: string, hourStart: number): string {
  return `${zone}|${new Date(hourStart).toISOString()}`;
}

export function parseWindowKey(key: string): { zone: string; hourStart: number } {
  const bar = key.lastIndexOf('|');
  return { zone: key.slice(0, bar), hourStart: Date.parse(key.slice(bar + 1)) };
}

/**
 * Stage 2's state of one repartition partition: its open zone-hours, the ride keys counted into them
 * (a redelivered ride goes to the same zone, so to this partition, and is dropped here), and the
 * latest watermark every input partition sent. The partition's watermark is the minimum over all
 * input partitions (Flink's rule for an operator with several inputs), undefined until each has sent one.
 */
export class ZoneWindows {
  readonly windows = new Map<string, WindowTotals>();
  /** ride key → its window, for the rides of open windows. */
  readonly #rides = new Map<string, string>();
  /** window → its ride keys, to forget them with the window. */
  readonly #ridesOf = new Map<string, Set<string>>();
  readonly #sources = new Map<number, number>();
  readonly #sourceCount: number;
  #watermark: number | undefined;

  constructor(sourceCount: number) {
    this.#sourceCount = sourceCount;
  }

  get watermark(): number | undefined {
    return this.#watermark;
  }

  /** Source partition → its latest watermark, as checkpointed. */
  get sources(): Record<string, number> {
    return Object.fromEntries([...this.#sources].map(([source, watermark]) => [String(source), watermark]));
  }

  /** A source's watermark arrived; true when it moved forward. */
  observeSource(source: number, watermark: number): boolean {
    if (watermark <= (this.#sources.get(source) ?? Number.NEGATIVE_INFINITY)) return false;
    this.#sources.set(source, watermark);
    return true;
  }

  /** Recomputes the watermark as the minimum over every source; true when it moved forward. */
  advance(): boolean {
    let lowest = Number.POSITIVE_INFINITY;
    for (let source = 0; source < this.#sourceCount; source++) {
      const watermark = this.#sources.get(source);
      // A source that never sent one holds everything back, so a backfill closes what a live run would.
      if (watermark === undefined) return false;
      lowest = Math.min(lowest, watermark);
    }
    if (this.#watermark !== undefined && lowest <= this.#watermark) return false;
    this.#watermark = lowest;
    return true;
  }

  /** Counts a ride into its window; false (nothing counted) when its key was counted already. */
  add(window: string, ride: string, fareCents: number): boolean {
    if (this.#rides.has(ride)) return false;
    this.#setRide(ride, window);
    const before = this.windows.get(window);
    const priced = fareCents > 0;
    this.windows.set(window, {
      rides: (before?.rides ?? 0) + 1,
      pricedRides: (before?.pricedRides ?? 0) + (priced ? 1 : 0),
      fareCents: (before?.fareCents ?? 0) + (priced ? fareCents : 0),
    });
    return true;
  }

  /** Removes a closed window; returns the ride keys forgotten with it. */
  purge(window: string): string[] {
    this.windows.delete(window);
    const rides = [...(this.#ridesOf.get(window) ?? [])];
    for (const ride of rides) this.#rides.delete(ride);
    this.#ridesOf.delete(window);
    return rides;
  }

  /** Rebuilds the state from the changelog (latest value per key; null = gone). */
  restore(entries: ReadonlyMap<string, WindowStateValue | null>): void {
    for (const [key, value] of entries) {
      if (value === null) continue;
      if ('sources' in value) {
        for (const [source, watermark] of Object.entries(value.sources))
          this.observeSource(Number(source), watermark);
      } else if ('window' in value) this.#setRide(key.slice(RIDE_PREFIX.length), value.window);
      else this.windows.set(key, value);
    }
    this.advance();
  }

  #setRide(ride: string, window: string): void {
    this.#rides.set(ride, window);
    let keys = this.#ridesOf.get(window);
    if (!keys) {
      keys = new Set();
      this.#ridesOf.set(window, keys);
    }
    keys.add(ride);
  }
}

/** Stage 2's state of every owned repartition partition. */
export class WindowStore {
  readonly #partitions = new Map<number, ZoneWindows>();
  readonly #sourceCount: number;

  /** `sourceCount`: the partitions the input topic really has (asked from the broker at start). */
  constructor(sourceCount: number) {
    this.#sourceCount = sourceCount;
  }

  owns(partition: number): boolean {
    return this.#partitions.has(partition);
  }

  /** The partition's state; only valid once restored. */
  of(partition: number): ZoneWindows {
    const state = this.#partitions.get(partition);
    if (state === undefined) throw new RangeError(`window state of partition ${partition} is not restored`);
    return state;
  }

  load(partition: number, entries: ReadonlyMap<string, WindowStateValue | null>): void {
    const state = new ZoneWindows(this.#sourceCount);
    state.restore(entries);
    this.#partitions.set(partition, state);
  }

  drop(partition: number): void {
    this.#partitions.delete(partition);
  }

  values(): IterableIterator<ZoneWindows> {
    return this.#partitions.values();
  }
}

/**
 * Stage 1's state: the latest pickup seen on each owned input partition, the base of the partition's
 * watermark. Checkpointed in the transaction of the partition's offsets, so after a restart every
 * lateness decision continues exactly where the last commit left it.
 */
export class SourceProgressStore {
  /** input partition → latest pickup (undefined: owned, no ride yet). */
  readonly #latest = new Map<number, number | undefined>();

  owns(partition: number): boolean {
    return this.#latest.has(partition);
  }

  maxEventTime(partition: number): number | undefined {
    return this.#latest.get(partition);
  }

  set(partition: number, maxEventTime: number | undefined): void {
    this.#latest.set(partition, maxEventTime);
  }

  /** The partition's state from its changelog entries (the latest one counts). */
  load(partition: number, entries: ReadonlyMap<string, { maxEventTime: number } | null>): void {
    this.#latest.set(partition, entries.get(String(partition))?.maxEventTime);
  }

  drop(partition: number): void {
    this.#latest.delete(partition);
  }
}

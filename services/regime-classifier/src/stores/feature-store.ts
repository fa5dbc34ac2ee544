import type { MachineReading } from '@tributary/sensors';
import { type FeatureConfig, featureCount, MachineFeatureState } from '../model/features.ts';

/** One input partition's machines, and what they were before the batch in progress touched them. */
interface PartitionState {
  readonly machines: Map<string, MachineFeatureState>;
  /** machine → its state at batch start (undefined: the machine was new in this batch). */
  readonly undo: Map<string, MachineFeatureState | undefined>;
}

/** Where a reading's features go, and how a late one is told apart. See {@link PartitionFeatures.update}. */
export interface FeatureSink {
  /** Writes the reading's features at `out[at…]`; false (nothing changed) for a late reading. */
  update(reading: MachineReading, out: Float64Array, at: number): boolean;
  /** The newest event time accepted for a machine, for the reason of a late reading. */
  lastTimestamp(machine: string): number | undefined;
}

/**
 * Rolling-window feature state per machine, kept per input partition (a machine's readings all land
 * on one partition, keyed by machine id). Each batch starts with {@link begin}; the first time the
 * batch touches a machine its state is copied, so {@link revert} can put back exactly what the last
 * committed batch left when a transaction aborts. State is in memory only: after a restart or a
 * rebalance the windows refill from the next readings.
 */
export class PartitionFeatureStore {
  #config: FeatureConfig | undefined;
  readonly #partitions = new Map<number, PartitionState>();

  get config(): FeatureConfig | undefined {
    return this.#config;
  }

  get featureCount(): number {
    if (this.#config === undefined) throw new Error('feature store has no feature config yet');
    return featureCount(this.#config);
  }

  /** Machines held, over all partitions. */
  get machineCount(): number {
    let count = 0;
    for (const state of this.#partitions.values()) count += state.machines.size;
    return count;
  }

  /** Drops every window and starts over with `config` (a model with other features was loaded). */
  reset(config: FeatureConfig): void {
    this.#config = config;
    this.#partitions.clear();
  }

  /** Starts a batch on `partition`: the state now is what {@link revert} restores. */
  begin(partition: number): FeatureSink {
    const config = this.#config;
    if (config === undefined) throw new Error('feature store has no feature config yet');
    let state = this.#partitions.get(partition);
    if (state === undefined) {
      state = { machines: new Map(), undo: new Map() };
      this.#partitions.set(partition, state);
    }
    state.undo.clear();
    const { machines, undo } = state;
    return {
      update(reading, out, at) {
        let machine = machines.get(reading.machine);
        if (!undo.has(reading.machine)) undo.set(reading.machine, machine?.clone());
        if (machine === undefined) {
          machine = new MachineFeatureState(config);
          machines.set(reading.machine, machine);
        }
        return machine.push(reading, out, at);
      },
      lastTimestamp: (machine) => machines.get(machine)?.lastTimestamp,
    };
  }

  /** Undoes the batch in progress on `partition` (its transaction aborted; it will be delivered again). */
  revert(partition: number): void {
    const state = this.#partitions.get(partition);
    if (state === undefined) return;
    for (const [machine, before] of state.undo) {
      if (before === undefined) state.machines.delete(machine);
      else state.machines.set(machine, before);
    }
    state.undo.clear();
  }

  /** Keeps only the partitions this member owns after a rebalance. */
  retain(partitions: readonly number[]): void {
    const owned = new Set(partitions);
    for (const partition of [...this.#partitions.keys()]) {
      if (!owned.has(partition)) this.#partitions.delete(partition);
    }
  }
}

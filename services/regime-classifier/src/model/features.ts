import type { MachineReading } from '@tributary/sensors';
import { createMatrix, type Matrix } from './matrix.ts';

/**
 * Which features describe a reading. `raw`: the temperature alone (the article's single feature).
 * `rolling`: the temperature plus the mean and the standard deviation of the machine's last `window`
 * readings (this one included), which separate regimes of equal level and different fluctuation.
 */
export interface FeatureConfig {
  readonly kind: 'raw' | 'rolling';
  /** Readings in the rolling window; used by `rolling` only, kept in the config for the record. */
  readonly window: number;
}

export const DEFAULT_WINDOW = 10;

export function featureNames(config: FeatureConfig): string[] {
  return config.kind === 'raw'
    ? ['temperature']
    : ['temperature', `rolling_mean_${config.window}`, `rolling_std_${config.window}`];
}

export function featureCount(config: FeatureConfig): number {
  return config.kind === 'raw' ? 1 : 3;
}

export function validateFeatureConfig(config: FeatureConfig): FeatureConfig {
  if (config.kind !== 'raw' && config.kind !== 'rolling')
    throw new RangeError(`unknown feature kind ${String(config.kind)}`);
  if (!(Number.isInteger(config.window) && config.window >= 1))
    throw new RangeError('window must be a positive integer');
  return config;
}

/**
 * Mean and population standard deviation of `count` values of `ring`, oldest first from `start`
 * (wrapping). Two passes, in the same order for training and serving, so both get identical bits.
 */
function windowStats(ring: Float64Array, start: number, count: number, out: Float64Array, at: number): void {
  const size = ring.length;
  let sum = 0;
  for (let i = 0; i < count; i++) sum += ring[(start + i) % size] as number;
  const mean = sum / count;
  let squares = 0;
  for (let i = 0; i < count; i++) {
    const delta = (ring[(start + i) % size] as number) - mean;
    squares += delta * delta;
  }
  out[at] = mean;
  out[at + 1] = Math.sqrt(squares / count);
}

/**
 * The feature state of one machine, fed its readings in event-time order. Until the window has filled,
 * the statistics cover the readings seen so far (a machine's first reading has std 0).
 */
export class MachineFeatureState {
  readonly #config: FeatureConfig;
  readonly #ring: Float64Array;
  #count = 0;
  #next = 0;
  #lastTimestamp = Number.NEGATIVE_INFINITY;

  constructor(config: FeatureConfig) {
    this.#config = validateFeatureConfig(config);
    this.#ring = new Float64Array(config.window);
  }

  get lastTimestamp(): number {
    return this.#lastTimestamp;
  }

  /** An independent copy: what a streaming service keeps to undo a batch whose transaction aborted. */
  clone(): MachineFeatureState {
    const copy = new MachineFeatureState(this.#config);
    copy.#ring.set(this.#ring);
    copy.#count = this.#count;
    copy.#next = this.#next;
    copy.#lastTimestamp = this.#lastTimestamp;
    return copy;
  }

  /**
   * Adds a reading and writes its features into `out` at `at`. Returns false, changing nothing, for a
   * reading older than the last one accepted: late readings would reorder the window (equal times pass).
   */
  push(reading: MachineReading, out: Float64Array, at = 0): boolean {
    if (reading.timestamp < this.#lastTimestamp) return false;
    this.#lastTimestamp = reading.timestamp;
    out[at] = reading.temperature;
    if (this.#config.kind === 'raw') return true;
    const size = this.#ring.length;
    this.#ring[this.#next] = reading.temperature;
    this.#next = (this.#next + 1) % size;
    if (this.#count < size) this.#count++;
    windowStats(this.#ring, (this.#next - this.#count + size) % size, this.#count, out, at + 1);
    return true;
  }
}

export type FeatureOutcome =
  | { readonly kind: 'features'; readonly features: Float64Array }
  | { readonly kind: 'late'; readonly lastTimestamp: number };

/** Per-machine feature states for a stream of many machines: what the streaming service holds. */
export class FeatureExtractor {
  readonly config: FeatureConfig;
  readonly #machines = new Map<string, MachineFeatureState>();

  constructor(config: FeatureConfig) {
    this.config = validateFeatureConfig(config);
  }

  get machineCount(): number {
    return this.#machines.size;
  }

  update(reading: MachineReading): FeatureOutcome {
    let state = this.#machines.get(reading.machine);
    if (state === undefined) {
      state = new MachineFeatureState(this.config);
      this.#machines.set(reading.machine, state);
    }
    const features = new Float64Array(featureCount(this.config));
    return state.push(reading, features)
      ? { kind: 'features', features }
      : { kind: 'late', lastTimestamp: state.lastTimestamp };
  }

  forget(machine: string): void {
    this.#machines.delete(machine);
  }
}

/**
 * Features of a whole data set at once (training): per machine, readings sorted by event time (stable,
 * so equal times keep file order), each window taken from the sorted values. Row i of the result
 * belongs to readings[i], whatever order the input is in.
 */
export function batchFeatures(readings: readonly MachineReading[], config: FeatureConfig): Matrix {
  validateFeatureConfig(config);
  const cols = featureCount(config);
  const out = createMatrix(readings.length, cols);
  const byMachine = new Map<string, number[]>();
  readings.forEach((reading, index) => {
    const list = byMachine.get(reading.machine);
    if (list === undefined) byMachine.set(reading.machine, [index]);
    else list.push(index);
  });
  const window = new Float64Array(config.window);
  for (const indexes of byMachine.values()) {
    indexes.sort(
      (a, b) =>
        (readings[a] as MachineReading).timestamp - (readings[b] as MachineReading).timestamp || a - b,
    );
    for (let position = 0; position < indexes.length; position++) {
      const index = indexes[position] as number;
      out.data[index * cols] = (readings[index] as MachineReading).temperature;
      if (config.kind === 'raw') continue;
      const first = Math.max(0, position - config.window + 1);
      const count = position - first + 1;
      for (let i = 0; i < count; i++) {
        window[i] = (readings[indexes[first + i] as number] as MachineReading).temperature;
      }
      windowStats(window, 0, count, out.data, index * cols + 1);
    }
  }
  return out;
}

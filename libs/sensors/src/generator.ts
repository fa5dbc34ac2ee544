import type { LabelledReading, MachineReading } from './machine-reading.ts';
import { createRandom, deriveSeed, type Random } from './random.ts';
import { type CompiledRegimes, compileRegimes, DEFAULT_REGIMES, type RegimeSpec } from './regimes.ts';

/** 2024-01-01T00:00:00Z: a fixed default, so that generated files do not change from run to run. */
export const DEFAULT_START_TIME = Date.UTC(2024, 0, 1);

export interface GeneratorOptions {
  readonly seed: number;
  /** Number of machines, named `${machinePrefix}${index}` with a zero-padded index. Default 20. */
  readonly machines?: number;
  readonly machinePrefix?: string;
  /** Event time of the first reading of every machine, epoch ms. Default {@link DEFAULT_START_TIME}. */
  readonly startTime?: number;
  /** Event-time interval between two readings of one machine, ms. Default 1000. */
  readonly intervalMs?: number;
  readonly regimes?: readonly RegimeSpec[];
  /** Stop after this many readings in all; without it the stream never ends. */
  readonly count?: number;
  /** Decimals kept in temperatures (sensors report with limited resolution). Default 2. */
  readonly decimals?: number;
}

/** One simulated machine: a Markov chain over regimes, each entered with a freshly drawn dwell time. */
class SimulatedMachine {
  readonly #regimes: CompiledRegimes;
  readonly #random: Random;
  #regime: number;
  #dwell: number;
  #step = 0;

  constructor(regimes: CompiledRegimes, random: Random) {
    this.#regimes = regimes;
    this.#random = random;
    this.#regime = random.int(0, regimes.specs.length - 1);
    this.#dwell = this.#drawDwell();
    // Start somewhere inside the first dwell, so machines are not in lock-step.
    this.#step = random.int(0, this.#dwell - 1);
  }

  /** The next temperature and the regime that produced it. */
  next(): { temperature: number; regime: number } {
    if (this.#step >= this.#dwell) this.#enter(this.#pickNext());
    const spec = this.#spec();
    const progress = this.#dwell > 1 ? this.#step / (this.#dwell - 1) : 1;
    const mean =
      spec.rampFrom === undefined ? spec.mean : spec.rampFrom + (spec.mean - spec.rampFrom) * progress;
    this.#step++;
    return { temperature: this.#random.normal(mean, spec.std), regime: this.#regime };
  }

  #spec(): RegimeSpec {
    return this.#regimes.specs[this.#regime] as RegimeSpec;
  }

  #drawDwell(): number {
    const { min, max } = this.#spec().dwell;
    return this.#random.int(min, max);
  }

  #pickNext(): number {
    const draw = this.#random.next();
    const options = this.#regimes.transitions[this.#regime] ?? [];
    for (const [target, cumulative] of options) if (draw < cumulative) return target;
    return options[options.length - 1]?.[0] ?? this.#regime; // rounding left the draw above the last sum
  }

  #enter(regime: number): void {
    this.#regime = regime;
    this.#step = 0;
    this.#dwell = this.#drawDwell();
  }
}

export function machineId(prefix: string, index: number, machines: number): string {
  return `${prefix}${String(index).padStart(String(Math.max(1, machines - 1)).length, '0')}`;
}

/**
 * Readings of `machines` simulated machines, in event-time order: at each tick every machine reports once,
 * in machine order. Each machine draws from its own generator (derived from the seed and its index), so
 * adding machines does not change the readings of the others. Same options, same stream.
 */
export function* generateReadings(options: GeneratorOptions): Generator<LabelledReading> {
  const machines = options.machines ?? 20;
  const prefix = options.machinePrefix ?? 'machine-';
  const start = options.startTime ?? DEFAULT_START_TIME;
  const interval = options.intervalMs ?? 1000;
  const scale = 10 ** (options.decimals ?? 2);
  const regimes = compileRegimes(options.regimes ?? DEFAULT_REGIMES);
  if (!(Number.isInteger(machines) && machines >= 1))
    throw new RangeError('machines must be a positive integer');
  if (!(interval > 0)) throw new RangeError('intervalMs must be positive');
  const simulated = Array.from(
    { length: machines },
    (_, index) => new SimulatedMachine(regimes, createRandom(deriveSeed(options.seed, index))),
  );
  const ids = simulated.map((_, index) => machineId(prefix, index, machines));
  const limit = options.count ?? Number.POSITIVE_INFINITY;
  let emitted = 0;
  for (let tick = 0; emitted < limit; tick++) {
    const timestamp = Math.round(start + tick * interval);
    for (let index = 0; index < machines && emitted < limit; index++) {
      const { temperature, regime } = (simulated[index] as SimulatedMachine).next();
      const reading: MachineReading = {
        machine: ids[index] as string,
        timestamp,
        temperature: Math.round(temperature * scale) / scale,
      };
      yield { reading, regime };
      emitted++;
    }
  }
}

export interface ArticleOptions {
  readonly seed: number;
  readonly count: number;
  /** Readings are spread round-robin over this many machines. Default 1. */
  readonly machines?: number;
  readonly machinePrefix?: string;
  readonly startTime?: number;
  readonly intervalMs?: number;
  readonly min?: number;
  readonly max?: number;
}

/**
 * The article's data set: temperatures drawn uniformly from the integers 40..70 (both included), with no
 * structure in time. Regimes found there are intervals of the temperature axis.
 */
export function* generateArticleReadings(options: ArticleOptions): Generator<MachineReading> {
  const machines = options.machines ?? 1;
  const prefix = options.machinePrefix ?? 'machine-';
  const start = options.startTime ?? DEFAULT_START_TIME;
  const interval = options.intervalMs ?? 1000;
  const random = createRandom(options.seed);
  for (let index = 0; index < options.count; index++) {
    const machine = index % machines;
    yield {
      machine: machineId(prefix, machine, machines),
      timestamp: Math.round(start + Math.floor(index / machines) * interval),
      temperature: random.int(options.min ?? 40, options.max ?? 70),
    };
  }
}

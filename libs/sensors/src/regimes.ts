/**
 * A working regime of a simulated machine: a temperature level and fluctuation, how long the machine
 * stays in it, and where it goes next.
 */
export interface RegimeSpec {
  readonly name: string;
  /** Mean temperature, °C. With `rampFrom`, the mean moves linearly from `rampFrom` to `mean` over the dwell. */
  readonly mean: number;
  /** Standard deviation of the readings around the mean, °C. */
  readonly std: number;
  readonly rampFrom?: number;
  /** Dwell time in readings, drawn uniformly from [min, max] each time the regime is entered. */
  readonly dwell: { readonly min: number; readonly max: number };
  /** Next regime by name, with relative weights (a Markov chain over regimes). */
  readonly next: Readonly<Record<string, number>>;
}

/**
 * The default machine: levels as in the article's temperature range (40–70 °C), plus `unstable`, whose
 * mean equals `normal`'s but whose fluctuation is five times larger, so that a single reading cannot tell
 * the two apart while a rolling standard deviation can. Dwell times are in readings (seconds at 1 Hz).
 */
export const DEFAULT_REGIMES: readonly RegimeSpec[] = [
  { name: 'idle', mean: 42, std: 0.5, dwell: { min: 60, max: 240 }, next: { 'warm-up': 1 } },
  { name: 'warm-up', mean: 55, std: 0.8, rampFrom: 42, dwell: { min: 30, max: 90 }, next: { normal: 1 } },
  {
    name: 'normal',
    mean: 55,
    std: 1,
    dwell: { min: 90, max: 300 },
    next: { heavy: 0.45, unstable: 0.25, idle: 0.3 },
  },
  {
    name: 'unstable',
    mean: 55,
    std: 5,
    dwell: { min: 60, max: 240 },
    next: { normal: 0.7, overheating: 0.3 },
  },
  {
    name: 'heavy',
    mean: 63,
    std: 1.5,
    dwell: { min: 90, max: 400 },
    next: { normal: 0.6, overheating: 0.4 },
  },
  { name: 'overheating', mean: 68, std: 4, dwell: { min: 30, max: 120 }, next: { normal: 0.5, idle: 0.5 } },
];

/** A regime list with transitions resolved to indexes and cumulative weights, checked once. */
export interface CompiledRegimes {
  readonly specs: readonly RegimeSpec[];
  readonly names: readonly string[];
  /** For each regime: [target index, cumulative probability] pairs, the last one ending at 1. */
  readonly transitions: readonly (readonly (readonly [number, number])[])[];
}

export class RegimeConfigError extends Error {
  readonly code = 'REGIME_CONFIG_INVALID';
  readonly retriable = false;

  constructor(message: string) {
    super(message);
    this.name = 'RegimeConfigError';
  }
}

export function compileRegimes(specs: readonly RegimeSpec[]): CompiledRegimes {
  if (specs.length === 0) throw new RegimeConfigError('at least one regime is needed');
  const names = specs.map((spec) => spec.name);
  const transitions = specs.map((spec) => {
    if (!(spec.std >= 0)) throw new RegimeConfigError(`regime ${spec.name}: std must be ≥ 0`);
    if (!(Number.isInteger(spec.dwell.min) && spec.dwell.min >= 1 && spec.dwell.max >= spec.dwell.min)) {
      throw new RegimeConfigError(`regime ${spec.name}: dwell needs integers 1 ≤ min ≤ max`);
    }
    const entries = Object.entries(spec.next);
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    if (entries.length === 0 || !(total > 0)) {
      throw new RegimeConfigError(
        `regime ${spec.name}: needs at least one next regime with a positive weight`,
      );
    }
    let cumulative = 0;
    return entries.map(([name, weight]): readonly [number, number] => {
      const target = names.indexOf(name);
      if (target < 0) throw new RegimeConfigError(`regime ${spec.name}: next regime ${name} is not defined`);
      if (!(weight >= 0)) throw new RegimeConfigError(`regime ${spec.name}: weight of ${name} must be ≥ 0`);
      cumulative += weight / total;
      return [target, cumulative];
    });
  });
  return { specs, names, transitions };
}

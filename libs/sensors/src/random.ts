/** A seeded source of randomness: same seed, same sequence, on every platform. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** Normal with the given mean and standard deviation (Box–Muller). */
  normal(mean: number, std: number): number;
  /** A new generator whose sequence is independent of this one's, derived from this one's state. */
  fork(): Random;
}

/** Mixes a 32-bit value (the `lowbias32` finaliser); spreads nearby seeds far apart. */
export function mix32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Combines a seed with a stream number (a machine index, a restart) into a new seed. */
export function deriveSeed(seed: number, stream: number): number {
  return mix32(mix32(seed) ^ Math.imul(stream + 1, 0x9e3779b9));
}

/**
 * mulberry32 (Tommy Ettinger): 32 bits of state, period 2^32, a few integer ops per draw. Plenty for
 * simulation and shuffling; not for cryptography.
 */
export function createRandom(seed: number): Random {
  let state = mix32(seed);
  let spare: number | undefined;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    normal(mean, std) {
      if (spare !== undefined) {
        const value = spare;
        spare = undefined;
        return mean + std * value;
      }
      const u = 1 - next(); // (0, 1]: log(0) is never taken
      const v = next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spare = radius * Math.sin(2 * Math.PI * v);
      return mean + std * radius * Math.cos(2 * Math.PI * v);
    },
    fork: () => createRandom(Math.floor(next() * 4294967296)),
  };
}

/** Fisher–Yates shuffle in place, driven by `random`. */
export function shuffleInPlace<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    const held = items[i] as T;
    items[i] = items[j] as T;
    items[j] = held;
  }
  return items;
}

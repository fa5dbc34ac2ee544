import type { Random } from '@tributary/sensors';

/**
 * Draws ranks 0..n-1 with probability ∝ 1/(rank+1)^exponent: a few tags carry most tweets, a long
 * tail carries the rest, as in real hashtag usage. Cumulative weights once, a binary search per draw.
 */
export class ZipfSampler {
  readonly #cumulative: Float64Array;

  constructor(size: number, exponent: number) {
    if (!(size >= 1)) throw new RangeError('Zipf size must be ≥ 1');
    if (!(exponent >= 0)) throw new RangeError('Zipf exponent must be ≥ 0');
    this.#cumulative = new Float64Array(size);
    let total = 0;
    for (let rank = 0; rank < size; rank++) {
      total += 1 / (rank + 1) ** exponent;
      this.#cumulative[rank] = total;
    }
  }

  /** The probability of `rank` (for tests and reports). */
  probability(rank: number): number {
    const cumulative = this.#cumulative;
    const total = cumulative[cumulative.length - 1] as number;
    return ((cumulative[rank] as number) - (rank === 0 ? 0 : (cumulative[rank - 1] as number))) / total;
  }

  sample(random: Random): number {
    const cumulative = this.#cumulative;
    const target = random.next() * (cumulative[cumulative.length - 1] as number);
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((cumulative[middle] as number) > target) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}

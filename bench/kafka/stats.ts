/** Latency percentiles in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Nearest-rank percentiles of the first `count` samples (the array is sorted in place). */
export function summarize(samples: Float64Array, count = samples.length): LatencySummary {
  const sorted = samples.subarray(0, count).sort();
  if (count === 0) return { count, p50: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
  const at = (q: number) => sorted[Math.min(count - 1, Math.ceil(q * count) - 1)] ?? Number.NaN;
  let sum = 0;
  for (const sample of sorted) sum += sample;
  return {
    count,
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    max: round(sorted[count - 1] ?? Number.NaN),
    mean: round(sum / count),
  };
}

export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Megabytes as Kafka's perf tools count them: 2^20 bytes of record values (keys and headers aside). */
export function megabytes(messages: number, messageBytes: number): number {
  return (messages * messageBytes) / (1024 * 1024);
}

export function mib(bytes: number): number {
  return round(bytes / (1024 * 1024), 1);
}

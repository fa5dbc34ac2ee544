/**
 * Where a partition the table has never seen starts, as Spark's `startingOffsets`: `earliest`,
 * `latest`, or JSON `{"taxi.rides":{"0":23,"1":-2}}` per partition (-2 earliest, -1 latest;
 * partitions left out start at earliest). Only used when the table holds no txn for the partition.
 */
export type StartingOffsets =
  | { readonly kind: 'earliest' }
  | { readonly kind: 'latest' }
  | {
      readonly kind: 'offsets';
      readonly offsets: Readonly<Record<string, Readonly<Record<string, number>>>>;
    };

const EARLIEST = -2;
const LATEST = -1;

export function parseStartingOffsets(raw: string): StartingOffsets {
  const text = raw.trim();
  if (text === 'earliest' || text === 'latest') return { kind: text };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('not earliest, latest, or JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('JSON must be an object of topic → { partition: offset }');
  }
  for (const [topic, partitions] of Object.entries(parsed)) {
    if (typeof partitions !== 'object' || partitions === null || Array.isArray(partitions)) {
      throw new Error(`topic ${topic}: expected an object of partition → offset`);
    }
    for (const [partition, offset] of Object.entries(partitions)) {
      if (!/^\d+$/.test(partition))
        throw new Error(`topic ${topic}: partition '${partition}' is not a number`);
      if (!Number.isSafeInteger(offset) || (offset as number) < EARLIEST) {
        throw new Error(
          `${topic}/${partition}: offset must be an integer ≥ 0, or -2 (earliest), -1 (latest)`,
        );
      }
    }
  }
  return { kind: 'offsets', offsets: parsed as Record<string, Record<string, number>> };
}

export function showStartingOffsets(value: StartingOffsets): string {
  return value.kind === 'offsets' ? JSON.stringify(value.offsets) : value.kind;
}

/** The offset to start from, given the partition's earliest (low) and next (high) offsets. */
export function resolveStartingOffset(
  starting: StartingOffsets,
  topic: string,
  partition: number,
  bounds: { low: number; high: number },
): number {
  if (starting.kind === 'earliest') return bounds.low;
  if (starting.kind === 'latest') return bounds.high;
  const offset = starting.offsets[topic]?.[String(partition)] ?? EARLIEST;
  if (offset === EARLIEST) return bounds.low;
  if (offset === LATEST) return bounds.high;
  return offset;
}

/** Twitter's snowflake epoch (2010-11-04T01:42:54.657Z): ids are milliseconds since it, shifted left 22 bits. */
export const SNOWFLAKE_EPOCH_MS = 1_288_834_974_657;
const SEQUENCE_BITS = 22n;
const SEQUENCE_MASK = (1n << SEQUENCE_BITS) - 1n;

/** A snowflake-like id for a tweet made at `ms`, `sequence` telling apart tweets of one millisecond. */
export function snowflakeId(ms: number, sequence: number): string {
  if (!(Number.isSafeInteger(ms) && ms >= SNOWFLAKE_EPOCH_MS)) {
    throw new RangeError(`snowflake time must be at or after ${new Date(SNOWFLAKE_EPOCH_MS).toISOString()}`);
  }
  return ((BigInt(ms - SNOWFLAKE_EPOCH_MS) << SEQUENCE_BITS) | (BigInt(sequence) & SEQUENCE_MASK)).toString();
}

/** The millisecond a snowflake id was made at. */
export function snowflakeTime(id: string): number {
  return Number(BigInt(id) >> SEQUENCE_BITS) + SNOWFLAKE_EPOCH_MS;
}

/**
 * A partition value (always a string in the log) as the value the same column would have in a
 * Parquet file read by hyparquet: dates and timestamps as Date, longs as bigint, other numbers as
 * number. Decimals and unknown types stay strings.
 */
export function partitionValue(raw: string | null | undefined, type: string): unknown {
  if (raw === null || raw === undefined) return null;
  switch (type) {
    case 'string':
      return raw;
    case 'date':
      return new Date(`${raw}T00:00:00Z`);
    case 'timestamp':
    case 'timestamp_ntz':
      // The protocol's form is "YYYY-MM-DD HH:MM:SS[.ffffff]" (UTC for timestamp), or ISO 8601.
      return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(raw) ? raw : `${raw.replace(' ', 'T')}Z`);
    case 'long':
      return BigInt(raw);
    case 'integer':
    case 'short':
    case 'byte':
    case 'float':
    case 'double':
      return Number(raw);
    case 'boolean':
      return raw === 'true';
    default:
      return raw;
  }
}

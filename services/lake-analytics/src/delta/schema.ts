import { DeltaError } from './errors.ts';

/** A top-level column of the table: Delta's primitive type name, or 'struct'/'array'/'map' for nested ones. */
export interface DeltaField {
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
}

/** The table's columns from `metaData.schemaString`. */
export function parseSchema(schemaString: string): DeltaField[] {
  let schema: unknown;
  try {
    schema = JSON.parse(schemaString);
  } catch (error) {
    throw new DeltaError(
      'DELTA_CORRUPT_LOG',
      `metaData.schemaString is not JSON: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const fields = (schema as { fields?: unknown }).fields;
  if (!Array.isArray(fields)) {
    throw new DeltaError('DELTA_CORRUPT_LOG', 'metaData.schemaString has no fields array');
  }
  return fields.map((field: { name?: unknown; type?: unknown; nullable?: unknown }) => ({
    name: String(field.name),
    type: typeof field.type === 'string' ? field.type : String((field.type as { type?: unknown })?.type),
    nullable: field.nullable !== false,
  }));
}

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

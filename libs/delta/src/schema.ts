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

import { DeltaError } from './errors.ts';

/** A data file of the table, as an `add` action names it (path relative to the table root, URI-encoded). */
export interface AddAction {
  readonly path: string;
  readonly partitionValues: Readonly<Record<string, string | null>>;
  readonly size: number;
  readonly modificationTime: number;
  /** The writer's per-file statistics (JSON text), when it wrote them. */
  readonly stats: string | undefined;
  readonly hasDeletionVector: boolean;
}

export interface TableMetadata {
  readonly id: string;
  readonly schemaString: string;
  readonly partitionColumns: readonly string[];
  readonly configuration: Readonly<Record<string, string>>;
}

export interface Protocol {
  readonly minReaderVersion: number;
  readonly minWriterVersion: number;
  readonly readerFeatures: readonly string[];
}

/**
 * The actions a reader needs: those that decide which rows are visible, and txn, which tells what
 * input a version reflects (a streaming writer's progress per appId). cdc, commitInfo and
 * domainMetadata are skipped.
 */
export type DeltaAction =
  | { readonly kind: 'add'; readonly add: AddAction }
  | { readonly kind: 'txn'; readonly appId: string; readonly version: number }
  | { readonly kind: 'remove'; readonly path: string }
  | { readonly kind: 'metaData'; readonly metadata: TableMetadata }
  | { readonly kind: 'protocol'; readonly protocol: Protocol };

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;

/** Checkpoints are Parquet, where longs come back as bigint; commits are JSON numbers. */
function numberOf(value: unknown): number {
  return typeof value === 'bigint' ? Number(value) : typeof value === 'number' ? value : 0;
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function requiredString(action: Json, field: string, where: string): string {
  const value = action[field];
  if (typeof value !== 'string') {
    throw new DeltaError('DELTA_CORRUPT_LOG', `${where}: action field ${field} is not a string`, {
      context: { where, field },
    });
  }
  return value;
}

function stringMap(value: unknown): Record<string, string | null> {
  if (!isObject(value)) return {};
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, typeof item === 'string' ? item : null]),
  );
}

/**
 * The action in one commit line or checkpoint row, or undefined for actions that do not decide
 * visibility. `where` names the file (and line) for error messages.
 */
export function parseAction(record: Json, where: string): DeltaAction | undefined {
  const { add, remove, metaData, protocol, txn } = record;
  if (isObject(add)) {
    return {
      kind: 'add',
      add: {
        path: requiredString(add, 'path', where),
        partitionValues: stringMap(add.partitionValues),
        size: numberOf(add.size),
        modificationTime: numberOf(add.modificationTime),
        stats: typeof add.stats === 'string' ? add.stats : undefined,
        hasDeletionVector: isObject(add.deletionVector),
      },
    };
  }
  if (isObject(remove)) return { kind: 'remove', path: requiredString(remove, 'path', where) };
  if (isObject(txn))
    return { kind: 'txn', appId: requiredString(txn, 'appId', where), version: numberOf(txn.version) };
  if (isObject(metaData)) {
    return {
      kind: 'metaData',
      metadata: {
        id: requiredString(metaData, 'id', where),
        schemaString: requiredString(metaData, 'schemaString', where),
        partitionColumns: stringsOf(metaData.partitionColumns),
        configuration: Object.fromEntries(
          Object.entries(stringMap(metaData.configuration)).filter(
            (entry): entry is [string, string] => entry[1] !== null,
          ),
        ),
      },
    };
  }
  if (isObject(protocol)) {
    return {
      kind: 'protocol',
      protocol: {
        minReaderVersion: numberOf(protocol.minReaderVersion),
        minWriterVersion: numberOf(protocol.minWriterVersion),
        readerFeatures: stringsOf(protocol.readerFeatures),
      },
    };
  }
  return undefined;
}

/** The actions of one commit file (newline-delimited JSON). */
export function parseCommit(text: string, where: string): DeltaAction[] {
  const actions: DeltaAction[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      throw new DeltaError(
        'DELTA_CORRUPT_LOG',
        `${where}:${index + 1}: not JSON (${(error as Error).message})`,
        {
          cause: error,
          context: { where, line: index + 1 },
        },
      );
    }
    if (!isObject(record)) {
      throw new DeltaError('DELTA_CORRUPT_LOG', `${where}:${index + 1}: an action must be a JSON object`, {
        context: { where, line: index + 1 },
      });
    }
    const action = parseAction(record, `${where}:${index + 1}`);
    if (action) actions.push(action);
  }
  return actions;
}

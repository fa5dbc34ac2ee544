import type { AddAction, DeltaAction, MetadataAction, ProtocolAction, RemoveAction } from './actions.ts';
import { DeltaError } from './errors.ts';

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

function nullableStrings(value: unknown): Record<string, string | null> {
  if (!isObject(value)) return {};
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, typeof item === 'string' ? item : null]),
  );
}

function strings(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

function parseAdd(add: Json, where: string): AddAction {
  return {
    path: requiredString(add, 'path', where),
    partitionValues: nullableStrings(add.partitionValues),
    size: numberOf(add.size),
    modificationTime: numberOf(add.modificationTime),
    dataChange: add.dataChange !== false,
    ...(typeof add.stats === 'string' ? { stats: add.stats } : {}),
    ...(isObject(add.deletionVector) ? { deletionVector: add.deletionVector } : {}),
  };
}

function parseRemove(remove: Json, where: string): RemoveAction {
  return {
    path: requiredString(remove, 'path', where),
    deletionTimestamp: numberOf(remove.deletionTimestamp),
    dataChange: remove.dataChange !== false,
    ...(typeof remove.extendedFileMetadata === 'boolean'
      ? { extendedFileMetadata: remove.extendedFileMetadata }
      : {}),
    ...(isObject(remove.partitionValues) ? { partitionValues: nullableStrings(remove.partitionValues) } : {}),
    ...(remove.size === undefined || remove.size === null ? {} : { size: numberOf(remove.size) }),
  };
}

function parseMetadata(metaData: Json, where: string): MetadataAction {
  const format = isObject(metaData.format) ? metaData.format : {};
  return {
    id: requiredString(metaData, 'id', where),
    ...(typeof metaData.name === 'string' ? { name: metaData.name } : {}),
    format: {
      provider: typeof format.provider === 'string' ? format.provider : 'parquet',
      options: strings(format.options),
    },
    schemaString: requiredString(metaData, 'schemaString', where),
    partitionColumns: stringsOf(metaData.partitionColumns),
    configuration: strings(metaData.configuration),
    ...(metaData.createdTime === undefined || metaData.createdTime === null
      ? {}
      : { createdTime: numberOf(metaData.createdTime) }),
  };
}

function parseProtocol(protocol: Json): ProtocolAction {
  return {
    minReaderVersion: numberOf(protocol.minReaderVersion),
    minWriterVersion: numberOf(protocol.minWriterVersion),
    ...(Array.isArray(protocol.readerFeatures) ? { readerFeatures: stringsOf(protocol.readerFeatures) } : {}),
    ...(Array.isArray(protocol.writerFeatures) ? { writerFeatures: stringsOf(protocol.writerFeatures) } : {}),
  };
}

/**
 * The action in one commit line or checkpoint row (a checkpoint row has one non-null action
 * column), or undefined for actions this library does not know. `where` names the file (and line)
 * for error messages.
 */
export function parseAction(record: Json, where: string): DeltaAction | undefined {
  const { add, remove, metaData, protocol, txn, commitInfo } = record;
  if (isObject(add)) return { add: parseAdd(add, where) };
  if (isObject(remove)) return { remove: parseRemove(remove, where) };
  if (isObject(txn)) {
    return {
      txn: {
        appId: requiredString(txn, 'appId', where),
        version: numberOf(txn.version),
        ...(txn.lastUpdated === undefined || txn.lastUpdated === null
          ? {}
          : { lastUpdated: numberOf(txn.lastUpdated) }),
      },
    };
  }
  if (isObject(metaData)) return { metaData: parseMetadata(metaData, where) };
  if (isObject(protocol)) return { protocol: parseProtocol(protocol) };
  if (isObject(commitInfo)) return { commitInfo };
  return undefined;
}

/** The actions of one commit file (newline-delimited JSON); `where` names it in errors. */
export function parseCommit(bytes: Uint8Array, where: string): DeltaAction[] {
  const actions: DeltaAction[] = [];
  for (const [index, line] of new TextDecoder().decode(bytes).split('\n').entries()) {
    if (line.trim() === '') continue;
    const at = `${where}:${index + 1}`;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      throw new DeltaError('DELTA_CORRUPT_LOG', `${at}: not JSON (${(error as Error).message})`, {
        cause: error,
        context: { where, line: index + 1 },
      });
    }
    if (!isObject(record)) {
      throw new DeltaError('DELTA_CORRUPT_LOG', `${at}: an action must be a JSON object`, {
        context: { where, line: index + 1 },
      });
    }
    const action = parseAction(record, at);
    if (action) actions.push(action);
  }
  return actions;
}

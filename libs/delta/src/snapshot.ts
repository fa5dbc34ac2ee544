import type { AddAction, MetadataAction, ProtocolAction } from './actions.ts';
import { DeltaError } from './errors.ts';
import { LocalTableFiles } from './local-table-files.ts';
import { latestVersion, listLog } from './log-listing.ts';
import { assertReadable } from './protocol.ts';
import { replayLog } from './replay.ts';
import { type DeltaField, parseSchema } from './schema.ts';
import type { TableStorage } from './table-storage.ts';

/** One version of a table: what a reader of that version sees, however many commits follow it. */
export interface DeltaSnapshot {
  /** The table's directory (resolved) or URI: its storage's location. */
  readonly location: string;
  readonly version: number;
  /** The checkpoint the log replay started from; undefined when it replayed every commit from 0. */
  readonly checkpointVersion: number | undefined;
  /** What `_last_checkpoint` said when the log was listed (a hint only). */
  readonly lastCheckpointHint: number | undefined;
  readonly protocol: ProtocolAction;
  readonly metadata: MetadataAction;
  readonly schema: readonly DeltaField[];
  readonly partitionColumns: readonly string[];
  /** The active data files (added and not removed up to `version`), sorted by path. */
  readonly files: readonly AddAction[];
  /** The latest txn version per appId up to `version`: what input (e.g. Kafka offsets) the version reflects. */
  readonly transactions: ReadonlyMap<string, number>;
}

export interface SnapshotOptions {
  /** The version to read; the latest committed one when absent (time travel otherwise). */
  readonly version?: number;
}

/**
 * The snapshot of a table (a local directory, or any {@link TableStorage}) at a version, for
 * reading its rows. Only the files named up to that version are read later, and Delta never
 * rewrites a data file, so commits that a writer adds meanwhile cannot change what it returns.
 * Tables that need reader features this library does not implement are refused.
 */
export async function openSnapshot(
  table: string | TableStorage,
  options: SnapshotOptions = {},
): Promise<DeltaSnapshot> {
  const storage = typeof table === 'string' ? new LocalTableFiles(table) : table;
  const location = storage.location;
  const listing = await listLog(storage);
  const newest = latestVersion(listing);
  const version = options.version ?? newest;
  if (!Number.isSafeInteger(version) || version < 0 || version > newest) {
    throw new DeltaError(
      'DELTA_VERSION_NOT_FOUND',
      `${location}: version ${version} does not exist (latest is ${newest})`,
      {
        context: { table: location, version, latest: newest },
      },
    );
  }
  const { state, checkpoint } = await replayLog(storage, listing, version);
  const { metadata, protocol } = state;
  if (!metadata || !protocol) {
    throw new DeltaError(
      'DELTA_CORRUPT_LOG',
      `${location}: no ${metadata ? 'protocol' : 'metaData'} action up to version ${version}`,
      {
        context: { table: location, version },
      },
    );
  }
  assertReadable(protocol, metadata, location);
  const files = [...state.files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const withDeletionVector = files.find((file) => file.deletionVector !== undefined);
  if (withDeletionVector) {
    throw new DeltaError(
      'DELTA_UNSUPPORTED_FEATURE',
      `${location}: ${withDeletionVector.path} has a deletion vector`,
      {
        context: { table: location, version, file: withDeletionVector.path },
      },
    );
  }
  return {
    location,
    version,
    checkpointVersion: checkpoint?.version,
    lastCheckpointHint: listing.lastCheckpointHint,
    protocol,
    metadata,
    schema: parseSchema(metadata.schemaString),
    partitionColumns: metadata.partitionColumns,
    files,
    transactions: new Map([...state.txns].map(([appId, txn]) => [appId, txn.version])),
  };
}

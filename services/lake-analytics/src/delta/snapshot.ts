import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import {
  type AddAction,
  type DeltaAction,
  type Protocol,
  parseAction,
  parseCommit,
  type TableMetadata,
} from './actions.ts';
import { DeltaError } from './errors.ts';
import { type CheckpointFiles, latestVersion, listLog } from './log-listing.ts';
import { assertReadable } from './protocol.ts';
import { type DeltaField, parseSchema } from './schema.ts';

/** One version of a table: what a reader of that version sees, however many commits follow it. */
export interface DeltaSnapshot {
  readonly tablePath: string;
  readonly version: number;
  /** The checkpoint the log replay started from; undefined when it replayed every commit from 0. */
  readonly checkpointVersion: number | undefined;
  /** What `_last_checkpoint` said when the log was listed (a hint only). */
  readonly lastCheckpointHint: number | undefined;
  readonly protocol: Protocol;
  readonly metadata: TableMetadata;
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

/** Protocol: add/remove paths are URIs relative to the table root; compare them decoded. */
function fileKey(relativeOrUri: string): string {
  return decodeURIComponent(relativeOrUri);
}

const CHECKPOINT_ACTIONS = ['add', 'remove', 'metaData', 'protocol', 'txn'];

async function checkpointActions(checkpoint: CheckpointFiles): Promise<DeltaAction[]> {
  const actions: DeltaAction[] = [];
  for (const file of checkpoint.files) {
    let rows: Record<string, unknown>[];
    try {
      const buffer = await asyncBufferFromFile(file);
      const metadata = await parquetMetadataAsync(buffer);
      // A checkpoint has a column per action type its writer knows; only read the ones a reader needs.
      const present = new Set(parquetSchema(metadata).children.map((child) => child.element.name));
      const columns = CHECKPOINT_ACTIONS.filter((column) => present.has(column));
      rows = await parquetReadObjects({ file: buffer, metadata, columns, compressors });
    } catch (error) {
      throw new DeltaError(
        'DELTA_CORRUPT_LOG',
        `checkpoint ${file} cannot be read: ${(error as Error).message}`,
        {
          cause: error,
          context: { file, version: checkpoint.version },
        },
      );
    }
    for (const [index, row] of rows.entries()) {
      const action = parseAction(row, `${file} row ${index}`);
      if (action) actions.push(action);
    }
  }
  return actions;
}

/**
 * The snapshot of a table at a version: the newest complete checkpoint at or below it, then every
 * commit after it in order (adds minus removes, last metaData and protocol win). Only the files
 * named up to that version are read later, and Delta never rewrites a data file, so commits that a
 * writer adds meanwhile cannot change what this snapshot returns.
 */
export async function openSnapshot(tablePath: string, options: SnapshotOptions = {}): Promise<DeltaSnapshot> {
  const table = path.resolve(tablePath);
  const listing = await listLog(table);
  const newest = latestVersion(listing);
  const version = options.version ?? newest;
  if (!Number.isSafeInteger(version) || version < 0 || version > newest) {
    throw new DeltaError(
      'DELTA_VERSION_NOT_FOUND',
      `${table}: version ${version} does not exist (latest is ${newest})`,
      {
        context: { table, version, latest: newest },
      },
    );
  }
  const checkpoint = listing.checkpoints.filter((candidate) => candidate.version <= version).at(-1);
  const firstCommit = checkpoint ? checkpoint.version + 1 : 0;
  if (!checkpoint && !listing.commits.has(0)) {
    throw new DeltaError(
      'DELTA_VERSION_NOT_FOUND',
      `${table}: version ${version} cannot be reconstructed: no checkpoint at or below it and commit 0 was cleaned up`,
      { context: { table, version } },
    );
  }

  const active = new Map<string, AddAction>();
  let metadata: TableMetadata | undefined;
  let protocol: Protocol | undefined;
  const transactions = new Map<string, number>();
  const apply = (action: DeltaAction): void => {
    if (action.kind === 'add') active.set(fileKey(action.add.path), action.add);
    else if (action.kind === 'remove') active.delete(fileKey(action.path));
    else if (action.kind === 'txn') transactions.set(action.appId, action.version);
    else if (action.kind === 'metaData') metadata = action.metadata;
    else protocol = action.protocol;
  };
  if (checkpoint) for (const action of await checkpointActions(checkpoint)) apply(action);
  for (let commit = firstCommit; commit <= version; commit++) {
    const file = listing.commits.get(commit);
    if (file === undefined) {
      throw new DeltaError(
        'DELTA_LOG_GAP',
        `${table}: commit ${commit} is missing, needed to read version ${version}`,
        {
          context: { table, version, missing: commit },
        },
      );
    }
    for (const action of parseCommit(await readFile(file, 'utf8'), file)) apply(action);
  }
  if (!metadata || !protocol) {
    throw new DeltaError(
      'DELTA_CORRUPT_LOG',
      `${table}: no ${metadata ? 'protocol' : 'metaData'} action up to version ${version}`,
      {
        context: { table, version },
      },
    );
  }
  assertReadable(protocol, metadata, table);
  const files = [...active.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const withDeletionVector = files.find((file) => file.hasDeletionVector);
  if (withDeletionVector) {
    throw new DeltaError(
      'DELTA_UNSUPPORTED_FEATURE',
      `${table}: ${withDeletionVector.path} has a deletion vector`,
      {
        context: { table, version, file: withDeletionVector.path },
      },
    );
  }
  return {
    tablePath: table,
    version,
    checkpointVersion: checkpoint?.version,
    lastCheckpointHint: listing.lastCheckpointHint,
    protocol,
    metadata,
    schema: parseSchema(metadata.schemaString),
    partitionColumns: metadata.partitionColumns,
    files,
    transactions,
  };
}

import { randomUUID } from 'node:crypto';
import { type AddAction, type DeltaAction, statsOf, type TableState } from '@tributary/delta';
import type { ConflictCheck, DeltaLog } from '../delta/delta-log.ts';
import {
  PARTITION_COLUMN,
  type RideRow,
  TAXI_PROTOCOL,
  TAXI_SCHEMA_STRING,
  taxiMetadata,
} from '../delta/taxi-table.ts';
import { LakeWriterError } from '../errors.ts';
import type { LakeWriterMetrics } from '../metrics.ts';
import { encodeRideFile } from '../parquet/ride-file.ts';

/** The rows one input partition contributes to a commit, and the progress the commit records. */
export interface PartitionSlice {
  /** The txn appId of the input partition, e.g. `tributary-lake-writer:taxi.rides:0`. */
  readonly appId: string;
  /** The txn version the table must still hold for the commit to apply (undefined: none yet). */
  readonly fromVersion: number | undefined;
  /** The next input offset after these rows: the txn version this commit records. */
  readonly toVersion: number;
  readonly rows: readonly RideRow[];
}

export interface AppendOutcome {
  /** The version committed, or the snapshot's when every slice was fenced. */
  readonly version: number;
  readonly committed: readonly PartitionSlice[];
  /** Slices whose appId another writer advanced since `fromVersion`: not written, the caller re-reads. */
  readonly fenced: readonly PartitionSlice[];
  readonly files: number;
  readonly bytes: number;
}

export interface AppenderOptions {
  readonly maxRowsPerFile: number;
  /** Written into commitInfo, so the log shows which instance committed what. */
  readonly writerId: string;
}

/**
 * Appends rows to the taxi table exactly once per input offset range: each commit carries, next to
 * its files, a txn action per input partition, and it only applies while the table still holds that
 * partition's `fromVersion` (a compare-and-set on the offset). Another writer that advanced the same
 * appId fences ours: those rows are dropped and the caller resumes from the table.
 */
export class TableAppender {
  readonly #log: DeltaLog;
  readonly #options: AppenderOptions;
  readonly #metrics: LakeWriterMetrics | undefined;
  #epoch = 0;

  constructor(log: DeltaLog, options: AppenderOptions, metrics?: LakeWriterMetrics) {
    this.#log = log;
    this.#options = options;
    this.#metrics = metrics;
  }

  async append(slices: readonly PartitionSlice[]): Promise<AppendOutcome> {
    const started = performance.now();
    const snapshot = await this.#log.update();
    const fenced = slices.filter((slice) => !holds(snapshot, slice));
    let live = slices.filter((slice) => holds(snapshot, slice));
    for (;;) {
      if (live.length === 0) {
        return { version: snapshot.version, committed: [], fenced, files: 0, bytes: 0 };
      }
      const adds = await this.#writeFiles(live.flatMap((slice) => slice.rows));
      const actions = this.#actions(snapshot, live, adds);
      try {
        const { version, conflicts } = await this.#log.commit(actions, this.#check(live, actions));
        if (conflicts > 0) this.#metrics?.conflicts.inc({ outcome: 'retried' }, conflicts);
        const bytes = adds.reduce((sum, add) => sum + add.size, 0);
        this.#recordCommit(adds, bytes, started);
        return { version, committed: live, fenced, files: adds.length, bytes };
      } catch (error) {
        const lost = fencedAppIds(error);
        if (!lost) throw error;
        this.#metrics?.conflicts.inc({ outcome: 'fenced' }, lost.size);
        // The files mixed partitions, so the survivors' rows are written again; the first files
        // are orphans (in no commit), invisible to readers and removed by vacuum.
        fenced.push(...live.filter((slice) => lost.has(slice.appId)));
        live = live.filter((slice) => !lost.has(slice.appId));
      }
    }
  }

  #actions(
    snapshot: TableState,
    slices: readonly PartitionSlice[],
    adds: readonly AddAction[],
  ): DeltaAction[] {
    const now = Date.now();
    const actions: DeltaAction[] = [];
    if (snapshot.version < 0) {
      actions.push({ protocol: TAXI_PROTOCOL }, { metaData: taxiMetadata(randomUUID(), now) });
    }
    for (const slice of slices) {
      actions.push({ txn: { appId: slice.appId, version: slice.toVersion, lastUpdated: now } });
    }
    for (const add of adds) actions.push({ add });
    actions.push({
      commitInfo: {
        timestamp: now,
        operation: 'STREAMING UPDATE',
        operationParameters: {
          outputMode: 'Append',
          queryId: this.#options.writerId,
          epochId: String(this.#epoch++),
        },
        readVersion: snapshot.version,
        isolationLevel: 'WriteSerializable',
        isBlindAppend: true,
        engineInfo: 'tributary-lake-writer',
        operationMetrics: {
          numFiles: String(adds.length),
          numOutputRows: String(slices.reduce((sum, slice) => sum + slice.rows.length, 0)),
        },
      },
    });
    return actions;
  }

  /**
   * After losing a version: a table created meanwhile drops our protocol and metadata (if its
   * schema is ours); an appId advanced by someone else fences that slice. Other appends and
   * optimize rewrites do not conflict with a blind append.
   */
  #check(slices: readonly PartitionSlice[], actions: readonly DeltaAction[]): ConflictCheck {
    return (_winners, snapshot) => {
      if (snapshot.metadata && snapshot.metadata.schemaString !== TAXI_SCHEMA_STRING) {
        throw new LakeWriterError('INVALID_TABLE', 'the table schema changed under the writer', {
          context: { version: snapshot.version },
        });
      }
      const lost = slices.filter((slice) => !holds(snapshot, slice)).map((slice) => slice.appId);
      if (lost.length > 0) {
        throw new LakeWriterError('COMMIT_CONFLICT', `another writer advanced ${lost.join(', ')}`, {
          context: { fencedAppIds: lost, version: snapshot.version },
        });
      }
      // Lost the race to create the table: the winner's protocol and metadata stand.
      return actions.filter((action) => !('protocol' in action || 'metaData' in action));
    };
  }

  async #writeFiles(rows: readonly RideRow[]): Promise<AddAction[]> {
    const byDate = new Map<string, RideRow[]>();
    for (const row of rows) {
      const group = byDate.get(row.pickupDate);
      if (group) group.push(row);
      else byDate.set(row.pickupDate, [row]);
    }
    const adds: AddAction[] = [];
    for (const [date, dateRows] of byDate) {
      for (let start = 0; start < dateRows.length; start += this.#options.maxRowsPerFile) {
        const chunk = dateRows.slice(start, start + this.#options.maxRowsPerFile);
        adds.push(await writeDataFile(this.#log, date, chunk, true));
      }
    }
    return adds;
  }

  #recordCommit(adds: readonly AddAction[], bytes: number, started: number): void {
    const metrics = this.#metrics;
    if (!metrics) return;
    metrics.commits.inc({ operation: 'append' });
    metrics.filesWritten.inc(adds.length);
    metrics.bytesWritten.inc(bytes);
    for (const add of adds) {
      const rows = statsOf(add)?.numRecords ?? 0;
      metrics.rowsWritten.inc(rows);
      metrics.fileRows.observe(rows);
    }
    metrics.commitSeconds.observe((performance.now() - started) / 1000);
    metrics.tableVersion.set(this.#log.snapshot.version);
  }
}

/** Writes one Parquet file of one pickup date and returns its add action (not yet committed). */
export async function writeDataFile(
  log: DeltaLog,
  pickupDate: string,
  rows: readonly RideRow[],
  dataChange: boolean,
): Promise<AddAction> {
  const { bytes, stats } = encodeRideFile(rows);
  const path = `${PARTITION_COLUMN}=${pickupDate}/part-00000-${randomUUID()}.c000.snappy.parquet`;
  try {
    await log.storage.put(path, bytes);
  } catch (error) {
    throw new LakeWriterError('STORAGE_FAILED', `writing ${path} failed: ${String(error)}`, {
      cause: error,
      retriable: true,
      context: { path, location: log.storage.location },
    });
  }
  return {
    path,
    partitionValues: { [PARTITION_COLUMN]: pickupDate },
    size: bytes.byteLength,
    modificationTime: Date.now(),
    dataChange,
    stats: JSON.stringify(stats),
  };
}

function holds(snapshot: TableState, slice: PartitionSlice): boolean {
  return snapshot.txnVersion(slice.appId) === slice.fromVersion;
}

function fencedAppIds(error: unknown): Set<string> | undefined {
  if (!(error instanceof LakeWriterError) || error.code !== 'COMMIT_CONFLICT') return undefined;
  const ids = error.context.fencedAppIds;
  return Array.isArray(ids) ? new Set(ids as string[]) : undefined;
}

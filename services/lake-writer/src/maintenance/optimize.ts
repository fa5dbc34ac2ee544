import type { AddAction, DeltaAction, RemoveAction } from '@tributary/delta';
import type { ConflictCheck, DeltaLog } from '../delta/delta-log.ts';
import { PARTITION_COLUMN, type RideRow, TAXI_SCHEMA_STRING } from '../delta/taxi-table.ts';
import { LakeWriterError } from '../errors.ts';
import type { LakeWriterMetrics } from '../metrics.ts';
import { decodeRideFile } from '../parquet/ride-file.ts';
import { writeDataFile } from '../writer/table-appender.ts';

export interface OptimizeOptions {
  /** Files smaller than this (bytes) are compaction candidates. */
  readonly smallFileBytes: number;
  /** A pickup date is compacted only when it has at least this many candidates. */
  readonly minFiles: number;
  /** Rows per compacted file at most. */
  readonly maxRowsPerFile: number;
  /** Told after each pickup date is rewritten (awaited, before the commit). */
  readonly progress?: (message: string) => void | Promise<void>;
}

export interface OptimizeReport {
  readonly readVersion: number;
  /** The version of the optimize commit, or undefined when nothing needed compacting. */
  readonly version: number | undefined;
  readonly partitionsCompacted: number;
  readonly filesRemoved: number;
  readonly filesAdded: number;
  readonly rowsRewritten: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
}

/**
 * Compacts the small files of each pickup date into fewer, larger ones in a single commit: removes
 * and adds with dataChange=false, so the rows are unchanged and streaming readers skip the commit.
 * Safe while writers append (a blind append never conflicts with it); if another commit removed
 * one of the files being rewritten, the optimize fails with COMMIT_CONFLICT and rewrites nothing.
 */
export async function optimize(
  log: DeltaLog,
  options: OptimizeOptions,
  metrics?: LakeWriterMetrics,
): Promise<OptimizeReport> {
  const snapshot = await log.update();
  const readVersion = snapshot.version;
  const byDate = new Map<string, AddAction[]>();
  for (const file of snapshot.files.values()) {
    if (file.size >= options.smallFileBytes) continue;
    const date = file.partitionValues[PARTITION_COLUMN] ?? '';
    const group = byDate.get(date);
    if (group) group.push(file);
    else byDate.set(date, [file]);
  }
  const chosen = [...byDate].filter(([, files]) => files.length >= options.minFiles);
  const removes: RemoveAction[] = [];
  const adds: AddAction[] = [];
  let rowsRewritten = 0;
  for (const [index, [date, files]] of chosen.entries()) {
    const rows: RideRow[] = [];
    for (const file of files) {
      const bytes = await log.storage.get(file.path);
      if (!bytes) {
        throw new LakeWriterError(
          'INVALID_TABLE',
          `data file ${file.path} of version ${readVersion} is missing`,
          {
            context: { path: file.path },
          },
        );
      }
      rows.push(...(await decodeRideFile(bytes, date)));
      removes.push({
        path: file.path,
        deletionTimestamp: Date.now(),
        dataChange: false,
        extendedFileMetadata: true,
        partitionValues: file.partitionValues,
        size: file.size,
      });
    }
    for (let start = 0; start < rows.length; start += options.maxRowsPerFile) {
      adds.push(await writeDataFile(log, date, rows.slice(start, start + options.maxRowsPerFile), false));
    }
    rowsRewritten += rows.length;
    await options.progress?.(
      `${index + 1}/${chosen.length} ${PARTITION_COLUMN}=${date}: ${files.length} files → ${Math.ceil(rows.length / options.maxRowsPerFile)}`,
    );
  }
  const report = {
    readVersion,
    partitionsCompacted: chosen.length,
    filesRemoved: removes.length,
    filesAdded: adds.length,
    rowsRewritten,
    bytesBefore: removes.reduce((sum, remove) => sum + (remove.size ?? 0), 0),
    bytesAfter: adds.reduce((sum, add) => sum + add.size, 0),
  };
  if (removes.length === 0) return { ...report, version: undefined };
  const actions: DeltaAction[] = [
    ...removes.map((remove) => ({ remove })),
    ...adds.map((add) => ({ add })),
    {
      commitInfo: {
        timestamp: Date.now(),
        operation: 'OPTIMIZE',
        operationParameters: { predicate: '[]', targetSize: String(options.smallFileBytes) },
        readVersion,
        isolationLevel: 'SnapshotIsolation',
        isBlindAppend: false,
        engineInfo: 'tributary-lake-writer',
        operationMetrics: {
          numRemovedFiles: String(removes.length),
          numAddedFiles: String(adds.length),
          numRemovedBytes: String(report.bytesBefore),
          numAddedBytes: String(report.bytesAfter),
        },
      },
    },
  ];
  const { version } = await log.commit(actions, noneRemoved(new Set(removes.map((remove) => remove.path))));
  metrics?.commits.inc({ operation: 'optimize' });
  return { ...report, version };
}

/** Appends that won meanwhile are fine; a commit that removed one of our inputs, or changed the schema, is not. */
function noneRemoved(inputs: ReadonlySet<string>): ConflictCheck {
  return (winners, snapshot) => {
    if (snapshot.metadata?.schemaString !== TAXI_SCHEMA_STRING) {
      throw new LakeWriterError('INVALID_TABLE', 'the table schema changed during optimize');
    }
    for (const { version, actions } of winners) {
      for (const action of actions) {
        if ('remove' in action && inputs.has(action.remove.path)) {
          throw new LakeWriterError(
            'COMMIT_CONFLICT',
            `version ${version} removed ${action.remove.path}, which this optimize rewrote; run it again`,
            { context: { version, path: action.remove.path } },
          );
        }
      }
    }
    return undefined;
  };
}

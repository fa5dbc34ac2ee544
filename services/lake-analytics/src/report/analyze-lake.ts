import { type DeltaSnapshot, openSnapshot } from '@tributary/delta';
import { type ReadProgress, readSnapshotRows } from '../delta/read-rows.ts';
import { TaxiAnalyses, type TaxiAnalysesResult } from '../taxi/analyses.ts';
import { type RideColumns, rideColumns } from '../taxi/columns.ts';
import { rideFacts } from '../taxi/ride.ts';

export interface LakeReportOptions {
  /** Table version to report on; the latest when absent. */
  readonly version?: number;
  readonly onProgress?: (progress: ReadProgress) => void;
}

/** The JSON report: which snapshot was read, then the analyses. */
export interface LakeReport extends TaxiAnalysesResult {
  readonly table: {
    readonly path: string;
    readonly version: number;
    readonly checkpointVersion: number | null;
    readonly files: number;
    readonly bytes: number;
    readonly partitionColumns: readonly string[];
    readonly columns: RideColumns;
  };
  /** Wall time of the read and the analyses (varies run to run; everything else is deterministic). */
  readonly timing: { readonly seconds: number; readonly rowsPerSecond: number };
}

/** Reads one snapshot of a taxi rides table, streaming, and runs every analysis over it in one pass. */
export async function analyzeLake(tablePath: string, options: LakeReportOptions = {}): Promise<LakeReport> {
  const startedAt = performance.now();
  const snapshot: DeltaSnapshot = await openSnapshot(
    tablePath,
    options.version === undefined ? {} : { version: options.version },
  );
  const columns = rideColumns(snapshot.schema);
  const analyses = new TaxiAnalyses();
  const batches = readSnapshotRows(snapshot, {
    columns: Object.values(columns),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  for await (const batch of batches) for (const row of batch) analyses.add(rideFacts(row, columns));
  const result = analyses.result();
  const seconds = (performance.now() - startedAt) / 1000;
  return {
    table: {
      path: snapshot.location,
      version: snapshot.version,
      checkpointVersion: snapshot.checkpointVersion ?? null,
      files: snapshot.files.length,
      bytes: snapshot.files.reduce((sum, file) => sum + file.size, 0),
      partitionColumns: snapshot.partitionColumns,
      columns,
    },
    ...result,
    timing: { seconds, rowsPerSecond: seconds > 0 ? Math.round(result.rows.read / seconds) : 0 },
  };
}

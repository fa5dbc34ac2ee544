import { DELTA_LOG_DIR } from '@tributary/delta';
import type { DeltaLog } from '../delta/delta-log.ts';

export interface VacuumOptions {
  /** Files younger than this are kept: a writer may be about to commit them, a reader may still read them. */
  readonly retentionMs: number;
  readonly dryRun: boolean;
}

export interface VacuumReport {
  readonly version: number;
  /** Paths deleted (or, dry run, that would be). */
  readonly deleted: readonly string[];
  readonly bytes: number;
}

/**
 * Deletes data files the table no longer needs: orphans of writes that never committed (a killed
 * writer, a fenced or lost commit) and files removed by optimize, once older than the retention.
 */
export async function vacuum(log: DeltaLog, options: VacuumOptions): Promise<VacuumReport> {
  const snapshot = await log.update();
  const cutoff = Date.now() - options.retentionMs;
  const stored = await log.storage.list('');
  const deletable = stored.filter(
    (object) =>
      !object.path.startsWith(`${DELTA_LOG_DIR}/`) &&
      object.path.endsWith('.parquet') &&
      !snapshot.files.has(object.path) &&
      object.lastModified < cutoff &&
      (snapshot.tombstones.get(object.path)?.deletionTimestamp ?? 0) < cutoff,
  );
  if (!options.dryRun) for (const object of deletable) await log.storage.delete(object.path);
  return {
    version: snapshot.version,
    deleted: deletable.map((object) => object.path),
    bytes: deletable.reduce((sum, object) => sum + object.size, 0),
  };
}

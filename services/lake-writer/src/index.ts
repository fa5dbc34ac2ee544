/**
 * The lake-writer's public API: the table's log for writing, storage, appender and maintenance, for
 * tools and benches. Action types, snapshots and the reader's storage interface are @tributary/delta's.
 */
export { type CommitResult, type ConflictCheck, DeltaLog } from './delta/delta-log.ts';
export {
  DATA_COLUMNS,
  PARTITION_COLUMN,
  type RideRow,
  TAXI_SCHEMA_STRING,
  toRideRow,
} from './delta/taxi-table.ts';
export { LakeWriterError, type LakeWriterErrorCode } from './errors.ts';
export { appIdFor } from './kafka-source.ts';
export { type OptimizeOptions, type OptimizeReport, optimize } from './maintenance/optimize.ts';
export { type VacuumOptions, type VacuumReport, vacuum } from './maintenance/vacuum.ts';
export { LocalStorage } from './storage/local-storage.ts';
export type { ObjectStorage, StoredObject } from './storage/object-storage.ts';
export { type S3Location, S3Storage } from './storage/s3-storage.ts';
export { type AppendOutcome, type PartitionSlice, TableAppender } from './writer/table-appender.ts';

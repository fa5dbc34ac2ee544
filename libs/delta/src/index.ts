/** @tributary/delta: the Delta Lake transaction log, read side, shared by the lake's writer and readers. */
export {
  type AddAction,
  type CommitInfoAction,
  commitPath,
  DELTA_LOG_DIR,
  type DeltaAction,
  type MetadataAction,
  type ProtocolAction,
  type RemoveAction,
  type TxnAction,
} from './actions.ts';
export { DeltaError, type DeltaErrorCode } from './errors.ts';
export { type FileStats, statsOf } from './file-stats.ts';
export { LocalTableFiles } from './local-table-files.ts';
export { type CheckpointFiles, type LogListing, latestVersion, listLog } from './log-listing.ts';
export { parseCommit } from './parse-actions.ts';
export { type Replayed, readCommit, replayLog } from './replay.ts';
export type { DeltaField } from './schema.ts';
export { type DeltaSnapshot, openSnapshot, type SnapshotOptions } from './snapshot.ts';
export { TableState } from './table-state.ts';
export type { TableStorage } from './table-storage.ts';

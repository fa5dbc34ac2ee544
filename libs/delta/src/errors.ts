import { TributaryError } from '@tributary/service-kit';

export type DeltaErrorCode =
  /** No `_delta_log` with a commit or checkpoint under the path. */
  | 'DELTA_NOT_A_TABLE'
  /** The asked version is not in the log (not written yet, or its commits were cleaned up). */
  | 'DELTA_VERSION_NOT_FOUND'
  /** A commit between the checkpoint and the asked version is missing. */
  | 'DELTA_LOG_GAP'
  /** The table needs a reader feature this reader does not implement. */
  | 'DELTA_UNSUPPORTED_FEATURE'
  /** A commit, checkpoint or `_last_checkpoint` that does not parse. */
  | 'DELTA_CORRUPT_LOG'
  /** A caller asked for a column the table's schema does not have. */
  | 'DELTA_UNKNOWN_COLUMN'
  /** A data file the snapshot lists is gone (vacuumed) or unreadable. */
  | 'DELTA_DATA_FILE_UNREADABLE'
  /** Listing or reading the table's storage failed (retriable: the log itself may be fine). */
  | 'DELTA_STORAGE_FAILED';

/** A Delta table that cannot be read as asked; `context` carries the table and, where known, the version and file. */
export class DeltaError extends TributaryError<DeltaErrorCode> {}

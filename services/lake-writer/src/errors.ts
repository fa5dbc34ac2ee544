import { TributaryError } from '@tributary/service-kit';

/**
 * - `DATA_LOSS`: the table's next offset for a partition is below the earliest offset Kafka still
 *   holds (retention deleted records that were never written); fatal unless failOnDataLoss is off.
 * - `COMMIT_CONFLICT`: another writer committed a logically conflicting change (claimed the same
 *   txn appId, or removed files an optimize wanted to rewrite); the loser does not retry blindly.
 * - `STORAGE_FAILED`: writing to the table's storage failed (retriable by a restart); a failed read of
 *   the log is @tributary/delta's `DELTA_STORAGE_FAILED`, retriable as well.
 * - `INVALID_TABLE`: the log is not a table this writer can append to (schema or protocol).
 */
export type LakeWriterErrorCode = 'DATA_LOSS' | 'COMMIT_CONFLICT' | 'STORAGE_FAILED' | 'INVALID_TABLE';

export class LakeWriterError extends TributaryError<LakeWriterErrorCode> {}

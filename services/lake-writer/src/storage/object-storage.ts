import type { TableStorage } from '@tributary/delta';

/**
 * What a Delta table's writer needs from its storage: reading (the log's {@link TableStorage}) plus
 * writes. `putIfAbsent` is the only coordination primitive: the log's next commit file is created
 * by exactly one writer, so concurrent writers never overwrite each other's commit (local disk: a
 * hard link; S3: a conditional PUT with `If-None-Match: *`).
 */
export interface ObjectStorage extends TableStorage {
  put(path: string, bytes: Uint8Array): Promise<void>;
  /** Writes the whole object only if nothing exists at `path`; false when something does. */
  putIfAbsent(path: string, bytes: Uint8Array): Promise<boolean>;
  delete(path: string): Promise<void>;
}

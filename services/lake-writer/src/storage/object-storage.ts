import type { TableStorage } from '@tributary/delta';

/** One stored object, by its path relative to the table root. */
export interface StoredObject {
  readonly path: string;
  readonly size: number;
  readonly lastModified: number;
}

/**
 * What a Delta table's writer needs from its storage: reading (the log's {@link TableStorage}, with
 * sizes and times in listings for vacuum) plus writes. `putIfAbsent` is the only coordination
 * primitive: the log's next commit file is created by exactly one writer, so concurrent writers
 * never overwrite each other's commit (local disk: a hard link; S3: a conditional PUT with
 * `If-None-Match: *`).
 */
export interface ObjectStorage extends TableStorage {
  list(prefix: string): Promise<StoredObject[]>;
  put(path: string, bytes: Uint8Array): Promise<void>;
  /** Writes the whole object only if nothing exists at `path`; false when something does. */
  putIfAbsent(path: string, bytes: Uint8Array): Promise<boolean>;
  delete(path: string): Promise<void>;
}

/** One stored object, by its path relative to the table root. */
export interface StoredObject {
  readonly path: string;
  readonly size: number;
  readonly lastModified: number;
}

/**
 * What a Delta table needs from its storage. `putIfAbsent` is the only coordination primitive: the
 * log's next commit file is created by exactly one writer, so concurrent writers never overwrite
 * each other's commit (local disk: a hard link; S3: a conditional PUT with `If-None-Match: *`).
 */
export interface ObjectStorage {
  /** For logs: where the table lives. */
  readonly location: string;
  /** Every object whose path starts with `prefix`, in no particular order. */
  list(prefix: string): Promise<StoredObject[]>;
  /** The object's bytes, or undefined when it does not exist. */
  get(path: string): Promise<Uint8Array | undefined>;
  put(path: string, bytes: Uint8Array): Promise<void>;
  /** Writes the whole object only if nothing exists at `path`; false when something does. */
  putIfAbsent(path: string, bytes: Uint8Array): Promise<boolean>;
  delete(path: string): Promise<void>;
}

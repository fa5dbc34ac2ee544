/**
 * What reading a Delta table's log needs from where the table lives: list the log, get a file.
 * Writers extend it with their write operations (and sizes and times in listings, for vacuum).
 */
export interface TableStorage {
  /** Where the table lives, for messages: a directory or a URI. */
  readonly location: string;
  /** Every object whose path (relative to the table root) starts with `prefix`, in no particular order. */
  list(prefix: string): Promise<readonly { readonly path: string }[]>;
  /** The object's bytes, or undefined when it does not exist. */
  get(path: string): Promise<Uint8Array | undefined>;
}

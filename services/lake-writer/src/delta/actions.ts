/**
 * The Delta Lake log actions this writer reads and writes, as the Delta transaction protocol names
 * them. One commit is a file `_delta_log/<version, 20 digits>.json` holding one action per line.
 */
export interface ProtocolAction {
  readonly minReaderVersion: number;
  readonly minWriterVersion: number;
}

export interface MetadataAction {
  readonly id: string;
  readonly name?: string;
  readonly format: { readonly provider: 'parquet'; readonly options: Readonly<Record<string, string>> };
  /** The table's schema as Delta's JSON struct type, serialised into a string. */
  readonly schemaString: string;
  readonly partitionColumns: readonly string[];
  readonly configuration: Readonly<Record<string, string>>;
  readonly createdTime: number;
}

export interface AddAction {
  /** Relative to the table root, URI-encoded. */
  readonly path: string;
  readonly partitionValues: Readonly<Record<string, string | null>>;
  readonly size: number;
  readonly modificationTime: number;
  /** false for a rearrangement (optimize): streaming readers skip it. */
  readonly dataChange: boolean;
  /** JSON: numRecords, minValues, maxValues, nullCount. */
  readonly stats?: string;
}

export interface RemoveAction {
  readonly path: string;
  readonly deletionTimestamp: number;
  readonly dataChange: boolean;
  readonly extendedFileMetadata?: boolean;
  readonly partitionValues?: Readonly<Record<string, string | null>>;
  readonly size?: number;
}

/** An application's progress, recorded atomically with the data it wrote (idempotent writes). */
export interface TxnAction {
  readonly appId: string;
  readonly version: number;
  readonly lastUpdated?: number;
}

export type CommitInfoAction = Readonly<Record<string, unknown>>;

export type DeltaAction =
  | { readonly protocol: ProtocolAction }
  | { readonly metaData: MetadataAction }
  | { readonly add: AddAction }
  | { readonly remove: RemoveAction }
  | { readonly txn: TxnAction }
  | { readonly commitInfo: CommitInfoAction };

const VERSION_DIGITS = 20;

export const DELTA_LOG_DIR = '_delta_log';

export function commitPath(version: number): string {
  return `${DELTA_LOG_DIR}/${String(version).padStart(VERSION_DIGITS, '0')}.json`;
}

/** Newline-delimited JSON, one action per line, as readers of the protocol expect. */
export function serializeCommit(actions: readonly DeltaAction[]): Uint8Array {
  return new TextEncoder().encode(`${actions.map((action) => JSON.stringify(action)).join('\n')}\n`);
}

/** Parses a commit file; actions this writer does not know (cdc, domainMetadata, …) are kept opaque. */
export function parseCommit(bytes: Uint8Array): DeltaAction[] {
  return new TextDecoder()
    .decode(bytes)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as DeltaAction);
}

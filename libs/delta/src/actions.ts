/**
 * The Delta Lake log actions, as the Delta transaction protocol names them and as they are stored:
 * one commit is a file `_delta_log/<version, 20 digits>.json` holding one action per line.
 */
export interface ProtocolAction {
  readonly minReaderVersion: number;
  readonly minWriterVersion: number;
  /** Only with minReaderVersion 3. */
  readonly readerFeatures?: readonly string[];
  /** Only with minWriterVersion 7. */
  readonly writerFeatures?: readonly string[];
}

export interface MetadataAction {
  readonly id: string;
  readonly name?: string;
  readonly format: { readonly provider: string; readonly options: Readonly<Record<string, string>> };
  /** The table's schema as Delta's JSON struct type, serialised into a string. */
  readonly schemaString: string;
  readonly partitionColumns: readonly string[];
  readonly configuration: Readonly<Record<string, string>>;
  readonly createdTime?: number;
}

export interface AddAction {
  /** Relative to the table root and URI-encoded, or an absolute URI. */
  readonly path: string;
  readonly partitionValues: Readonly<Record<string, string | null>>;
  readonly size: number;
  readonly modificationTime: number;
  /** false for a rearrangement (optimize): streaming readers skip it. */
  readonly dataChange: boolean;
  /** JSON: numRecords, minValues, maxValues, nullCount. */
  readonly stats?: string;
  /** Rows of the file that are deleted; this library reads the descriptor's presence only. */
  readonly deletionVector?: Readonly<Record<string, unknown>>;
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

/** The actions this library knows; cdc, domainMetadata and others are skipped when parsed. */
export type DeltaAction =
  | { readonly protocol: ProtocolAction }
  | { readonly metaData: MetadataAction }
  | { readonly add: AddAction }
  | { readonly remove: RemoveAction }
  | { readonly txn: TxnAction }
  | { readonly commitInfo: CommitInfoAction };

export const DELTA_LOG_DIR = '_delta_log';

const VERSION_DIGITS = 20;

/** The commit file of a version, relative to the table root. */
export function commitPath(version: number): string {
  return `${DELTA_LOG_DIR}/${String(version).padStart(VERSION_DIGITS, '0')}.json`;
}

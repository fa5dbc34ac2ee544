import type {
  AddAction,
  DeltaAction,
  MetadataAction,
  ProtocolAction,
  RemoveAction,
  TxnAction,
} from './actions.ts';

/**
 * The table's state at one version, built by replaying commits in order: the live files (adds not
 * removed since), the latest txn version per appId, metadata and protocol.
 */
export class Snapshot {
  /** -1: the table does not exist yet (no commit 0). */
  version = -1;
  protocol: ProtocolAction | undefined;
  metadata: MetadataAction | undefined;
  readonly files = new Map<string, AddAction>();
  readonly txns = new Map<string, TxnAction>();
  /** Files removed, with their deletion time: vacuum keeps them for the retention period. */
  readonly tombstones = new Map<string, RemoveAction>();

  apply(version: number, actions: readonly DeltaAction[]): void {
    for (const action of actions) {
      if ('protocol' in action) this.protocol = action.protocol;
      else if ('metaData' in action) this.metadata = action.metaData;
      else if ('txn' in action) this.txns.set(action.txn.appId, action.txn);
      else if ('add' in action) {
        this.files.set(action.add.path, action.add);
        this.tombstones.delete(action.add.path);
      } else if ('remove' in action) {
        this.files.delete(action.remove.path);
        this.tombstones.set(action.remove.path, action.remove);
      }
    }
    this.version = version;
  }

  /** The next offset the table holds for `appId`, or undefined when that app never committed. */
  txnVersion(appId: string): number | undefined {
    return this.txns.get(appId)?.version;
  }

  rowCount(): number {
    let rows = 0;
    for (const file of this.files.values()) rows += statsOf(file)?.numRecords ?? 0;
    return rows;
  }
}

export interface FileStats {
  readonly numRecords: number;
  readonly minValues: Readonly<Record<string, unknown>>;
  readonly maxValues: Readonly<Record<string, unknown>>;
  readonly nullCount: Readonly<Record<string, number>>;
}

export function statsOf(add: AddAction): FileStats | undefined {
  return add.stats === undefined ? undefined : (JSON.parse(add.stats) as FileStats);
}

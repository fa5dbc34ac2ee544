import type {
  AddAction,
  DeltaAction,
  MetadataAction,
  ProtocolAction,
  RemoveAction,
  TxnAction,
} from './actions.ts';
import { statsOf } from './file-stats.ts';

/** The protocol: add/remove paths are URIs relative to the table root; they are compared decoded. */
function fileKey(relativeOrUri: string): string {
  return decodeURIComponent(relativeOrUri);
}

/**
 * A table's state at one version, built by replaying its log in order (a checkpoint's actions,
 * then each commit's): the live files (adds not removed since), the latest txn per appId, the last
 * metaData and protocol. Files and tombstones are keyed by their decoded path.
 */
export class TableState {
  /** -1: nothing replayed yet (the table does not exist, or no commit 0). */
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
        const key = fileKey(action.add.path);
        this.files.set(key, action.add);
        this.tombstones.delete(key);
      } else if ('remove' in action) {
        const key = fileKey(action.remove.path);
        this.files.delete(key);
        this.tombstones.set(key, action.remove);
      }
    }
    this.version = version;
  }

  /** The version the table holds for `appId` (a writer's next input position), or undefined when it never committed. */
  txnVersion(appId: string): number | undefined {
    return this.txns.get(appId)?.version;
  }

  /** Rows of the live files by their stats; files without stats count 0. */
  rowCount(): number {
    let rows = 0;
    for (const file of this.files.values()) rows += statsOf(file)?.numRecords ?? 0;
    return rows;
  }
}

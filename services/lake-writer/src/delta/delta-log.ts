import {
  commitPath,
  type DeltaAction,
  DeltaError,
  latestVersion,
  listLog,
  readCommit,
  replayLog,
  TableState,
} from '@tributary/delta';
import { LakeWriterError } from '../errors.ts';
import type { ObjectStorage } from '../storage/object-storage.ts';

/**
 * Decides, after a lost race for a version, whether the commits that won still allow ours: it gets
 * the actions committed since our read and either accepts (we retry at the next version) or throws
 * a `COMMIT_CONFLICT`. It may also return a smaller set of actions to commit instead.
 */
export type ConflictCheck = (
  winners: readonly { version: number; actions: readonly DeltaAction[] }[],
  snapshot: TableState,
) => readonly DeltaAction[] | undefined;

export interface CommitResult {
  readonly version: number;
  /** Versions lost to other writers before this one was won. */
  readonly conflicts: number;
}

/** Newline-delimited JSON, one action per line, as readers of the protocol expect. */
function serializeCommit(actions: readonly DeltaAction[]): Uint8Array {
  return new TextEncoder().encode(`${actions.map((action) => JSON.stringify(action)).join('\n')}\n`);
}

/**
 * A Delta table's log on an {@link ObjectStorage}, for writing: keeps the table's state current and
 * commits new versions optimistically. Commit N+1 is created with `putIfAbsent`, so exactly one
 * writer wins each version; a loser reads the winners, lets the caller's conflict check decide,
 * and tries the next version. Checkpoints are read (the first update starts from the newest one),
 * not written.
 */
export class DeltaLog {
  readonly storage: ObjectStorage;
  #state = new TableState();
  #loaded = false;
  #commitsSinceRead: { version: number; actions: readonly DeltaAction[] }[] = [];

  constructor(storage: ObjectStorage) {
    this.storage = storage;
  }

  get snapshot(): TableState {
    return this.#state;
  }

  /**
   * Reads commits newer than the state. The first call lists the log once (to start from a
   * checkpoint); later ones probe each next version by name, no listing.
   */
  async update(): Promise<TableState> {
    if (!this.#loaded) {
      await this.#load();
      this.#loaded = true;
    }
    for (;;) {
      const next = this.#state.version + 1;
      const actions = await readCommit(this.storage, next);
      if (!actions) return this.#state;
      this.#state.apply(next, actions);
      this.#commitsSinceRead.push({ version: next, actions });
    }
  }

  /**
   * Commits `actions` at the version after the state's, or later if others won meanwhile and
   * `check` accepts their commits. The state includes the new commit afterwards.
   */
  async commit(actions: readonly DeltaAction[], check: ConflictCheck): Promise<CommitResult> {
    let pending = actions;
    let conflicts = 0;
    this.#commitsSinceRead = [];
    for (;;) {
      const version = this.#state.version + 1;
      const won = await this.storage
        .putIfAbsent(commitPath(version), serializeCommit(pending))
        .catch((error) => {
          throw new LakeWriterError('STORAGE_FAILED', `writing commit ${version} failed: ${String(error)}`, {
            cause: error,
            retriable: true,
            context: { version, location: this.storage.location },
          });
        });
      if (won) {
        this.#state.apply(version, pending);
        return { version, conflicts };
      }
      conflicts += 1;
      this.#commitsSinceRead = [];
      await this.update();
      pending = check(this.#commitsSinceRead, this.#state) ?? pending;
    }
  }

  /** A table that does not exist yet starts empty; any other log problem stops the writer. */
  async #load(): Promise<void> {
    try {
      const listing = await listLog(this.storage);
      this.#state = (await replayLog(this.storage, listing, latestVersion(listing))).state;
    } catch (error) {
      if (!(error instanceof DeltaError && error.code === 'DELTA_NOT_A_TABLE')) throw error;
    }
  }
}

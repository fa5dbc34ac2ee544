import { LakeWriterError } from '../errors.ts';
import type { ObjectStorage } from '../storage/object-storage.ts';
import { commitPath, DELTA_LOG_DIR, type DeltaAction, parseCommit, serializeCommit } from './actions.ts';
import { Snapshot } from './snapshot.ts';

/**
 * Decides, after a lost race for a version, whether the commits that won still allow ours: it gets
 * the actions committed since our read and either accepts (we retry at the next version) or throws
 * a `COMMIT_CONFLICT`. It may also return a smaller set of actions to commit instead.
 */
export type ConflictCheck = (
  winners: readonly { version: number; actions: readonly DeltaAction[] }[],
  snapshot: Snapshot,
) => readonly DeltaAction[] | undefined;

export interface CommitResult {
  readonly version: number;
  /** Versions lost to other writers before this one was won. */
  readonly conflicts: number;
}

/**
 * A Delta table's log on an {@link ObjectStorage}: replays commits into a {@link Snapshot} and
 * commits new versions optimistically. Commit N+1 is created with `putIfAbsent`, so exactly one
 * writer wins each version; a loser reads the winners, lets the caller's conflict check decide,
 * and tries the next version. Checkpoints are not written; the log is replayed from commit 0.
 */
export class DeltaLog {
  readonly storage: ObjectStorage;
  readonly #snapshot = new Snapshot();
  #commitsSinceRead: { version: number; actions: readonly DeltaAction[] }[] = [];

  constructor(storage: ObjectStorage) {
    this.storage = storage;
  }

  get snapshot(): Snapshot {
    return this.#snapshot;
  }

  /** Reads commits newer than the snapshot (each new version is probed by name, no listing). */
  async update(): Promise<Snapshot> {
    for (;;) {
      const next = this.#snapshot.version + 1;
      const bytes = await this.#read(commitPath(next));
      if (!bytes) {
        if (next === 0) await this.#refuseCheckpointOnly();
        return this.#snapshot;
      }
      const actions = parseCommit(bytes);
      this.#snapshot.apply(next, actions);
      this.#commitsSinceRead.push({ version: next, actions });
    }
  }

  /**
   * Commits `actions` at the version after the snapshot's, or later if others won meanwhile and
   * `check` accepts their commits. The snapshot includes the new commit afterwards.
   */
  async commit(actions: readonly DeltaAction[], check: ConflictCheck): Promise<CommitResult> {
    let pending = actions;
    let conflicts = 0;
    this.#commitsSinceRead = [];
    for (;;) {
      const version = this.#snapshot.version + 1;
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
        this.#snapshot.apply(version, pending);
        return { version, conflicts };
      }
      conflicts += 1;
      this.#commitsSinceRead = [];
      await this.update();
      const winners = this.#commitsSinceRead;
      pending = check(winners, this.#snapshot) ?? pending;
    }
  }

  /**
   * No commit 0 but a checkpoint: another tool checkpointed the table and cleaned up old commits.
   * This writer replays JSON commits only; treating the table as new would overwrite it.
   */
  async #refuseCheckpointOnly(): Promise<void> {
    const marker = `${DELTA_LOG_DIR}/_last_checkpoint`;
    if (await this.#read(marker)) {
      throw new LakeWriterError(
        'INVALID_TABLE',
        `${this.storage.location} has ${marker} but no commit 0: its early commits were cleaned up after a checkpoint, and this writer only replays JSON commits`,
        { context: { location: this.storage.location } },
      );
    }
  }

  async #read(path: string): Promise<Uint8Array | undefined> {
    try {
      return await this.storage.get(path);
    } catch (error) {
      throw new LakeWriterError('STORAGE_FAILED', `reading ${path} failed: ${String(error)}`, {
        cause: error,
        retriable: true,
        context: { path, location: this.storage.location },
      });
    }
  }
}

import { commitPath, type DeltaAction } from './actions.ts';
import { checkpointActions } from './checkpoint.ts';
import { DeltaError } from './errors.ts';
import type { CheckpointFiles, LogListing } from './log-listing.ts';
import { parseCommit } from './parse-actions.ts';
import { readFrom } from './read-from.ts';
import { TableState } from './table-state.ts';
import type { TableStorage } from './table-storage.ts';

/** The actions of commit `version`, or undefined when that commit does not exist (yet). */
export async function readCommit(storage: TableStorage, version: number): Promise<DeltaAction[] | undefined> {
  const file = commitPath(version);
  const bytes = await readFrom(storage, file, () => storage.get(file));
  return bytes && parseCommit(bytes, file);
}

export interface Replayed {
  readonly state: TableState;
  /** The checkpoint the replay started from; undefined when it replayed every commit from 0. */
  readonly checkpoint: CheckpointFiles | undefined;
}

/**
 * The table's state at `version`: the newest complete checkpoint at or below it, then every commit
 * after it in order. Fails when the version is not in the listing or a commit it needs is missing.
 */
export async function replayLog(
  storage: TableStorage,
  listing: LogListing,
  version: number,
): Promise<Replayed> {
  const table = storage.location;
  const checkpoint = listing.checkpoints.filter((candidate) => candidate.version <= version).at(-1);
  if (!checkpoint && !listing.commits.has(0)) {
    throw new DeltaError(
      'DELTA_VERSION_NOT_FOUND',
      `${table}: version ${version} cannot be reconstructed: no checkpoint at or below it and commit 0 was cleaned up`,
      { context: { table, version } },
    );
  }
  const state = new TableState();
  if (checkpoint) state.apply(checkpoint.version, await checkpointActions(storage, checkpoint));
  for (let commit = state.version + 1; commit <= version; commit++) {
    const actions = listing.commits.has(commit) ? await readCommit(storage, commit) : undefined;
    if (!actions) {
      throw new DeltaError(
        'DELTA_LOG_GAP',
        `${table}: commit ${commit} is missing, needed to read version ${version}`,
        {
          context: { table, version, missing: commit },
        },
      );
    }
    state.apply(commit, actions);
  }
  return { state, checkpoint };
}

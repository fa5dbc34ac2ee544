import { DELTA_LOG_DIR } from './actions.ts';
import { DeltaError } from './errors.ts';
import { readFrom } from './read-from.ts';
import type { TableStorage } from './table-storage.ts';

export interface CheckpointFiles {
  readonly version: number;
  /** The checkpoint's Parquet files: one, or every part of a multi-part checkpoint, in part order. */
  readonly files: readonly string[];
}

/** What `_delta_log` holds at the moment it was listed; paths are relative to the table root. */
export interface LogListing {
  /** Commit file per version. */
  readonly commits: ReadonlyMap<number, string>;
  /** Complete checkpoints (every part present), oldest first. */
  readonly checkpoints: readonly CheckpointFiles[];
  /** The version `_last_checkpoint` points to, when the file exists and parses. */
  readonly lastCheckpointHint: number | undefined;
}

const LAST_CHECKPOINT = `${DELTA_LOG_DIR}/_last_checkpoint`;
const COMMIT = /^_delta_log\/(\d{20})\.json$/;
const SINGLE_CHECKPOINT = /^_delta_log\/(\d{20})\.checkpoint\.parquet$/;
const MULTI_PART_CHECKPOINT = /^_delta_log\/(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;

/** The protocol calls _last_checkpoint a hint: a torn or stale one must not stop a read, the listing decides. */
function parseLastCheckpoint(bytes: Uint8Array): number | undefined {
  try {
    const version = (JSON.parse(new TextDecoder().decode(bytes)) as { version?: unknown }).version;
    return typeof version === 'number' && Number.isSafeInteger(version) ? version : undefined;
  } catch {
    return undefined;
  }
}

function completeCheckpoints(paths: readonly string[]): CheckpointFiles[] {
  const single = new Map<number, string>();
  const parts = new Map<string, { version: number; total: number; files: Map<number, string> }>();
  for (const file of paths) {
    const one = SINGLE_CHECKPOINT.exec(file);
    if (one?.[1]) {
      single.set(Number(one[1]), file);
      continue;
    }
    const multi = MULTI_PART_CHECKPOINT.exec(file);
    if (multi?.[1] && multi[2] && multi[3]) {
      const version = Number(multi[1]);
      const total = Number(multi[3]);
      const key = `${version}/${total}`;
      const entry = parts.get(key) ?? { version, total, files: new Map<number, string>() };
      entry.files.set(Number(multi[2]), file);
      parts.set(key, entry);
    }
  }
  const checkpoints = new Map<number, CheckpointFiles>();
  for (const { version, total, files } of parts.values()) {
    // A multi-part checkpoint counts only when every part was written.
    if (files.size !== total) continue;
    const ordered = [...files.entries()].sort((a, b) => a[0] - b[0]).map(([, file]) => file);
    checkpoints.set(version, { version, files: ordered });
  }
  for (const [version, file] of single) checkpoints.set(version, { version, files: [file] });
  return [...checkpoints.values()].sort((a, b) => a.version - b.version);
}

/**
 * Lists `_delta_log`: commits, complete checkpoints and the `_last_checkpoint` hint. A log with
 * neither commits nor checkpoints is no table, unless `_last_checkpoint` is there: then the table
 * existed and lost its log, and treating it as new would overwrite it.
 */
export async function listLog(storage: TableStorage): Promise<LogListing> {
  const table = storage.location;
  const paths = (await readFrom(storage, `${DELTA_LOG_DIR}/`, () => storage.list(`${DELTA_LOG_DIR}/`))).map(
    (object) => object.path,
  );
  const commits = new Map<number, string>();
  for (const file of paths) {
    const match = COMMIT.exec(file);
    if (match?.[1]) commits.set(Number(match[1]), file);
  }
  const checkpoints = completeCheckpoints(paths);
  const hintBytes = paths.includes(LAST_CHECKPOINT)
    ? await readFrom(storage, LAST_CHECKPOINT, () => storage.get(LAST_CHECKPOINT))
    : undefined;
  if (commits.size === 0 && checkpoints.length === 0) {
    if (hintBytes) {
      throw new DeltaError(
        'DELTA_VERSION_NOT_FOUND',
        `${table} has ${LAST_CHECKPOINT} but neither a commit nor a complete checkpoint: its log was cleaned up`,
        { context: { table } },
      );
    }
    throw new DeltaError(
      'DELTA_NOT_A_TABLE',
      `${table} is not a Delta table: ${DELTA_LOG_DIR} has no commit`,
      {
        context: { table },
      },
    );
  }
  return { commits, checkpoints, lastCheckpointHint: hintBytes && parseLastCheckpoint(hintBytes) };
}

/** The newest version the listing can reconstruct. */
export function latestVersion(listing: LogListing): number {
  const newestCommit = Math.max(-1, ...listing.commits.keys());
  const newestCheckpoint = listing.checkpoints.at(-1)?.version ?? -1;
  return Math.max(newestCommit, newestCheckpoint);
}

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { DeltaError } from './errors.ts';

export interface CheckpointFiles {
  readonly version: number;
  /** The checkpoint's Parquet files: one, or every part of a multi-part checkpoint, in part order. */
  readonly files: readonly string[];
}

/** What `_delta_log` holds at the moment it was listed. */
export interface LogListing {
  readonly logDir: string;
  /** Commit file per version. */
  readonly commits: ReadonlyMap<number, string>;
  /** Complete checkpoints (every part present), oldest first. */
  readonly checkpoints: readonly CheckpointFiles[];
  /** The version `_last_checkpoint` points to, when the file exists and parses. */
  readonly lastCheckpointHint: number | undefined;
}

const COMMIT = /^(\d{20})\.json$/;
const SINGLE_CHECKPOINT = /^(\d{20})\.checkpoint\.parquet$/;
const MULTI_PART_CHECKPOINT = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;

async function readLastCheckpoint(logDir: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(logDir, '_last_checkpoint'), 'utf8');
  } catch {
    return undefined;
  }
  // The protocol calls _last_checkpoint a hint: a torn or stale one must not stop a read, the listing decides.
  try {
    const version = (JSON.parse(text) as { version?: unknown }).version;
    return typeof version === 'number' && Number.isSafeInteger(version) ? version : undefined;
  } catch {
    return undefined;
  }
}

function completeCheckpoints(names: readonly string[], logDir: string): CheckpointFiles[] {
  const single = new Map<number, string>();
  const parts = new Map<string, { version: number; total: number; files: Map<number, string> }>();
  for (const name of names) {
    const one = SINGLE_CHECKPOINT.exec(name);
    if (one?.[1]) {
      single.set(Number(one[1]), path.join(logDir, name));
      continue;
    }
    const multi = MULTI_PART_CHECKPOINT.exec(name);
    if (multi?.[1] && multi[2] && multi[3]) {
      const version = Number(multi[1]);
      const total = Number(multi[3]);
      const key = `${version}/${total}`;
      const entry = parts.get(key) ?? { version, total, files: new Map<number, string>() };
      entry.files.set(Number(multi[2]), path.join(logDir, name));
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

/** Lists `<table>/_delta_log`: commits, complete checkpoints and the `_last_checkpoint` hint. */
export async function listLog(tablePath: string): Promise<LogListing> {
  const logDir = path.join(tablePath, '_delta_log');
  let names: string[];
  try {
    names = await readdir(logDir);
  } catch (error) {
    throw new DeltaError('DELTA_NOT_A_TABLE', `${tablePath} is not a Delta table: cannot list ${logDir}`, {
      cause: error,
      context: { table: tablePath },
    });
  }
  const commits = new Map<number, string>();
  for (const name of names) {
    const match = COMMIT.exec(name);
    if (match?.[1]) commits.set(Number(match[1]), path.join(logDir, name));
  }
  const checkpoints = completeCheckpoints(names, logDir);
  if (commits.size === 0 && checkpoints.length === 0) {
    throw new DeltaError('DELTA_NOT_A_TABLE', `${tablePath} is not a Delta table: ${logDir} has no commit`, {
      context: { table: tablePath },
    });
  }
  return { logDir, commits, checkpoints, lastCheckpointHint: await readLastCheckpoint(logDir) };
}

/** The newest version the listing can reconstruct. */
export function latestVersion(listing: LogListing): number {
  const newestCommit = Math.max(-1, ...listing.commits.keys());
  const newestCheckpoint = listing.checkpoints.at(-1)?.version ?? -1;
  return Math.max(newestCommit, newestCheckpoint);
}

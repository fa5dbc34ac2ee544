import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * How far the brokers acknowledged a file: every row up to `offset` (byte) / `line` was produced
 * (or dead-lettered) and acknowledged with acks=all. Written only after that acknowledgement.
 */
export interface ReplayCheckpoint {
  readonly file: string;
  /** The file's size when the replay began: a different size means a different file. */
  readonly fileSize: number;
  readonly topic: string;
  readonly offset: number;
  readonly line: number;
  readonly produced: number;
  readonly deadLettered: number;
  readonly finished: boolean;
  readonly updatedAt: string;
}

/** The checkpoint belongs to another file or topic: resuming from it would skip or repeat rows. */
export class CheckpointMismatchError extends Error {
  readonly code = 'REPLAYER_CHECKPOINT_MISMATCH';
  readonly retriable = false;
}

export async function readCheckpoint(path: string): Promise<ReplayCheckpoint | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as ReplayCheckpoint;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Write-then-rename: a kill -9 mid-write leaves the previous checkpoint, never half a file. */
export async function writeCheckpoint(path: string, checkpoint: ReplayCheckpoint): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(checkpoint, null, 2)}\n`);
  await rename(temporary, path);
}

export function checkCompatible(
  checkpoint: ReplayCheckpoint,
  expected: { file: string; fileSize: number; topic: string },
): void {
  for (const field of ['file', 'fileSize', 'topic'] as const) {
    if (checkpoint[field] !== expected[field])
      throw new CheckpointMismatchError(
        `checkpoint is for ${field} ${JSON.stringify(checkpoint[field])}, not ${JSON.stringify(expected[field])}: pass --restart or another --checkpoint`,
      );
  }
}

import { DeltaError } from './errors.ts';
import type { TableStorage } from './table-storage.ts';

/** Runs one storage call, turning its failure into a retriable DELTA_STORAGE_FAILED naming the path. */
export async function readFrom<T>(storage: TableStorage, path: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new DeltaError(
      'DELTA_STORAGE_FAILED',
      `reading ${path} of ${storage.location} failed: ${String(error)}`,
      {
        cause: error,
        retriable: true,
        context: { table: storage.location, path },
      },
    );
  }
}

import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { DeltaAction } from './actions.ts';
import { DeltaError } from './errors.ts';
import type { CheckpointFiles } from './log-listing.ts';
import { parseAction } from './parse-actions.ts';
import { readFrom } from './read-from.ts';
import type { TableStorage } from './table-storage.ts';

/** The action columns a snapshot needs; a checkpoint may hold more (commitInfo, domainMetadata…). */
const CHECKPOINT_ACTIONS = ['add', 'remove', 'metaData', 'protocol', 'txn'];

async function checkpointRows(storage: TableStorage, file: string): Promise<Record<string, unknown>[]> {
  const bytes = await readFrom(storage, file, () => storage.get(file));
  if (!bytes) {
    throw new DeltaError('DELTA_LOG_GAP', `${storage.location}: checkpoint ${file} vanished after listing`, {
      context: { table: storage.location, file },
    });
  }
  try {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const metadata = parquetMetadata(buffer);
    const present = new Set(parquetSchema(metadata).children.map((child) => child.element.name));
    const columns = CHECKPOINT_ACTIONS.filter((column) => present.has(column));
    return await parquetReadObjects({ file: buffer, metadata, columns, compressors });
  } catch (error) {
    throw new DeltaError(
      'DELTA_CORRUPT_LOG',
      `checkpoint ${file} cannot be read: ${(error as Error).message}`,
      {
        cause: error,
        context: { table: storage.location, file },
      },
    );
  }
}

/** The actions of a (possibly multi-part) Parquet checkpoint, part by part. */
export async function checkpointActions(
  storage: TableStorage,
  checkpoint: CheckpointFiles,
): Promise<DeltaAction[]> {
  const actions: DeltaAction[] = [];
  for (const file of checkpoint.files) {
    for (const [index, row] of (await checkpointRows(storage, file)).entries()) {
      const action = parseAction(row, `${file} row ${index}`);
      if (action) actions.push(action);
    }
  }
  return actions;
}

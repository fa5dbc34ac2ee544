import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AddAction, DeltaError, type DeltaSnapshot } from '@tributary/delta';
import {
  type AsyncBuffer,
  asyncBufferFromFile,
  type FileMetaData,
  parquetMetadataAsync,
  parquetReadObjects,
  parquetSchema,
} from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { partitionValue } from './partition-value.ts';

/** One row: column name → value as hyparquet decodes it (Date for dates and timestamps, bigint for longs). */
export type DeltaRow = Record<string, unknown>;

export interface ReadProgress {
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly rowsRead: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

export interface ReadRowsOptions {
  /** Columns to return (data and partition columns alike); every column of the schema when absent. */
  readonly columns?: readonly string[];
  /** Called after each row group, then once per finished file. */
  readonly onProgress?: (progress: ReadProgress) => void;
}

const URI_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

/** Where a data file is: the protocol allows a path relative to the table (URI-encoded) or an absolute URI. */
export function dataFilePath(snapshot: DeltaSnapshot, file: AddAction): string {
  if (!URI_SCHEME.test(file.path)) return path.join(snapshot.location, decodeURIComponent(file.path));
  if (file.path.startsWith('file:')) return fileURLToPath(file.path);
  throw new DeltaError(
    'DELTA_DATA_FILE_UNREADABLE',
    `${file.path}: only data files on the local disk can be read`,
    {
      context: { table: snapshot.location, version: snapshot.version, file: file.path },
    },
  );
}

async function openDataFile(
  snapshot: DeltaSnapshot,
  file: AddAction,
): Promise<{ buffer: AsyncBuffer; metadata: FileMetaData }> {
  const location = dataFilePath(snapshot, file);
  try {
    const buffer = await asyncBufferFromFile(location);
    return { buffer, metadata: await parquetMetadataAsync(buffer) };
  } catch (error) {
    throw new DeltaError(
      'DELTA_DATA_FILE_UNREADABLE',
      `${location} (in version ${snapshot.version}) cannot be read: ${(error as Error).message}` +
        ((error as NodeJS.ErrnoException).code === 'ENOENT'
          ? ' — vacuumed while this snapshot was read?'
          : ''),
      { cause: error, context: { table: snapshot.location, version: snapshot.version, file: file.path } },
    );
  }
}

/**
 * The snapshot's rows, one batch per Parquet row group, file by file in path order. Partition
 * columns come from the log (typed by the schema); a column that a file lacks (added to the
 * schema after the file was written) reads as null.
 */
export async function* readSnapshotRows(
  snapshot: DeltaSnapshot,
  options: ReadRowsOptions = {},
): AsyncGenerator<DeltaRow[]> {
  const typeOf = new Map(snapshot.schema.map((field) => [field.name, field.type]));
  const wanted = options.columns ?? snapshot.schema.map((field) => field.name);
  const unknown = wanted.filter((column) => !typeOf.has(column));
  if (unknown.length > 0) {
    throw new DeltaError(
      'DELTA_UNKNOWN_COLUMN',
      `${snapshot.location}: no column ${unknown.join(', ')} in the table schema`,
      {
        context: { table: snapshot.location, version: snapshot.version, columns: unknown },
      },
    );
  }
  const partitionColumns = wanted.filter((column) => snapshot.partitionColumns.includes(column));
  const dataColumns = wanted.filter((column) => !snapshot.partitionColumns.includes(column));
  const bytesTotal = snapshot.files.reduce((sum, file) => sum + file.size, 0);
  let rowsRead = 0;
  let bytesDone = 0;
  for (const [index, file] of snapshot.files.entries()) {
    const { buffer, metadata } = await openDataFile(snapshot, file);
    const inFile = new Set(parquetSchema(metadata).children.map((child) => child.element.name));
    const present = dataColumns.filter((column) => inFile.has(column));
    const absent = dataColumns.filter((column) => !inFile.has(column));
    const constants: [string, unknown][] = [
      ...absent.map((column): [string, unknown] => [column, null]),
      ...partitionColumns.map((column): [string, unknown] => [
        column,
        partitionValue(file.partitionValues[column], typeOf.get(column) ?? 'string'),
      ]),
    ];
    let rowStart = 0;
    for (const group of metadata.row_groups) {
      const rowEnd = rowStart + Number(group.num_rows);
      const rows =
        present.length > 0
          ? await parquetReadObjects({
              file: buffer,
              metadata,
              columns: present,
              rowStart,
              rowEnd,
              compressors,
            })
          : Array.from({ length: rowEnd - rowStart }, (): DeltaRow => ({}));
      for (const row of rows) for (const [column, value] of constants) row[column] = value;
      rowStart = rowEnd;
      rowsRead += rows.length;
      options.onProgress?.({
        filesDone: index,
        filesTotal: snapshot.files.length,
        rowsRead,
        bytesDone,
        bytesTotal,
      });
      yield rows;
    }
    bytesDone += file.size;
    options.onProgress?.({
      filesDone: index + 1,
      filesTotal: snapshot.files.length,
      rowsRead,
      bytesDone,
      bytesTotal,
    });
  }
}

/** Every row of the snapshot in memory: for tests and small tables; reports stream with {@link readSnapshotRows}. */
export async function readAllRows(
  snapshot: DeltaSnapshot,
  options: ReadRowsOptions = {},
): Promise<DeltaRow[]> {
  const all: DeltaRow[] = [];
  for await (const batch of readSnapshotRows(snapshot, options)) all.push(...batch);
  return all;
}

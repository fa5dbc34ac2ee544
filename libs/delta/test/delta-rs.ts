import { execFileSync } from 'node:child_process';
import { deltalakePythonPath } from '@tributary/local-stack';
import { type DeltaSnapshot, statsOf } from '../src/index.ts';

/**
 * Runs `code` with delta-rs (Python `deltalake`, the local stack's python-deltalake prerequisite):
 * an implementation of the protocol independent of this library. `table` (the path), `pa`,
 * `DeltaTable` and `write_deltalake` are in scope, and `append(first, count)` writes ids
 * first…first+count-1 over two `part` partitions in one commit.
 */
export function deltaRs(table: string, code: string): void {
  execFileSync(
    deltalakePythonPath(),
    [
      '-c',
      [
        'import pyarrow as pa',
        'from deltalake import DeltaTable, write_deltalake',
        `table = ${JSON.stringify(table)}`,
        'def append(first, count):',
        '    ids = list(range(first, first + count))',
        '    write_deltalake(table, pa.table({"id": ids, "part": [i % 2 for i in ids]}), partition_by=["part"], mode="append")',
        code,
      ].join('\n'),
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

/** The snapshot's rows by the files' statistics (delta-rs writes numRecords for every file). */
export function rowsOf(snapshot: DeltaSnapshot): number {
  return snapshot.files.reduce((rows, file) => rows + (statsOf(file)?.numRecords ?? 0), 0);
}

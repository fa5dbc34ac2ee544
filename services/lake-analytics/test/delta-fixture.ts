import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { deltalakePythonPath } from '@tributary/local-stack';
import type { TaxiRide } from '@tributary/topics';

/** One step of a fixture table's history: append/overwrite/delete are one commit each. */
export type TableOperation =
  | { readonly op: 'append'; readonly rows: readonly TaxiRide[] }
  /** `date` (YYYY-MM-DD): replace that pickup-date partition only; every row must be of that date. */
  | { readonly op: 'overwrite'; readonly rows: readonly TaxiRide[]; readonly date?: string }
  | { readonly op: 'delete'; readonly keys: readonly string[] }
  | { readonly op: 'checkpoint' }
  | { readonly op: 'vacuum' };

export type ColumnNaming = 'snake' | 'camel';

const SCRIPT = fileURLToPath(new URL('./fixtures/write-delta-table.py', import.meta.url));

/**
 * Writes the operations to a Delta table with delta-rs (Python `deltalake`, the cached
 * python-deltalake prerequisite of the local stack): a writer independent of the reader under test.
 * Returns the table's version afterwards.
 */
export function writeDeltaTable(
  table: string,
  operations: readonly TableOperation[],
  naming: ColumnNaming = 'snake',
): number {
  const output = execFileSync(deltalakePythonPath(), [SCRIPT], {
    input: JSON.stringify({ table, naming, operations }),
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return (JSON.parse(output) as { version: number }).version;
}

export const pickupDate = (ride: TaxiRide): string => ride.pickupDatetime.slice(0, 10);

/** The rows a correct reader returns after the operations: the same history applied to a plain list. */
export function referenceRows(operations: readonly TableOperation[]): TaxiRide[] {
  let rows: TaxiRide[] = [];
  for (const operation of operations) {
    if (operation.op === 'append') rows = [...rows, ...operation.rows];
    else if (operation.op === 'overwrite') {
      const { date } = operation;
      rows = [
        ...(date === undefined ? [] : rows.filter((ride) => pickupDate(ride) !== date)),
        ...operation.rows,
      ];
    } else if (operation.op === 'delete') {
      const keys = new Set(operation.keys);
      rows = rows.filter((ride) => !keys.has(ride.key));
    }
  }
  return rows;
}

/** Operations that make a commit (checkpoint and vacuum do not). */
export const isCommit = (operation: TableOperation): boolean =>
  operation.op === 'append' || operation.op === 'overwrite' || operation.op === 'delete';

import type { AddAction } from './actions.ts';

/** An add action's statistics, as writers store them (JSON in `stats`). */
export interface FileStats {
  readonly numRecords: number;
  readonly minValues: Readonly<Record<string, unknown>>;
  readonly maxValues: Readonly<Record<string, unknown>>;
  readonly nullCount: Readonly<Record<string, number>>;
}

export function statsOf(add: AddAction): FileStats | undefined {
  return add.stats === undefined ? undefined : (JSON.parse(add.stats) as FileStats);
}

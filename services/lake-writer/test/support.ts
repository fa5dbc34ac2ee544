import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { deltalakePythonPath } from '@tributary/local-stack';
import { generateRideRows, parseRideRow } from '@tributary/taxi';
import type { TaxiRide } from '@tributary/topics';

const run = promisify(execFile);

export const READ_DELTA_SCRIPT = path.join(import.meta.dirname, 'fixtures', 'read_delta.py');

/** What delta-rs (Python `deltalake`) sees in the table: an independent implementation of the protocol. */
export interface DeltalakeView {
  readonly version: number;
  readonly numRows: number;
  readonly files: number;
  readonly partitionColumns: string[];
  readonly schema: [string, string][];
  /** [key, fare_amount, pickup_datetime ISO, passenger_count, pickup_date, kafka_partition, kafka_offset], sorted. */
  readonly rows: [string, number, string, number, string, number, number][];
}

export async function readWithDeltalake(
  tableDir: string,
  version?: number,
  env: Record<string, string> = {},
): Promise<DeltalakeView> {
  const python = deltalakePythonPath();
  if (!existsSync(python)) {
    throw new Error(`${python} missing: the python-deltalake prerequisite is installed by 'pnpm stack up'`);
  }
  const args =
    version === undefined ? [READ_DELTA_SCRIPT, tableDir] : [READ_DELTA_SCRIPT, tableDir, String(version)];
  const { stdout } = await run(python, args, {
    maxBuffer: 512 * 1024 * 1024,
    env: { ...process.env, ...env },
  });
  return JSON.parse(stdout) as DeltalakeView;
}

/** Realistic rides from the taxi generator (seeded, no dirty rows), over `days` days of January 2015. */
export function sampleRides(count: number, options: { seed?: number; days?: number } = {}): TaxiRide[] {
  const rides: TaxiRide[] = [];
  const from = Date.UTC(2015, 0, 1);
  for (const line of generateRideRows({
    rows: count,
    seed: options.seed ?? 7,
    from,
    to: from + (options.days ?? 5) * 86_400_000,
    dirtyFraction: 0,
  })) {
    const parsed = parseRideRow(line.split(','));
    if (parsed.ok) rides.push(parsed.ride);
  }
  return rides;
}

export function tempTableDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'lake-writer-'));
}

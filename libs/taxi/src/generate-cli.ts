#!/usr/bin/env -S node --import tsx
// taxi-generate: writes a deterministic train.csv-like file of NYC taxi rides.
import { parseArgs } from 'node:util';
import { DEFAULT_FROM, DEFAULT_TO, writeRideCsv } from './generator.ts';

const USAGE = `usage: taxi-generate --out PATH [--rows N] [--seed S] [--from ISO] [--to ISO]
                     [--dirty-fraction F] [--max-disorder-ms MS]

  --out PATH             file to write (the Kaggle train.csv header and columns)
  --rows N               data rows (default 5000)
  --seed S               seed; same seed and flags, same bytes (default 42)
  --from ISO, --to ISO   pickup range, to exclusive (default 2009-01-01 .. 2015-07-01)
  --dirty-fraction F     share of dirty rows, 0..1 (default 0.01)
  --max-disorder-ms MS   how late a few rows may come after later pickups (default 300000)`;

function fail(message: string): never {
  process.stderr.write(`taxi-generate: ${message}\n\n${USAGE}\n`);
  process.exit(78);
}

function numberFlag(
  name: string,
  raw: string | undefined,
  fallback: number,
  valid: (n: number) => boolean,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!valid(value)) fail(`--${name}: invalid value ${JSON.stringify(raw)}`);
  return value;
}

function instantFlag(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Date.parse(raw);
  if (!Number.isFinite(value)) fail(`--${name}: expected an ISO 8601 instant, got ${JSON.stringify(raw)}`);
  return value;
}

if (process.argv.includes('--help')) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
let values: Record<string, string | undefined>;
try {
  values = parseArgs({
    args: process.argv.slice(2),
    options: {
      out: { type: 'string' },
      rows: { type: 'string' },
      seed: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'dirty-fraction': { type: 'string' },
      'max-disorder-ms': { type: 'string' },
    },
  }).values;
} catch (error) {
  fail((error as Error).message);
}
const out = values.out ?? fail('--out: required');
const rows = numberFlag('rows', values.rows, 5000, (n) => Number.isSafeInteger(n) && n >= 0);
const options = {
  rows,
  seed: numberFlag('seed', values.seed, 42, (n) => Number.isSafeInteger(n) && n >= 0),
  from: instantFlag('from', values.from, DEFAULT_FROM),
  to: instantFlag('to', values.to, DEFAULT_TO),
  dirtyFraction: numberFlag('dirty-fraction', values['dirty-fraction'], 0.01, (n) => n >= 0 && n <= 1),
  maxDisorderMs: numberFlag(
    'max-disorder-ms',
    values['max-disorder-ms'],
    300_000,
    (n) => Number.isSafeInteger(n) && n >= 0,
  ),
};
if (options.to <= options.from) fail('--to must be after --from');
const started = performance.now();
let lastReport = started;
await writeRideCsv(out, options, (written) => {
  const now = performance.now();
  if (now - lastReport < 2000 && written < rows) return;
  lastReport = now;
  process.stderr.write(
    `taxi-generate: ${written}/${rows} rows (${((100 * written) / Math.max(1, rows)).toFixed(1)} %)\n`,
  );
});
process.stdout.write(
  `${JSON.stringify({ out, rows, seconds: Math.round((performance.now() - started) / 100) / 10 })}\n`,
);

import path from 'node:path';
import { parseArgs } from 'node:util';

export const USAGE = `usage: lake-analytics report --table PATH [--version N] [--out DIR] [--quiet]

  --table PATH    the Delta table (the folder holding _delta_log)
  --version N     report on this table version (default: the latest committed one)
  --out DIR       where report.json and the SVG charts go (default: ./lake-report)
  --quiet         no progress lines on stderr

Prints a summary (version, rows, files written) as JSON on stdout.`;

export interface ReportCommand {
  readonly table: string;
  readonly version: number | undefined;
  readonly outDir: string;
  readonly quiet: boolean;
}

/** A bad command line: the message names the flag and what was expected. */
export class UsageError extends Error {
  readonly code = 'LAKE_ANALYTICS_USAGE';
  readonly retriable = false;
}

export function parseCommand(argv: readonly string[]): ReportCommand {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [command, ...rest] = parsed.positionals;
  if (command !== 'report' || rest.length > 0)
    throw new UsageError(
      `expected the command "report", got ${JSON.stringify(parsed.positionals.join(' '))}`,
    );
  const { table, version, out, quiet } = parsed.values;
  if (table === undefined) throw new UsageError('--table: the Delta table path is required');
  if (version !== undefined && !/^\d+$/.test(version))
    throw new UsageError(`--version: expected an integer ≥ 0, got ${JSON.stringify(version)}`);
  return {
    table: path.resolve(table),
    version: version === undefined ? undefined : Number(version),
    outDir: path.resolve(out ?? 'lake-report'),
    quiet: quiet ?? false,
  };
}

const OPTIONS = {
  table: { type: 'string' },
  version: { type: 'string' },
  out: { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

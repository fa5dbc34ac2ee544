import { parseArgs } from 'node:util';
import { ConfigError, type ConfigOf, loadConfig } from '@tributary/config';
import { tableSettings } from './config.ts';
import { DeltaLog } from './delta/delta-log.ts';
import { optimize } from './maintenance/optimize.ts';
import { vacuum } from './maintenance/vacuum.ts';
import { openStorage } from './storage/open-storage.ts';

const USAGE = `usage: lake-writer maintenance <optimize|vacuum> [options]
  --table <uri>              the table (default LAKE_WRITER_TABLE_URI)
optimize:
  --small-file-bytes <n>     files below this size are compacted (default 33554432 = 32 MiB)
  --min-files <n>            compact a pickup date only with at least n small files (default 2)
  --max-rows-per-file <n>    rows per compacted file at most (default 1000000)
vacuum:
  --retention-hours <h>      keep unreferenced files younger than this (default 168)
  --dry-run                  list what would be deleted
Prints a JSON report on stdout, progress on stderr.`;

/** `optimize` compacts small files in one commit; `vacuum` deletes files no version needs. */
async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      table: { type: 'string' },
      'small-file-bytes': { type: 'string', default: String(32 * 1024 * 1024) },
      'min-files': { type: 'string', default: '2' },
      'max-rows-per-file': { type: 'string', default: '1000000' },
      'retention-hours': { type: 'string', default: '168' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const command = positionals[0];
  if (values.help || (command !== 'optimize' && command !== 'vacuum')) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 64;
  }
  let table: ConfigOf<typeof tableSettings>;
  try {
    table = loadConfig(
      tableSettings,
      values.table ? { ...process.env, LAKE_WRITER_TABLE_URI: values.table } : process.env,
    );
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`lake-writer ${command}: ${error.message}\n`);
    return 78;
  }
  const log = new DeltaLog(openStorage(table));
  const progress = (message: string): void => {
    process.stderr.write(`[${command}] ${message}\n`);
  };
  const report =
    command === 'optimize'
      ? await optimize(log, {
          smallFileBytes: positiveInteger('--small-file-bytes', values['small-file-bytes']),
          minFiles: positiveInteger('--min-files', values['min-files']),
          maxRowsPerFile: positiveInteger('--max-rows-per-file', values['max-rows-per-file']),
          progress,
        })
      : await vacuum(log, {
          retentionMs: Number(values['retention-hours']) * 3_600_000,
          dryRun: values['dry-run'],
        });
  process.stdout.write(`${JSON.stringify({ table: log.storage.location, command, ...report })}\n`);
  return 0;
}

function positiveInteger(flag: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`${flag}: expected a positive integer, got ${raw}`);
  return value;
}

process.exitCode = await main();

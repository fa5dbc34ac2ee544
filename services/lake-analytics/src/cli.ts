#!/usr/bin/env -S node --import tsx
// lake-analytics: wiring only. `lake-analytics report --table PATH` (see USAGE).
import { TributaryError } from '@tributary/service-kit';
import { parseCommand, type ReportCommand, USAGE, UsageError } from './cli-options.ts';
import { progressPrinter } from './progress.ts';
import { reportLake } from './report/report-lake.ts';

const EXIT_USAGE = 78;

let command: ReportCommand;
try {
  if (process.argv.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  command = parseCommand(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`lake-analytics: ${error.message}\n\n${USAGE}\n`);
  process.exit(EXIT_USAGE);
}

try {
  const { report, reportFile, chartFiles } = await reportLake(command.table, command.outDir, {
    ...(command.version === undefined ? {} : { version: command.version }),
    ...(command.quiet ? {} : { onProgress: progressPrinter() }),
  });
  process.stdout.write(
    `${JSON.stringify({ table: report.table.path, version: report.table.version, rows: report.rows, timing: report.timing, reportFile, chartFiles })}\n`,
  );
} catch (error) {
  if (!(error instanceof TributaryError)) throw error;
  process.stderr.write(`lake-analytics: ${error.code}: ${error.message}\n`);
  process.exit(1);
}

import path from 'node:path';
import { progressPrinter, reportLake, type WrittenLakeReport } from '@tributary/lake-analytics';

/**
 * The end of the taxi pipeline: the reference article's analyses over the lake (the latest committed
 * version, read while lake-writer may still be committing), written as report.json plus one SVG per
 * analysis into `outDir`. Returns the demo's summary lines beside the report.
 */
export async function lakeReport(
  tablePath: string,
  outDir: string,
): Promise<WrittenLakeReport & { readonly lines: readonly string[] }> {
  const written = await reportLake(tablePath, outDir, {
    onProgress: progressPrinter((line) => process.stderr.write(`   ${line}\n`), 2000),
  });
  const { table, rows, timing } = written.report;
  const busiestHour = written.report.ridesPerHour.reduce((best, hour) =>
    hour.rides > best.rides ? hour : best,
  );
  const lines = [
    `   lake           ${table.path} version ${table.version}: ${table.files} files, ${(table.bytes / 1024 / 1024).toFixed(1)} MiB`,
    `   rides          ${rows.read} read, ${rows.used} analysed, ${rows.filtered} dirty rows filtered (${Object.entries(
      rows.filteredByReason,
    )
      .filter(([, count]) => count > 0)
      .map(([reason, count]) => `${reason} ${count}`)
      .join(', ')}) in ${timing.seconds.toFixed(1)} s`,
    `   busiest hour   ${busiestHour.hour}:00 UTC (${busiestHour.rides} rides)`,
    `   report         ${written.reportFile}`,
    `   charts         ${written.chartFiles.map((file) => path.basename(file)).join(', ')} in ${outDir}`,
  ];
  return { ...written, lines };
}

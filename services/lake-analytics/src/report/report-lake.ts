import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { analyzeLake, type LakeReport, type LakeReportOptions } from './analyze-lake.ts';
import { taxiCharts } from './charts.ts';
import { renderSvg } from './svg.ts';

export interface WrittenLakeReport {
  readonly report: LakeReport;
  /** `<outDir>/report.json`. */
  readonly reportFile: string;
  /** One SVG per analysis, in `outDir`. */
  readonly chartFiles: readonly string[];
}

/**
 * The end-of-pipeline report: analyses one snapshot of the table (the latest unless a version is
 * given) and writes `report.json` and one SVG chart per analysis into `outDir`.
 */
export async function reportLake(
  tablePath: string,
  outDir: string,
  options: LakeReportOptions = {},
): Promise<WrittenLakeReport> {
  const report = await analyzeLake(tablePath, options);
  await mkdir(outDir, { recursive: true });
  const reportFile = path.join(outDir, 'report.json');
  await writeFile(reportFile, `${JSON.stringify(report, null, 2)}\n`);
  const chartFiles: string[] = [];
  for (const chart of taxiCharts(report, `${path.basename(report.table.path)} v${report.table.version}`)) {
    const file = path.join(outDir, chart.file);
    await writeFile(file, await renderSvg(chart.spec));
    chartFiles.push(file);
  }
  return { report, reportFile, chartFiles };
}

export {
  type AddAction,
  DeltaError,
  type DeltaErrorCode,
  type DeltaField,
  type DeltaSnapshot,
  type MetadataAction,
  openSnapshot,
  type ProtocolAction,
  type SnapshotOptions,
} from '@tributary/delta';
export {
  type DeltaRow,
  dataFilePath,
  type ReadProgress,
  type ReadRowsOptions,
  readAllRows,
  readSnapshotRows,
} from './delta/read-rows.ts';
export { progressPrinter } from './progress.ts';
export { analyzeLake, type LakeReport, type LakeReportOptions } from './report/analyze-lake.ts';
export { type ChartSpec, taxiCharts } from './report/charts.ts';
export { reportLake, type WrittenLakeReport } from './report/report-lake.ts';
export { renderSvg } from './report/svg.ts';
export {
  FARE_BUCKET_WIDTH,
  FARE_TAIL_FROM,
  MONTH_NAMES,
  TaxiAnalyses,
  type TaxiAnalysesResult,
  WEEKDAY_NAMES,
} from './taxi/analyses.ts';
export { type RideColumns, rideColumns, TaxiTableError } from './taxi/columns.ts';
export { DIRTY_REASONS, type DirtyReason, dirtyReason, MAX_PLAUSIBLE_FARE } from './taxi/dirty-rows.ts';
export { instantOf, type RideFacts, rideFacts } from './taxi/ride.ts';

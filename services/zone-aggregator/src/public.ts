// What other packages (the demo, tests, analytics) use of the zone-aggregator.
export { type AggregatorConfig, aggregatorSettings } from './config.ts';
export { readZoneHourly } from './read-zone-hourly.ts';
export { changeChannel, ensureZoneTable, ZoneTable } from './stores/zone-table.ts';
export { aggregatorTopics } from './topics.ts';
export {
  buildZoneReport,
  type ReportBy,
  renderZoneReportSvg,
  type ZoneReport,
  type ZoneTotal,
} from './zone-report.ts';

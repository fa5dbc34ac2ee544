import type { TopLevelSpec } from 'vega-lite';
import type { TaxiAnalysesResult } from '../taxi/analyses.ts';

/** One chart per analysis: the file name it is written to, and its Vega-Lite spec. */
export interface ChartSpec {
  readonly file: string;
  readonly spec: TopLevelSpec;
}

interface Axis {
  readonly field: string;
  readonly title: string;
}

interface BarChart {
  readonly title: string;
  readonly subtitle: string;
  readonly values: readonly object[];
  readonly x: Axis & { readonly labelAngle?: number };
  readonly y: Axis;
  /** A nominal field that colours the bars (the fare histogram's long tail). */
  readonly colorBy?: string;
}

const BAR = '#4c78a8';
const PALETTE = [BAR, '#e45756'];

function barChart(chart: BarChart): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: chart.title, subtitle: chart.subtitle },
    width: 640,
    height: 300,
    background: 'white',
    data: { values: [...chart.values] },
    mark: { type: 'bar', color: BAR },
    encoding: {
      x: {
        field: chart.x.field,
        type: 'ordinal',
        sort: null,
        title: chart.x.title,
        axis: { labelAngle: chart.x.labelAngle ?? 0 },
      },
      y: { field: chart.y.field, type: 'quantitative', title: chart.y.title },
      ...(chart.colorBy === undefined
        ? {}
        : {
            color: {
              field: chart.colorBy,
              type: 'nominal',
              title: null,
              scale: { range: PALETTE },
              legend: { orient: 'top' },
            },
          }),
    },
  };
}

const money = (value: number): string => `$${Number.isInteger(value) ? value : value.toFixed(2)}`;

/** The charts of a report; `source` says which table and version they show. */
export function taxiCharts(result: TaxiAnalysesResult, source: string): ChartSpec[] {
  const { rows } = result;
  const subtitle = `${source} · ${rows.used.toLocaleString('en-US')} rides, ${rows.filtered.toLocaleString('en-US')} dirty rows filtered`;
  const rides = { field: 'rides', title: 'rides' };
  const meanFare = { field: 'meanFare', title: 'mean fare (USD)' };
  const hour = { field: 'hour', title: 'hour of day (UTC)' };
  const fareBuckets = result.fareDistribution.buckets.map((bucket) => ({
    rides: bucket.rides,
    fare: bucket.to === null ? `≥ ${money(bucket.from)}` : `${money(bucket.from)}–${money(bucket.to)}`,
    part: bucket.to === null ? 'long tail' : 'fare bucket',
  }));
  const chart = (file: string, spec: BarChart): ChartSpec => ({ file, spec: barChart(spec) });
  return [
    chart('rides-per-month.svg', {
      title: 'Rides per month',
      subtitle,
      values: result.ridesPerMonth,
      x: { field: 'name', title: 'month' },
      y: rides,
    }),
    chart('rides-per-weekday.svg', {
      title: 'Rides per weekday',
      subtitle,
      values: result.ridesPerWeekday,
      x: { field: 'name', title: 'weekday' },
      y: rides,
    }),
    chart('rides-per-hour.svg', {
      title: 'Rides per hour',
      subtitle,
      values: result.ridesPerHour,
      x: hour,
      y: rides,
    }),
    chart('fare-per-hour.svg', {
      title: 'Mean fare per hour',
      subtitle,
      values: result.farePerHour,
      x: hour,
      y: meanFare,
    }),
    chart('fare-per-year.svg', {
      title: 'Mean fare per year',
      subtitle,
      values: result.farePerYear,
      x: { field: 'year', title: 'year' },
      y: meanFare,
    }),
    chart('fare-distribution.svg', {
      title: 'Fare distribution',
      subtitle,
      values: fareBuckets,
      x: { field: 'fare', title: 'fare (USD)', labelAngle: -45 },
      y: rides,
      colorBy: 'part',
    }),
    chart('filtered-rows.svg', {
      title: 'Dirty rows filtered, by reason',
      subtitle: `${source} · ${rows.read.toLocaleString('en-US')} rows read`,
      values: Object.entries(rows.filteredByReason).map(([reason, count]) => ({ reason, rows: count })),
      x: { field: 'reason', title: 'reason' },
      y: { field: 'rows', title: 'rows' },
    }),
  ];
}

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackState } from '@tributary/local-stack';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

const DASHBOARD = fileURLToPath(new URL('../../grafana/dashboards/pipeline-health.json', import.meta.url));

interface DashboardPanel {
  readonly title: string;
  readonly type: string;
  readonly fieldConfig?: { defaults?: { unit?: string } };
  readonly targets?: readonly { refId: string; expr: string; legendFormat?: string }[];
}

export interface HealthSeries {
  readonly label: string;
  readonly metric: Readonly<Record<string, string>>;
  /** [unix seconds, value]; NaN samples (0/0, a quantile of no observations) are left out. */
  readonly values: readonly (readonly [number, number])[];
}

export interface HealthPanel {
  readonly title: string;
  readonly unit: string;
  readonly queries: readonly string[];
  readonly series: readonly HealthSeries[];
}

export interface PipelineHealthReport {
  readonly from: string;
  readonly to: string;
  readonly stepSeconds: number;
  readonly panels: readonly HealthPanel[];
  readonly json: string;
  readonly svg: string;
}

export interface PipelineHealthOptions {
  /** Evaluated from, to (ms since the epoch). */
  readonly from: number;
  readonly to: number;
  /** Regular expression of the Prometheus jobs to show (the dashboard's `$job`); `.+` for all. */
  readonly jobs: string;
  readonly outDir: string;
}

/** Grafana's variables, expanded as Grafana would for this time range. */
function expand(expr: string, options: PipelineHealthOptions): string {
  const rangeSeconds = Math.max(60, Math.ceil((options.to - options.from) / 1000));
  return expr
    .replaceAll('$job', options.jobs)
    .replaceAll('$__rate_interval', '30s')
    .replaceAll('$__range', `${rangeSeconds}s`);
}

/** `{{topic}} {{partition}}` → `machine.temperature 3`, as Grafana's legend format does. */
function legend(format: string | undefined, metric: Record<string, string>): string {
  if (!format) return JSON.stringify(metric);
  return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => metric[name] ?? '');
}

async function rangeQuery(
  prometheusUrl: string,
  expr: string,
  options: PipelineHealthOptions,
  stepSeconds: number,
): Promise<{ metric: Record<string, string>; values: [number, string][] }[]> {
  // Prometheus evaluates at start, start + step, …: counting back from `to` makes the last point
  // `to` itself, so a series that exists now is in the report (a start at `from` could end up to a
  // step before `to` and miss a rate that only just has its two samples).
  const end = options.to / 1000;
  const start = end - Math.ceil((end - options.from / 1000) / stepSeconds) * stepSeconds;
  const response = await fetch(`${prometheusUrl}/api/v1/query_range`, {
    method: 'POST',
    body: new URLSearchParams({
      query: expr,
      start: String(start),
      end: String(end),
      step: `${stepSeconds}s`,
    }),
  });
  const body = (await response.json()) as {
    status: string;
    error?: string;
    data?: { result: { metric: Record<string, string>; values: [number, string][] }[] };
  };
  if (body.status !== 'success') throw new Error(`Prometheus refused ${expr}: ${body.error}`);
  return body.data?.result ?? [];
}

const UNIT_TITLES: Readonly<Record<string, string>> = {
  rps: 'per second',
  s: 'seconds',
  percentunit: 'share',
};

function chart(
  panels: readonly HealthPanel[],
  title: string,
  domain: readonly [number, number],
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    background: 'white',
    vconcat: panels.map((panel) => ({
      title: `${panel.title}${UNIT_TITLES[panel.unit] ? ` (${UNIT_TITLES[panel.unit]})` : ''}`,
      width: 640,
      height: 140,
      data: {
        values: panel.series.flatMap((series) =>
          series.values.map(([time, value]) => ({ time: time * 1000, value, series: series.label })),
        ),
      },
      mark: { type: 'line', strokeWidth: 1.5 },
      encoding: {
        // One time axis for every panel, in UTC like the dashboard.
        x: {
          field: 'time',
          type: 'temporal',
          title: 'UTC',
          scale: { type: 'utc', domain: [...domain] },
          axis: { format: '%H:%M' },
        },
        y: {
          field: 'value',
          type: 'quantitative',
          title: null,
          axis: { format: panel.unit === 'percentunit' ? '.0%' : '~g' },
        },
        color: {
          field: 'series',
          type: 'nominal',
          title: null,
          legend: { orient: 'right', labelLimit: 320 },
        },
      },
    })),
    resolve: { scale: { color: 'independent' } },
  };
}

async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Vega's 'none' renderer needs no browser or canvas (text widths are estimated).
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Every query of the "Pipeline health" Grafana dashboard, evaluated over a past time range on the
 * stack's Prometheus (what Grafana would draw), written as JSON and as one SVG of all panels.
 */
export async function reportPipelineHealth(
  stack: StackState,
  options: PipelineHealthOptions,
): Promise<PipelineHealthReport> {
  const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as { panels: DashboardPanel[] };
  const stepSeconds = Math.max(2, Math.ceil((options.to - options.from) / 1000 / 200));
  const panels: HealthPanel[] = [];
  for (const panel of dashboard.panels) {
    if (!panel.targets?.length) continue;
    const series: HealthSeries[] = [];
    const queries: string[] = [];
    for (const target of panel.targets) {
      const expr = expand(target.expr, options);
      queries.push(expr);
      for (const result of await rangeQuery(stack.prometheus.url, expr, options, stepSeconds)) {
        const values = result.values
          .map(([time, value]) => [time, Number(value)] as const)
          .filter(([, value]) => Number.isFinite(value));
        series.push({ label: legend(target.legendFormat, result.metric), metric: result.metric, values });
      }
    }
    panels.push({ title: panel.title, unit: panel.fieldConfig?.defaults?.unit ?? '', queries, series });
  }
  await mkdir(options.outDir, { recursive: true });
  const json = path.join(options.outDir, 'pipeline-health.json');
  const svg = path.join(options.outDir, 'pipeline-health.svg');
  const from = new Date(options.from).toISOString();
  const to = new Date(options.to).toISOString();
  await writeFile(json, `${JSON.stringify({ from, to, stepSeconds, panels }, null, 2)}\n`);
  await writeFile(
    svg,
    await renderSvg(chart(panels, `Tributary pipeline health, ${from} – ${to}`, [options.from, options.to])),
  );
  return { from, to, stepSeconds, panels, json, svg };
}

/** The largest sample of a panel, for a one-line summary. */
export function panelPeak(panel: HealthPanel): number | undefined {
  const values = panel.series.flatMap((series) => series.values.map(([, value]) => value));
  return values.length === 0 ? undefined : Math.max(...values);
}

/** A value as Grafana would label it for the panel's unit. */
function withUnit(value: number, unit: string): string {
  const rounded = (number: number) => String(Number(number.toPrecision(3)));
  switch (unit) {
    case 'rps':
      return `${rounded(value)}/s`;
    case 's':
      return `${rounded(value)} s`;
    case 'percentunit':
      return `${rounded(value * 100)} %`;
    default:
      return rounded(value);
  }
}

/** One line per panel (series and peak), then where the report went. */
export function pipelineHealthSummary(report: PipelineHealthReport): string[] {
  const width = Math.max(...report.panels.map((panel) => panel.title.length));
  return [
    ...report.panels.map((panel) => {
      const peak = panelPeak(panel);
      const shown = peak === undefined ? 'no data' : `peak ${withUnit(peak, panel.unit)}`;
      return `   ${panel.title.padEnd(width)} ${String(panel.series.length).padStart(3)} series, ${shown}`;
    }),
    `   report         ${report.json}, ${report.svg}`,
    '   dashboard      deploy/grafana/dashboards/pipeline-health.json, alerts deploy/prometheus/alerts.yaml',
  ];
}

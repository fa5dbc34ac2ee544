import type { ZoneHourly } from '@tributary/topics';

export type ReportBy = 'total' | 'hour';

export interface ZoneTotal {
  readonly zone: string;
  readonly zoneName: string;
  readonly borough: string;
  readonly rides: number;
  readonly hours: number;
  readonly avgFare: number;
  readonly peakHour: { readonly hourStart: string; readonly rides: number };
}

export interface ZoneReport {
  readonly by: ReportBy;
  readonly threshold: number;
  /** Zone-hours read back (latest record per key). */
  readonly keys: number;
  readonly finalKeys: number;
  readonly totalRides: number;
  /** by total: zones with at least `threshold` rides in all, most rides first. */
  readonly zones: ZoneTotal[];
  /** by hour: zone-hours with at least `threshold` rides, most rides first. */
  readonly hours: ZoneHourly[];
}

/** Zones (or zone-hours) above a threshold, from the latest record of every zone|hour key. */
export function buildZoneReport(
  latest: ReadonlyMap<string, ZoneHourly>,
  by: ReportBy,
  threshold: number,
): ZoneReport {
  const totals = new Map<
    string,
    { value: ZoneHourly; rides: number; hours: number; fareSum: number; priced: number; peak: ZoneHourly }
  >();
  let finalKeys = 0;
  let totalRides = 0;
  for (const value of latest.values()) {
    if (value.final) finalKeys++;
    totalRides += value.rides;
    const total = totals.get(value.zone);
    if (!total) {
      totals.set(value.zone, {
        value,
        rides: value.rides,
        hours: 1,
        fareSum: value.fareSum,
        priced: value.pricedRides,
        peak: value,
      });
      continue;
    }
    total.rides += value.rides;
    total.hours++;
    total.fareSum += value.fareSum;
    total.priced += value.pricedRides;
    if (
      value.rides > total.peak.rides ||
      (value.rides === total.peak.rides && value.hourStart < total.peak.hourStart)
    )
      total.peak = value;
    // The latest hour carries the newest name from the zone table.
    if (value.hourStart > total.value.hourStart) total.value = value;
  }
  const byRides = <T extends { rides: number }>(a: T, b: T, tie: (x: T, y: T) => number) =>
    b.rides - a.rides || tie(a, b);
  const zones =
    by === 'total'
      ? [...totals.values()]
          .filter((total) => total.rides >= threshold)
          .map(
            (total): ZoneTotal => ({
              zone: total.value.zone,
              zoneName: total.value.zoneName,
              borough: total.value.borough,
              rides: total.rides,
              hours: total.hours,
              avgFare: total.priced === 0 ? 0 : Math.round((100 * total.fareSum) / total.priced) / 100,
              peakHour: { hourStart: total.peak.hourStart, rides: total.peak.rides },
            }),
          )
          .sort((a, b) => byRides(a, b, (x, y) => x.zone.localeCompare(y.zone)))
      : [];
  const hours =
    by === 'hour'
      ? [...latest.values()]
          .filter((value) => value.rides >= threshold)
          .sort((a, b) =>
            byRides(a, b, (x, y) => `${x.hourStart}${x.zone}`.localeCompare(`${y.hourStart}${y.zone}`)),
          )
      : [];
  return { by, threshold, keys: latest.size, finalKeys, totalRides, zones, hours };
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A horizontal bar chart of the report (at most `limit` bars), as a standalone SVG document. */
export function renderZoneReportSvg(report: ZoneReport, limit = 30): string {
  const bars =
    report.by === 'total'
      ? report.zones.slice(0, limit).map((z) => ({ label: `${z.zoneName} (${z.borough})`, value: z.rides }))
      : report.hours
          .slice(0, limit)
          .map((h) => ({ label: `${h.zoneName} ${h.hourStart.slice(0, 13)}h`, value: h.rides }));
  const width = 900;
  const labelWidth = 320;
  const barHeight = 20;
  const top = 50;
  const height = top + bars.length * (barHeight + 6) + 30;
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const scale = (width - labelWidth - 80) / max;
  const title =
    report.by === 'total'
      ? `Taxi rides per pickup zone (zones with ≥ ${report.threshold} rides)`
      : `Busiest zone-hours (≥ ${report.threshold} rides in an hour)`;
  const rows = bars.map((bar, index) => {
    const y = top + index * (barHeight + 6);
    return [
      `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escapeXml(bar.label)}</text>`,
      `<rect x="${labelWidth}" y="${y}" width="${Math.max(1, bar.value * scale).toFixed(1)}" height="${barHeight}" fill="#f2b705"/>`,
      `<text x="${(labelWidth + bar.value * scale + 6).toFixed(1)}" y="${y + 15}">${bar.value}</text>`,
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16">${escapeXml(title)}</text>`,
    ...rows,
    bars.length === 0
      ? `<text x="${width / 2}" y="${top + 15}" text-anchor="middle">nothing above the threshold</text>`
      : '',
    '</svg>',
    '',
  ].join('\n');
}

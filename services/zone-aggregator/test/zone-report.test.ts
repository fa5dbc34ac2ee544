import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ZoneHourly } from '@tributary/topics';
import { buildZoneReport, renderZoneReportSvg } from '../src/zone-report.ts';

const value = (zone: string, hour: number, rides: number, zoneName = zone): ZoneHourly => ({
  zone,
  zoneName,
  borough: 'Manhattan',
  hourStart: new Date(Date.UTC(2014, 2, 3, hour)).toISOString(),
  rides,
  pricedRides: rides,
  fareSum: rides * 10,
  avgFare: 10,
  final: hour < 2,
});
const latest = new Map(
  [
    value('a', 0, 5),
    value('a', 1, 7),
    value('a', 2, 1, 'A renamed'),
    value('b', 0, 4),
    value('c', 0, 30),
  ].map((v) => [`${v.zone}|${v.hourStart}`, v]),
);

describe('buildZoneReport', () => {
  it('by total: zones at or above the threshold, most rides first, with the newest name and the peak hour', () => {
    const report = buildZoneReport(latest, 'total', 10);
    assert.deepEqual(
      report.zones.map((z) => [z.zone, z.zoneName, z.rides, z.hours, z.peakHour.rides]),
      [
        ['c', 'c', 30, 1, 30],
        ['a', 'A renamed', 13, 3, 7],
      ],
    );
    assert.deepEqual([report.keys, report.finalKeys, report.totalRides], [5, 4, 47]);
  });

  it('by hour: zone-hours at or above the threshold', () => {
    const report = buildZoneReport(latest, 'hour', 5);
    assert.deepEqual(
      report.hours.map((h) => [h.zone, h.rides]),
      [
        ['c', 30],
        ['a', 7],
        ['a', 5],
      ],
    );
  });

  it('renders an SVG with one bar per listed zone, names escaped', () => {
    const svg = renderZoneReportSvg(
      buildZoneReport(new Map([['x', value('x', 0, 3, 'Tom & Jerry <Zone>')]]), 'total', 1),
    );
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal((svg.match(/<rect x=/g) ?? []).length, 1);
    assert.match(svg, /Tom &amp; Jerry &lt;Zone&gt;/);
  });
});

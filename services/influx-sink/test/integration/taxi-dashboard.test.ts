import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { readStackState } from '@tributary/local-stack';
import { uniqueName } from '@tributary/testing';
import type { ZoneHourly } from '@tributary/topics';
import { taxiZoneHourlyMapping } from '../../src/mappings/index.ts';
import { toPoint } from '../../src/processors/to-point.ts';
import { flux, substituteRange } from './flux.ts';
import { createDatabase, dropDatabase } from './support.ts';

interface Dashboard {
  readonly uid: string;
  readonly schemaVersion: number;
  readonly time: { readonly from: string; readonly to: string };
  readonly templating: { readonly list: { readonly name: string; readonly query: string }[] };
  readonly panels: {
    readonly title: string;
    readonly type: string;
    readonly targets: { readonly query: string }[];
  }[];
}

const dashboardFile = new URL('../../../../deploy/grafana/dashboards/taxi.json', import.meta.url);
const sampleFile = new URL('../../../../data/taxi/sample.csv', import.meta.url);

const HOUR_MS = 3_600_000;
/** The span of the Kaggle file, its bundled sample and libs/taxi's generator. */
const FROM = Date.UTC(2009, 0, 1);
const TO = Date.UTC(2015, 6, 1);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const BIN_WIDTH = 2.5;
const TAIL_FROM = 50;

/** 12 zones in 7 boroughs; a zone's weight scales its rides per zone-hour. */
const ZONES: readonly (readonly [zone: string, name: string, borough: string, weight: number])[] = [
  ['midtown-west', 'Midtown West / Times Square', 'Manhattan', 12],
  ['harlem', 'Harlem', 'Manhattan', 11],
  ['upper-east-side', 'Upper East Side', 'Manhattan', 10],
  ['jfk-airport', 'JFK Airport', 'Queens', 9],
  ['financial-district', 'Financial District', 'Manhattan', 8],
  ['laguardia-airport', 'LaGuardia Airport', 'Queens', 7],
  ['williamsburg', 'Williamsburg', 'Brooklyn', 6],
  ['unknown', 'Outside known zones', 'Unknown', 5],
  ['south-bronx', 'South Bronx', 'Bronx', 4],
  ['astoria', 'Astoria', 'Queens', 3],
  ['st-george', 'St. George', 'Staten Island', 2],
  ['newark-airport', 'Newark Airport', 'EWR', 1],
];
/** The zone table renames harlem from this hour on: the top-zones panel must show the newer name. */
const RENAMED_FROM = Date.UTC(2012, 0, 1);

function zoneById(id: string): (typeof ZONES)[number] {
  const zone = ZONES.find(([zone]) => zone === id);
  if (!zone) throw new Error(`no zone ${id}`);
  return zone;
}

/** A small deterministic generator (LCG, Numerical Recipes constants): the same sample every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function zoneHour(
  [zone, name, borough]: (typeof ZONES)[number],
  hourStart: number,
  rides: number,
  pricedRides: number,
  fareCents: number,
  final: boolean,
): ZoneHourly {
  return {
    zone,
    zoneName: zone === 'harlem' && hourStart >= RENAMED_FROM ? 'Central Harlem' : name,
    borough,
    hourStart: new Date(hourStart).toISOString(),
    rides,
    pricedRides,
    fareSum: fareCents / 100,
    avgFare: pricedRides === 0 ? 0 : Math.round(fareCents / pricedRides) / 100,
    final,
  };
}

/**
 * Zone-hours across 2009–2015 (every month, weekday and hour), in two writes as zone-aggregator
 * emits them: first the open versions of some zone-hours, then their final versions, which must
 * overwrite them. Some zone-hours have no priced ride; some averages sit exactly on a bin edge.
 */
function sampleWrites(): ZoneHourly[][] {
  const random = seeded(20_090_101);
  const hours = (TO - FROM) / HOUR_MS;
  const open: ZoneHourly[] = [];
  const final: ZoneHourly[] = [];
  for (let i = 0; i < 480; i++) {
    const zone = ZONES[i % ZONES.length] as (typeof ZONES)[number];
    const hourStart = FROM + Math.floor(random() * hours) * HOUR_MS;
    const rides = zone[3] * (1 + Math.floor(random() * 3));
    const pricedRides = i % 17 === 0 ? 0 : rides - Math.floor(random() * 2);
    const avgCents = 250 + Math.floor(random() * 5500);
    const fareCents = pricedRides * avgCents + Math.floor(random() * pricedRides);
    if (i % 4 === 0) {
      const fewer = Math.max(1, rides - zone[3]);
      open.push(zoneHour(zone, hourStart, fewer, fewer, fewer * (avgCents + 700), false));
    }
    final.push(zoneHour(zone, hourStart, rides, pricedRides, fareCents, true));
  }
  final.push(
    zoneHour(zoneById('astoria'), Date.UTC(2010, 4, 5, 5), 4, 4, 20_000, true), // $50.00: the last bounded bin
    zoneHour(zoneById('st-george'), Date.UTC(2013, 8, 8, 23), 2, 2, 10_500, true), // $52.50: the tail
    zoneHour(zoneById('south-bronx'), Date.UTC(2011, 10, 20, 3), 1, 1, 250, true), // $2.50: the first bin
    zoneHour(zoneById('south-bronx'), Date.UTC(2014, 1, 2, 12), 3, 2, 2_000, true), // $10.00: a bin's upper edge
  );
  return [open, final];
}

/** What InfluxDB should hold: the last value written for each zone-hour. */
function latestPerZoneHour(writes: readonly ZoneHourly[][]): ZoneHourly[] {
  const latest = new Map<string, ZoneHourly>();
  for (const value of writes.flat()) latest.set(`${value.zone}|${value.hourStart}`, value);
  return [...latest.values()];
}

function sumBy<K>(
  values: readonly ZoneHourly[],
  key: (value: ZoneHourly) => K,
  of: (value: ZoneHourly) => number,
) {
  const sums = new Map<K, number>();
  for (const value of values) sums.set(key(value), (sums.get(key(value)) ?? 0) + of(value));
  return sums;
}

const utc = (value: ZoneHourly) => new Date(value.hourStart);
const monthStart = (value: ZoneHourly) => Date.UTC(utc(value).getUTCFullYear(), utc(value).getUTCMonth(), 1);
const sortedByKey = <K extends number | string>(sums: Map<K, number>) =>
  [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Sum of fares / priced rides per key, over keys with a priced ride. */
function averageFareBy<K extends number | string>(
  values: readonly ZoneHourly[],
  key: (value: ZoneHourly) => K,
) {
  const fares = sumBy(values, key, (value) => value.fareSum);
  const priced = sumBy(values, key, (value) => value.pricedRides);
  return sortedByKey(priced)
    .filter(([, count]) => count > 0)
    .map(([group, count]) => [group, (fares.get(group) ?? 0) / count] as const);
}

/** The time series comes as one table per borough: rows compared by borough, then time. */
const byBoroughThenTime = ([a, at]: (string | number)[], [b, bt]: (string | number)[]) =>
  String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : Number(at) - Number(bt);

const hourLabel = (hour: number) => String(hour).padStart(2, '0');

/** Every panel's expected rows from the plain reference, by panel title. */
function reference(values: readonly ZoneHourly[]): Record<string, (string | number)[][]> {
  const rides = (value: ZoneHourly) => value.rides;
  const zoneTotals = sumBy(values, (value) => value.zone, rides);
  const latestName = new Map<string, { at: number; name: string }>();
  for (const value of values) {
    const at = Date.parse(value.hourStart);
    if ((latestName.get(value.zone)?.at ?? -1) < at) latestName.set(value.zone, { at, name: value.zoneName });
  }
  // Bins (upper - 2.5, upper] as Flux's histogram() counts them, the last one everything above $50.
  const bins = Array.from({ length: TAIL_FROM / BIN_WIDTH + 1 }, (_, index) =>
    values.filter(
      (value) =>
        value.avgFare > 0 &&
        Math.min(TAIL_FROM / BIN_WIDTH, Math.ceil(value.avgFare / BIN_WIDTH) - 1) === index,
    ),
  ).map((inBin) => inBin.length);
  return {
    // Keyed by borough and month start as one string (a Map compares arrays by identity).
    'Rides per month over time, by borough': [
      ...sumBy(values, (value) => `${value.borough}|${monthStart(value)}`, rides),
    ]
      .map(([key, sum]) => {
        const [borough = '', month = ''] = key.split('|');
        return [borough, Number(month), sum];
      })
      .sort(byBoroughThenTime),
    'Rides per month of the year': sortedByKey(sumBy(values, (value) => utc(value).getUTCMonth(), rides)).map(
      ([month, sum]) => [MONTHS[month] ?? '', sum],
    ),
    'Rides per weekday': sortedByKey(sumBy(values, (value) => (utc(value).getUTCDay() + 6) % 7, rides)).map(
      ([weekday, sum]) => [WEEKDAYS[weekday] ?? '', sum],
    ),
    'Rides per hour of day (UTC)': sortedByKey(sumBy(values, (value) => utc(value).getUTCHours(), rides)).map(
      ([hour, sum]) => [hourLabel(hour), sum],
    ),
    'Average fare per hour of day (UTC)': averageFareBy(values, (value) => utc(value).getUTCHours()).map(
      ([hour, average]) => [hourLabel(hour), average],
    ),
    'Average fare per year': averageFareBy(values, (value) => utc(value).getUTCFullYear()).map(
      ([year, average]) => [String(year), average],
    ),
    'Top 10 pickup zones': [...zoneTotals.entries()]
      .sort(([, a], [, b]) => b - a)
      .slice(0, 10)
      .map(([zone, sum]) => [latestName.get(zone)?.name ?? '', sum]),
    'Rides per borough': [...sumBy(values, (value) => value.borough, rides).entries()].sort(
      ([, a], [, b]) => b - a,
    ),
    'Zone-hours by average fare (not the per-ride fare distribution)': bins.map((count, index) => [
      index === bins.length - 1 ? `> ${TAIL_FROM}` : `${index * BIN_WIDTH}–${(index + 1) * BIN_WIDTH}`,
      count,
    ]),
  };
}

/** A panel's answer as rows of its displayed columns, in the order Grafana gets them. */
const COLUMNS: Record<string, readonly string[]> = {
  'Rides per month over time, by borough': ['borough', '_time', '_value'],
  'Rides per month of the year': ['month', 'rides'],
  'Rides per weekday': ['weekday', 'rides'],
  'Rides per hour of day (UTC)': ['hour', 'rides'],
  'Average fare per hour of day (UTC)': ['hour', 'avg_fare'],
  'Average fare per year': ['year', 'avg_fare'],
  'Top 10 pickup zones': ['zone_name', 'rides'],
  'Rides per borough': ['borough', 'rides'],
  'Zone-hours by average fare (not the per-ride fare distribution)': ['average_fare', 'zone_hours'],
};

function asRows(title: string, rows: readonly Record<string, string>[]): (string | number)[][] {
  const columns = COLUMNS[title] ?? [];
  const converted = rows.map((row) =>
    columns.map((column) => {
      const cell = row[column] ?? '';
      if (column === '_time') return Date.parse(cell);
      return column === columns[0] ? cell : Number(cell);
    }),
  );
  return title.startsWith('Rides per month over time') ? converted.sort(byBoroughThenTime) : converted;
}

/** Labels equal and in order; numbers equal up to float summation order. */
function assertRows(actual: (string | number)[][], expected: (string | number)[][], title: string): void {
  assert.equal(
    actual.length,
    expected.length,
    `${title}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`,
  );
  actual.forEach((row, index) => {
    const want = expected[index] ?? [];
    assert.equal(row.length, want.length, title);
    row.forEach((cell, column) => {
      const other = want[column];
      if (typeof cell === 'number' && typeof other === 'number')
        assert.ok(
          Math.abs(cell - other) <= 1e-9 * Math.max(1, Math.abs(other)),
          `${title} row ${index}: ${cell} vs ${other}`,
        );
      else assert.equal(cell, other, `${title} row ${index}`);
    });
  });
}

function lines(values: readonly ZoneHourly[]): string {
  return values
    .map((value) => {
      const mapped = toPoint(taxiZoneHourlyMapping, value);
      if (!mapped.ok) throw new Error(mapped.reason);
      return mapped.line;
    })
    .join('\n');
}

/** Grafana's :regex format of a multi-value variable (the sample's values need no escaping). */
const alternatives = (values: readonly string[]) => `(${values.join('|')})`;

describe('taxi dashboard queries against the real InfluxDB (Flux 0.65 in 1.8)', () => {
  let url: string;
  let dashboard: Dashboard;
  const db = uniqueName('grafana-taxi').replaceAll('.', '_');
  const writes = sampleWrites();
  const latest = latestPerZoneHour(writes);

  /** A query with the dashboard's default time range and the given variable values substituted. */
  const run = (query: string, boroughs: readonly string[], zones: readonly string[] = []) =>
    flux(
      url,
      substituteRange(query, db, dashboard.time)
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template
        .replaceAll('${borough:regex}', alternatives(boroughs))
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template
        .replaceAll('${zone:regex}', alternatives(zones)),
    );
  const variable = (name: string) => {
    const found = dashboard.templating.list.find((entry) => entry.name === name);
    assert.ok(found, `variable ${name}`);
    return found.query;
  };

  before(async () => {
    url = (await readStackState()).influx.url;
    dashboard = JSON.parse(await readFile(dashboardFile, 'utf8')) as Dashboard;
    await createDatabase(url, db);
    for (const batch of writes) {
      const response = await fetch(`${url}/api/v2/write?org=-&bucket=${db}&precision=ms`, {
        method: 'POST',
        body: lines(batch),
      });
      assert.equal(response.status, 204, await response.text());
    }
  });

  after(async () => {
    await dropDatabase(url, db);
  });

  it('the sample exercises what the panels claim: every month, weekday, hour and year, overwrites, no ties', () => {
    const at = latest.map((value) => new Date(value.hourStart));
    assert.equal(new Set(at.map((date) => date.getUTCMonth())).size, 12);
    assert.equal(new Set(at.map((date) => date.getUTCDay())).size, 7);
    assert.equal(new Set(at.map((date) => date.getUTCHours())).size, 24);
    assert.equal(new Set(at.map((date) => date.getUTCFullYear())).size, 7);
    const total = (values: readonly ZoneHourly[]) => values.reduce((sum, value) => sum + value.rides, 0);
    assert.notEqual(total(writes.flat()), total(latest), 'summing every write would be wrong');
    assert.ok(latest.some((value) => value.pricedRides === 0));
    const expected = reference(latest);
    for (const title of ['Top 10 pickup zones', 'Rides per borough']) {
      const counts = (expected[title] ?? []).map(([, count]) => count);
      assert.equal(new Set(counts).size, counts.length, `${title}: no ties, so the order is defined`);
    }
    assert.ok(expected['Top 10 pickup zones']?.some(([name]) => name === 'Central Harlem'));
  });

  it('has uid tributary-taxi, a current schemaVersion and a default time range covering the bundled sample', async () => {
    assert.equal(dashboard.uid, 'tributary-taxi');
    assert.ok(dashboard.schemaVersion >= 39);
    const from = Date.parse(dashboard.time.from);
    const to = Date.parse(dashboard.time.to);
    const pickups = (await readFile(sampleFile, 'utf8'))
      .split('\n')
      .slice(1)
      .map((line) => Date.parse((line.split(',')[2] ?? '').replace(' UTC', 'Z').replace(' ', 'T')))
      .filter((time) => Number.isFinite(time));
    assert.ok(pickups.length > 4_900, `${pickups.length} pickups parsed`);
    assert.ok(
      pickups.every((time) => time >= from && time < to),
      `${dashboard.time.from}..${dashboard.time.to}`,
    );
    assert.ok(
      latest.every((value) => Date.parse(value.hourStart) >= from && Date.parse(value.hourStart) < to),
    );
  });

  it('the borough variable offers every borough with rides, the zone variable the zones of the chosen boroughs', async () => {
    const boroughs = (await run(variable('borough'), [])).map((row) => row._value);
    assert.deepEqual(boroughs, [...new Set(ZONES.map(([, , borough]) => borough))].sort());
    const zones = async (chosen: readonly string[]) =>
      (await run(variable('zone'), chosen)).map((row) => row._value);
    assert.deepEqual(await zones(boroughs as string[]), ZONES.map(([zone]) => zone).sort());
    assert.deepEqual(await zones(['Staten Island', 'Queens']), [
      'astoria',
      'jfk-airport',
      'laguardia-airport',
      'st-george',
    ]);
  });

  it('every panel answers what the reference computes from the latest value per zone-hour, for all zones and for a selection', async () => {
    assert.deepEqual(
      dashboard.panels.map((panel) => panel.title).sort(),
      Object.keys(COLUMNS).sort(),
      'every panel is checked',
    );
    const allBoroughs = (await run(variable('borough'), [])).map((row) => row._value ?? '');
    const allZones = (await run(variable('zone'), allBoroughs)).map((row) => row._value ?? '');
    const someBoroughs = ['Manhattan', 'Staten Island'];
    const someZones = (await run(variable('zone'), someBoroughs))
      .map((row) => row._value ?? '')
      .filter((zone) => zone !== 'upper-east-side');
    for (const [boroughs, zones] of [
      [allBoroughs, allZones],
      [someBoroughs, someZones],
    ] as const) {
      const expected = reference(
        latest.filter((value) => boroughs.includes(value.borough) && zones.includes(value.zone)),
      );
      for (const panel of dashboard.panels) {
        assert.equal(panel.targets.length, 1, panel.title);
        const rows = await run(panel.targets[0]?.query ?? '', boroughs, zones);
        assertRows(
          asRows(panel.title, rows),
          expected[panel.title] ?? [],
          `${panel.title} (${zones.length} zones)`,
        );
      }
    }
  });
});

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { readStackState } from '@tributary/local-stack';
import { uniqueName } from '@tributary/testing';
import type { HashtagTop, HashtagWindowCount } from '@tributary/topics';
import { type AnyPointMapping, hashtagCountsMapping, hashtagTopMapping } from '../../src/mappings/index.ts';
import { toPoint } from '../../src/processors/to-point.ts';
import { flux, substituteMacros } from './flux.ts';
import { createDatabase, dropDatabase } from './support.ts';

interface Dashboard {
  readonly uid: string;
  readonly schemaVersion: number;
  readonly templating: { readonly list: { readonly name: string; readonly query: string }[] };
  readonly panels: {
    readonly title: string;
    readonly type: string;
    readonly targets: { readonly query: string }[];
  }[];
}

const dashboardFile = new URL(
  '../../../../deploy/grafana/dashboards/trending-hashtags.json',
  import.meta.url,
);
const TAGS = [
  'ether',
  'bitcoin',
  'café',
  '日本',
  'привет',
  'ai',
  'kafka',
  'nft',
  'web3',
  'crypto',
  'climate',
  'rust',
  'f1',
  'a_b',
];
const SLIDE_MS = 10_000;
const WINDOW_MS = 20_000;

/** 30 sliding windows ending now: tag i counts about (14 - i) × a wave, the last window still open. */
function sampleWindows(now: number): { counts: HashtagWindowCount[]; tops: HashtagTop[] } {
  const counts: HashtagWindowCount[] = [];
  const tops: HashtagTop[] = [];
  const lastStart = Math.floor(now / SLIDE_MS) * SLIDE_MS - WINDOW_MS;
  for (let w = 0; w < 30; w++) {
    const start = lastStart - (29 - w) * SLIDE_MS;
    const windowStart = new Date(start).toISOString();
    const windowEnd = new Date(start + WINDOW_MS).toISOString();
    const final = w < 29;
    const inWindow = TAGS.map((tag, i) => ({
      tag,
      count: (TAGS.length - i) * (2 + ((w + i) % 5)),
      sentiment: Math.round(Math.sin(w + i) * 100) / 100,
    }));
    for (const score of inWindow) counts.push({ ...score, windowStart, windowEnd, final });
    const top = [...inWindow].sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag)).slice(0, 10);
    tops.push({ windowStart, windowEnd, top, final });
  }
  return { counts, tops };
}

function lines(mapping: AnyPointMapping, values: readonly unknown[]): string[] {
  return values.map((value) => {
    const mapped = toPoint(mapping, value);
    if (!mapped.ok) throw new Error(mapped.reason);
    return mapped.line;
  });
}

describe('trending-hashtags dashboard queries against the real InfluxDB (Flux 0.65 in 1.8)', () => {
  let url: string;
  const db = uniqueName('grafana-tags').replaceAll('.', '_');
  const now = Date.now();
  const { counts, tops } = sampleWindows(now);
  const latest = tops.at(-1) as HashtagTop;

  before(async () => {
    url = (await readStackState()).influx.url;
    await createDatabase(url, db);
    const body = [...lines(hashtagCountsMapping, counts), ...lines(hashtagTopMapping, tops)].join('\n');
    const response = await fetch(`${url}/api/v2/write?org=-&bucket=${db}&precision=ms`, {
      method: 'POST',
      body,
    });
    assert.equal(response.status, 204, await response.text());
  });

  after(async () => {
    await dropDatabase(url, db);
  });

  it('has a stable uid, a current schemaVersion, two bar charts and two time series', async () => {
    const dashboard = JSON.parse(await readFile(dashboardFile, 'utf8')) as Dashboard;
    assert.equal(dashboard.uid, 'tributary-trending-hashtags');
    assert.ok(dashboard.schemaVersion >= 39);
    assert.deepEqual(
      dashboard.panels.map((panel) => panel.type),
      ['barchart', 'barchart', 'timeseries', 'timeseries'],
    );
  });

  it('every query returns what its panel promises: the latest top 10, its sentiment, series per chosen tag', async () => {
    const dashboard = JSON.parse(await readFile(dashboardFile, 'utf8')) as Dashboard;
    const variable = dashboard.templating.list.find((entry) => entry.name === 'tag');
    assert.ok(variable);
    const tagRows = await flux(url, substituteMacros(variable.query, db, now));
    const chosen = tagRows.map((row) => row._value ?? '');
    // Tag i has the i-th largest counts in every window: the variable offers the first ten.
    assert.deepEqual([...chosen].sort(), TAGS.slice(0, 10).sort());

    const [topPanel, sentimentPanel, countPanel, sentimentSeriesPanel] = dashboard.panels;
    const query = (panel: Dashboard['panels'][number] | undefined, selection: readonly string[]) =>
      flux(
        url,
        substituteMacros(panel?.targets[0]?.query ?? '', db, now).replaceAll(
          // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template
          '${tag:regex}',
          `(${selection.join('|')})`,
        ),
      );

    const topRows = await query(topPanel, chosen);
    assert.deepEqual(
      topRows.map((row) => [row.hashtag, Number(row.count)]),
      latest.top.map((entry) => [entry.tag, entry.count]),
      'the latest window, in rank order',
    );
    const sentimentRows = await query(sentimentPanel, chosen);
    assert.deepEqual(
      sentimentRows.map((row) => [row.hashtag, Number(row.sentiment)]),
      latest.top.map((entry) => [entry.tag, entry.sentiment]),
    );

    for (const selection of [chosen, ['café', '日本']]) {
      for (const panel of [countPanel, sentimentSeriesPanel]) {
        const rows = await query(panel, selection);
        assert.deepEqual(
          [...new Set(rows.map((row) => row.tag))].sort(),
          [...selection].sort(),
          panel?.title,
        );
        // One point per window and tag: 30 windows each.
        assert.equal(rows.length, selection.length * 30, panel?.title);
        for (const row of rows) assert.ok(Number.isFinite(Number(row._value)), `${panel?.title}: numeric`);
      }
    }
  });
});

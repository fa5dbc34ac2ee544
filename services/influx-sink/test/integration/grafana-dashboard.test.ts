import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { readStackState } from '@tributary/local-stack';
import { uniqueName } from '@tributary/testing';
import { machineRegimeMapping } from '../../src/mappings/index.ts';
import { toPoint } from '../../src/processors/to-point.ts';
import { flux, substituteMacros } from './flux.ts';
import { createDatabase, dropDatabase, predictions } from './support.ts';

interface Target {
  readonly query: string;
}
interface Dashboard {
  readonly uid: string;
  readonly schemaVersion: number;
  readonly templating: { readonly list: { readonly name: string; readonly query: string }[] };
  readonly panels: { readonly title: string; readonly type: string; readonly targets: Target[] }[];
}

const dashboardFile = new URL('../../../../deploy/grafana/dashboards/machine-regimes.json', import.meta.url);

/** Grafana's macros and the machine variable, as substituted for a time range of the last hour. */
function substitute(query: string, bucket: string, machines: readonly string[]): string {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template
  return substituteMacros(query, bucket).replaceAll('${machine:regex}', `(${machines.join('|')})`);
}

describe('machine-regimes dashboard queries against the real InfluxDB (Flux 0.65 in 1.8)', () => {
  let url: string;
  const db = uniqueName('grafana').replaceAll('.', '_');

  before(async () => {
    url = (await readStackState()).influx.url;
    await createDatabase(url, db);
    // 20 minutes of readings of 6 machines, ending now, mapped exactly as the sink maps them.
    const lines = predictions(6 * 120, 0, Date.now() - 20 * 60_000).map((value, index) => {
      const mapped = toPoint(machineRegimeMapping, { ...value, timestamp: value.timestamp + (index % 6) });
      if (!mapped.ok) throw new Error(mapped.reason);
      return mapped.line;
    });
    const response = await fetch(`${url}/api/v2/write?org=-&bucket=${db}&precision=ms`, {
      method: 'POST',
      body: lines.join('\n'),
    });
    assert.equal(response.status, 204, await response.text());
  });

  after(async () => {
    await dropDatabase(url, db);
  });

  it('has a stable uid, a current schemaVersion and only Flux targets on the provisioned datasource', async () => {
    const dashboard = JSON.parse(await readFile(dashboardFile, 'utf8')) as Dashboard;
    assert.equal(dashboard.uid, 'tributary-machine-regimes');
    assert.ok(dashboard.schemaVersion >= 39);
    assert.deepEqual(
      dashboard.panels.map((panel) => panel.type),
      ['timeseries', 'state-timeline', 'timeseries'],
    );
  });

  it('the machine variable query and every panel query return data with macros substituted', async () => {
    const dashboard = JSON.parse(await readFile(dashboardFile, 'utf8')) as Dashboard;
    const variable = dashboard.templating.list.find((entry) => entry.name === 'machine');
    assert.ok(variable);
    const machineRows = await flux(url, substitute(variable.query, db, []));
    const machines = machineRows.map((row) => row._value ?? '');
    assert.deepEqual(machines, ['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);

    for (const selection of [machines, ['m2']]) {
      for (const panel of dashboard.panels) {
        for (const target of panel.targets) {
          const rows = await flux(url, substitute(target.query, db, selection));
          assert.ok(rows.length > 0, `${panel.title} returned no rows`);
          const seen = [...new Set(rows.map((row) => row.machine))].sort();
          assert.deepEqual(seen, [...selection].sort(), `${panel.title}: one series per selected machine`);
          for (const row of rows)
            assert.ok(Number.isFinite(Number(row._value)), `${panel.title}: numeric values`);
        }
      }
    }
  });
});

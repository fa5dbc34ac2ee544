// The `helm test` script (charts/tributary/files/tests/check-pipeline.mjs) run here against a real
// service-kit service and the stack's InfluxDB: no cluster runs pods on this machine, so this is
// where the script itself is proven to pass and to fail.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readStackState } from '@tributary/local-stack';
import { createService, type Service } from '@tributary/service-kit';
import { uniqueName } from '@tributary/testing';
import { chartDir, run } from './chart.ts';

const SCRIPT = path.join(chartDir, 'files', 'tests', 'check-pipeline.mjs');

function check(env: Record<string, string>) {
  return run(process.execPath, [SCRIPT], {
    env: { PATH: process.env.PATH ?? '', CHECK_TIMEOUT_MS: '5000', ...env },
  });
}

async function influx(url: string, q: string): Promise<void> {
  const response = await fetch(`${url}/query?${new URLSearchParams({ q })}`, { method: 'POST' });
  assert.equal(response.status, 200, await response.text());
}

describe('helm test pipeline check', () => {
  let service: Service<Record<never, never>>;
  let target = '';
  const readiness = { check: undefined as ReturnType<Service<object>['readiness']['register']> | undefined };
  let influxUrl = '';
  const database = uniqueName('chart_check').replaceAll(/[^a-z0-9_]/gi, '_');

  before(async () => {
    process.env.TRIBUTARY_HTTP_HOST = '127.0.0.1';
    process.env.TRIBUTARY_HTTP_PORT = '0';
    process.env.TRIBUTARY_GRPC_HOST = '127.0.0.1';
    process.env.TRIBUTARY_GRPC_PORT = '0';
    process.env.TRIBUTARY_LOG_LEVEL = 'silent';
    service = createService({ name: 'chart-check-target' });
    readiness.check = service.readiness.register('upstream');
    await service.start();
    target = `probe=127.0.0.1:${service.http.address?.port}:${service.grpc.address?.port}`;
    influxUrl = (await readStackState()).influx.url;
    await influx(influxUrl, `CREATE DATABASE "${database}"`);
  });

  after(async () => {
    await service.stop();
    await influx(influxUrl, `DROP DATABASE "${database}"`);
  });

  test('an unready service fails both its /readyz and its gRPC health check', async () => {
    readiness.check?.fail('upstream unreachable');
    const result = await check({ CHECK_SERVICES: target });
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stdout, /FAIL probe \/readyz: HTTP 503/);
    assert.match(result.stdout, /FAIL probe gRPC health: status 2 \(1 is SERVING\)/);
  });

  test('a ready service passes both', async () => {
    readiness.check?.pass();
    const result = await check({ CHECK_SERVICES: target });
    assert.equal(result.code, 0, result.stdout);
    assert.match(result.stdout, /ok {3}probe \/readyz: ready/);
    assert.match(result.stdout, /ok {3}probe gRPC health: SERVING/);
  });

  test('nothing listening fails with the reason', async () => {
    const result = await check({ CHECK_SERVICES: 'gone=127.0.0.1:1:1' });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /FAIL gone \/readyz/);
    assert.match(result.stdout, /FAIL gone gRPC health/);
  });

  test('InfluxDB: an empty bucket fails, a recent point passes (Flux over /api/v2/query)', async () => {
    const env = {
      INFLUX_URL: influxUrl,
      INFLUX_ORG: '-',
      INFLUX_BUCKET: database,
      CHECK_INFLUX_RANGE: '-15m',
    };
    const empty = await check(env);
    assert.equal(empty.code, 1, empty.stdout);
    assert.match(empty.stdout, new RegExp(`FAIL InfluxDB recent points: no point in bucket ${database}`));

    const write = await fetch(`${influxUrl}/api/v2/write?org=-&bucket=${database}&precision=ms`, {
      method: 'POST',
      body: `check,service=chart value=1 ${Date.now()}`,
    });
    assert.equal(write.status, 204, await write.text());
    const written = await check(env);
    assert.equal(written.code, 0, written.stdout);
    assert.match(written.stdout, /ok {3}InfluxDB recent points: 1 recent point/);
  });

  test('no target at all is a failure, not a silent pass', async () => {
    const result = await check({});
    assert.equal(result.code, 1);
    assert.match(result.stdout, /nothing to check/);
  });
});

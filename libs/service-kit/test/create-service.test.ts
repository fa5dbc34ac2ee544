import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { grpcHealth } from '@tributary/testing';
import { PING_SERVICE_NAME } from './fixtures/ping-service.ts';
import { FixtureProcess, type LogLine } from './support/fixture-process.ts';
import { ping } from './support/grpc-client.ts';

const fixtures: FixtureProcess[] = [];
function startFixture(env: Record<string, string> = {}): FixtureProcess {
  const fixture = new FixtureProcess(env);
  fixtures.push(fixture);
  return fixture;
}
afterEach(() => Promise.all(fixtures.splice(0).map((fixture) => fixture.dispose())));

const indexOf = (logs: LogLine[], msg: string) => logs.findIndex((line) => line.msg === msg);

describe('a service built on the kit', { timeout: 60_000 }, () => {
  test('serves process metrics and its own counters on /metrics in Prometheus text', async () => {
    const fixture = startFixture();
    const { http } = await fixture.running();
    for (let i = 0; i < 3; i++) await fixture.command('increment');

    const response = await fetch(`${http}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const body = await response.text();
    assert.match(body, /^process_cpu_user_seconds_total \d/m);
    assert.match(body, /^nodejs_eventloop_lag_seconds \d/m);
    assert.match(body, /^fixture_events_total 3$/m);
    assert.match(body, /^tributary_service_info\{service="fixture",version="1\.2\.3"\} 1$/m);
  });

  test('answers /healthz with 200 while running', async () => {
    const fixture = startFixture();
    const { http } = await fixture.running();
    const response = await fetch(`${http}/healthz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'alive' });
  });

  test('answers /readyz with 503 naming the failing check until it passes, then 200', async () => {
    const fixture = startFixture();
    const { http } = await fixture.running();

    const before = await fetch(`${http}/readyz`);
    assert.equal(before.status, 503);
    assert.deepEqual(await before.json(), {
      status: 'not ready',
      failing: [{ check: 'fixture-consumer', reason: 'not reported yet' }],
    });

    await fixture.command('ready');
    const after = await fetch(`${http}/readyz`);
    assert.equal(after.status, 200);
    assert.deepEqual(await after.json(), { status: 'ready' });
  });

  test('reports gRPC health NOT_SERVING until ready, then SERVING overall and per service', async () => {
    const fixture = startFixture();
    const { grpc } = await fixture.running();
    assert.equal(await grpcHealth(grpc, ''), 'NOT_SERVING');

    await fixture.command('ready');
    assert.equal(await grpcHealth(grpc, ''), 'SERVING');
    assert.equal(await grpcHealth(grpc, PING_SERVICE_NAME), 'SERVING');
    assert.deepEqual(await ping(grpc, 'hello'), { message: 'pong hello' });
  });

  test('exits 78 when the configuration is invalid, naming every bad variable', async () => {
    const fixture = startFixture({ TRIBUTARY_HTTP_PORT: 'abc', TRIBUTARY_SHUTDOWN_DEADLINE: 'soon' });
    assert.deepEqual(await fixture.exited, { code: 78, signal: null });

    const [jsonLine = '', ...plainLines] = fixture.stderr.trimEnd().split('\n');
    const logged = JSON.parse(jsonLine) as { level: string; service: string; issues: { variable: string }[] };
    assert.equal(logged.level, 'fatal');
    assert.equal(logged.service, 'fixture');
    assert.deepEqual(
      logged.issues.map((issue) => issue.variable),
      ['TRIBUTARY_HTTP_PORT', 'TRIBUTARY_SHUTDOWN_DEADLINE'],
    );
    assert.ok(plainLines.includes("TRIBUTARY_HTTP_PORT: expected a port number from 0 to 65535, got 'abc'"));
  });

  test('on SIGTERM stops fetching, finishes the in-flight batch, commits, and exits 0', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'service-kit-')), 'committed.json');
    const fixture = startFixture({ FIXTURE_MARKER_PATH: marker });
    await fixture.running();
    await fixture.command('consume');
    await fixture.waitForLog((line) => line.msg === 'consumer fetching');

    fixture.signal('SIGTERM');
    assert.deepEqual(await fixture.exited, { code: 0, signal: null });

    const { committed } = JSON.parse(readFileSync(marker, 'utf8')) as { committed: number };
    assert.ok(committed >= 1, `committed ${committed} batches`);
    const stopping = indexOf(fixture.logs, 'service stopping');
    const hookDone = indexOf(fixture.logs, 'consumer committed and disconnected');
    const stopped = indexOf(fixture.logs, 'service stopped');
    assert.ok(
      stopping >= 0 && stopping < hookDone && hookDone < stopped,
      'hook ran between stopping and stopped',
    );
  });

  test('is not ready and NOT_SERVING while its shutdown hooks run', async () => {
    const fixture = startFixture({ FIXTURE_HANG_ON_SHUTDOWN: 'true', TRIBUTARY_SHUTDOWN_DEADLINE: '10m' });
    const { http, grpc } = await fixture.running();
    await fixture.command('ready');

    fixture.signal('SIGTERM');
    await fixture.waitForLog((line) => line.msg === 'service stopping');
    const readyz = await fetch(`${http}/readyz`);
    assert.equal(readyz.status, 503);
    assert.deepEqual(await readyz.json(), {
      status: 'not ready',
      failing: [{ check: 'lifecycle', reason: 'STOPPING' }],
    });
    assert.equal((await fetch(`${http}/healthz`)).status, 200);
    assert.equal(await grpcHealth(grpc, ''), 'NOT_SERVING');
    assert.equal(await grpcHealth(grpc, PING_SERVICE_NAME), 'NOT_SERVING');
  });

  test('exits 1 when a shutdown hook outlives the shutdown deadline', async () => {
    const fixture = startFixture({ FIXTURE_HANG_ON_SHUTDOWN: 'true', TRIBUTARY_SHUTDOWN_DEADLINE: '300ms' });
    await fixture.running();

    fixture.signal('SIGTERM');
    assert.deepEqual(await fixture.exited, { code: 1, signal: null });
    const exceeded = fixture.logs.find((line) => line.msg === 'shutdown deadline exceeded');
    assert.deepEqual(exceeded?.unfinished, ['hang forever', 'stop consumer']);
  });

  test('logs an uncaught error as fatal, runs the crash policy hook, and exits 1', async () => {
    const fixture = startFixture();
    await fixture.running();
    await fixture.command('crash');

    assert.deepEqual(await fixture.exited, { code: 1, signal: null });
    const fatal = fixture.logs.findIndex((line) => line.level === 'fatal');
    assert.equal(
      (fixture.logs[fatal]?.err as { message?: string } | undefined)?.message,
      'fixture crashed on purpose',
    );
    assert.ok(indexOf(fixture.logs, 'crash policy ran') > fatal, 'onFatal ran after the fatal line');
  });
});

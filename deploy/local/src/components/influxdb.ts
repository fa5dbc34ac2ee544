import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StackError } from '../errors.ts';
import { influxdBinary } from '../prerequisites/influxdb-binary.ts';
import { ManagedProcess } from '../process/managed-process.ts';
import { type Settings, STACK_DATABASE, settingVariable } from '../settings.ts';
import type { Component } from './component.ts';
import { ensureRunning, processStatus } from './ensure-running.ts';
import { httpAnswers } from './http-health.ts';

export function influxUrl(settings: Settings): string {
  return `http://127.0.0.1:${settings.influxPort}`;
}

/** influxd's configuration for a data folder and two loopback ports (HTTP with Flux, and RPC). */
export function renderInfluxConfig(options: { dir: string; httpPort: number; rpcPort: number }): string {
  const { dir } = options;
  return `reporting-disabled = true
bind-address = "127.0.0.1:${options.rpcPort}"

[meta]
  dir = "${path.join(dir, 'meta')}"

[data]
  dir = "${path.join(dir, 'data')}"
  wal-dir = "${path.join(dir, 'wal')}"
  query-log-enabled = false

# The _internal database would grow on every run; Prometheus scrapes /metrics instead.
[monitor]
  store-enabled = false

[http]
  bind-address = "127.0.0.1:${options.httpPort}"
  flux-enabled = true
  log-enabled = false
`;
}

/** Writing to a database that does not exist fails with 404, so the stack's one is made up front. */
async function ensureDatabase(settings: Settings): Promise<void> {
  const response = await fetch(`${influxUrl(settings)}/query`, {
    method: 'POST',
    body: new URLSearchParams({ q: `CREATE DATABASE ${STACK_DATABASE}` }),
  });
  if (!response.ok) {
    throw new StackError(
      'COMPONENT_START_FAILED',
      `influxdb refused CREATE DATABASE ${STACK_DATABASE}: ${response.status} ${await response.text()}`,
    );
  }
}

/** InfluxDB 1.8.10 built by the prerequisites; its 1.x and 2.x HTTP APIs on one port. */
export function influxdbComponent(settings: Settings): Component {
  const dir = path.join(settings.stackDir, 'influxdb');
  const configFile = path.join(dir, 'influxdb.conf');
  const proc = new ManagedProcess({
    name: 'influxdb',
    command: influxdBinary(settings),
    args: ['-config', configFile],
    dir,
    stopSignal: 'SIGTERM',
    stopTimeoutMs: 15_000,
  });
  const healthy = () => httpAnswers(`${influxUrl(settings)}/ping`, 204);
  return {
    name: 'influxdb',
    async up() {
      await ensureRunning(proc, {
        healthy,
        port: settings.influxPort,
        portSetting: settingVariable('influxPort'),
        async prepare() {
          await mkdir(dir, { recursive: true });
          await writeFile(
            configFile,
            renderInfluxConfig({ dir, httpPort: settings.influxPort, rpcPort: settings.influxRpcPort }),
          );
        },
        startTimeoutMs: 60_000,
      });
      await ensureDatabase(settings);
    },
    async status() {
      return [await processStatus(proc, `127.0.0.1:${settings.influxPort}`, healthy)];
    },
    down: () => proc.stop(),
  };
}

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceProcess } from '@tributary/demo';
import { defineTopic, type TopicSpec } from '@tributary/kafka';
import { influxdPath, renderInfluxConfig } from '@tributary/local-stack';
import { influxQuery, uniqueName, waitFor } from '@tributary/testing';
import { machineRegime, type RegimePrediction } from '@tributary/topics';

/** A machine.regime-shaped topic with a unique name (3 partitions, its own DLQ). */
export function regimeTopic(prefix: string): TopicSpec<string, RegimePrediction> {
  const name = uniqueName(prefix);
  return defineTopic({ ...machineRegime, name, partitions: 3, deadLetterTopic: `${name}.dlq` });
}

/** `count` predictions over 6 machines, one reading per machine per second of event time. */
export function predictions(count: number, from = 0, base = Date.UTC(2024, 0, 1)): RegimePrediction[] {
  return Array.from({ length: count }, (_, index) => {
    const i = from + index;
    const regime = i % 3;
    return {
      machine: `m${i % 6}`,
      timestamp: base + Math.floor(i / 6) * 1000,
      temperature: 40 + regime * 20 + (i % 7) / 10,
      regime,
      confidence: 0.5 + (i % 50) / 100,
      modelVersion: 'v-test',
    };
  });
}

export interface StoredPoint {
  readonly time: number;
  readonly machine: string;
  readonly regime: string;
  readonly temperature: number;
  readonly confidence: number;
  readonly regimeId: number;
  readonly modelVersion: string;
}

export async function storedPoints(url: string, db: string): Promise<StoredPoint[]> {
  const rows = await influxQuery(
    url,
    db,
    'SELECT "temperature", "confidence", "regime_id", "model_version", "machine", "regime" FROM "machine_regime"',
  );
  return rows.map(([time, temperature, confidence, regimeId, modelVersion, machine, regime]) => ({
    time: time as number,
    temperature: temperature as number,
    confidence: confidence as number,
    regimeId: regimeId as number,
    modelVersion: modelVersion as string,
    machine: machine as string,
    regime: regime as string,
  }));
}

export async function createDatabase(url: string, db: string): Promise<void> {
  await influxQuery(url, db, `CREATE DATABASE "${db}"`);
}

export async function dropDatabase(url: string, db: string): Promise<void> {
  await influxQuery(url, db, `DROP DATABASE "${db}"`).catch(() => undefined);
}

const SINK_FOR_TOPIC = fileURLToPath(new URL('../fixtures/sink-for-topic.ts', import.meta.url));

/** The sink run as a real process (the fixture wires src/sink-service.ts to a test topic). */
export class SinkProcess extends ServiceProcess {
  constructor(env: Record<string, string>) {
    super('influx-sink', SINK_FOR_TOPIC, env);
  }

  async httpPort(): Promise<number> {
    return (await this.running()).httpPort;
  }

  async metrics(): Promise<string> {
    return (await fetch(`http://127.0.0.1:${await this.httpPort()}/metrics`)).text();
  }

  async ready(): Promise<boolean> {
    return (await fetch(`http://127.0.0.1:${await this.httpPort()}/readyz`)).ok;
  }
}

/** Sums every sample of a metric that carries all the given labels. */
export function metricSum(exposition: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/**
 * A private InfluxDB 1.8 a test may stop and start: the local stack's binary and config, on ports
 * and a data dir of its own.
 */
export class PrivateInfluxd {
  readonly dir: string;
  readonly port: number;
  readonly #rpcPort: number;
  #child: ChildProcess | undefined;

  private constructor(dir: string, port: number, rpcPort: number) {
    this.dir = dir;
    this.port = port;
    this.#rpcPort = rpcPort;
  }

  static async create(dir: string): Promise<PrivateInfluxd> {
    return new PrivateInfluxd(dir, await freePort(), await freePort());
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const config = path.join(this.dir, 'influxdb.conf');
    await writeFile(
      config,
      renderInfluxConfig({ dir: this.dir, httpPort: this.port, rpcPort: this.#rpcPort }),
    );
    this.#child = spawn(influxdPath(), ['-config', config], { stdio: 'ignore' });
    await waitFor(
      'private influxd to answer /ping',
      async () =>
        (await fetch(`${this.url}/ping`).catch(() => undefined))?.status === 204 ? true : undefined,
      60_000,
    );
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
    this.#child = undefined;
  }
}

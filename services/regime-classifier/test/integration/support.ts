import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Client, credentials, type ServiceError } from '@grpc/grpc-js';
import { readStackState } from '@tributary/local-stack';
import { generateReadings, type LabelledReading } from '@tributary/sensors';
import { service as healthService } from 'grpc-health-check';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import type { BackendPreference } from '../../src/model/backend.ts';
import { matrixToRows } from '../../src/model/matrix.ts';
import { ModelStore } from '../../src/model/model-store.ts';
import { MODEL_FORMAT_VERSION } from '../../src/model/regime-model.ts';
import { unscale } from '../../src/model/scaler.ts';
import { trainRegimeModel } from '../../src/model/training.ts';

export type LogLine = Record<string, unknown> & { readonly msg?: string };

export function uniqueName(prefix: string): string {
  return `test.${prefix}.${randomUUID().slice(0, 8)}`;
}

export async function testKafka(): Promise<{ kafka: Kafka; brokers: string[] }> {
  const brokers = (await readStackState()).kafka.brokers;
  return { kafka: new Kafka({ clientId: 'regime-test', brokers, logLevel: logLevel.NOTHING }), brokers };
}

/** The backend the classifier and the test both run on (REGIME_TEST_BACKEND, default wasm: fast to load). */
export function testBackend(): BackendPreference {
  return (process.env.REGIME_TEST_BACKEND as BackendPreference | undefined) ?? 'wasm';
}

/** The seeded stream both the producer side and the accuracy check regenerate. */
export function labelledReadings(seed: number, machines: number, count: number): LabelledReading[] {
  return [...generateReadings({ seed, machines, count, startTime: Date.UTC(2024, 5, 1) })];
}

/** A small model (rolling features, K=4, a few epochs) saved as a new version of `dir`. */
export async function trainTinyModel(dir: string, seed = 5): Promise<{ store: ModelStore; version: string }> {
  const labelled = labelledReadings(seed, 6, 6_000);
  const readings = labelled.map(({ reading }) => reading);
  const truth = {
    labels: Int32Array.from(labelled.map(({ regime }) => regime)),
    names: ['idle', 'warm-up', 'normal', 'unstable', 'heavy', 'overheating'],
  };
  const features = { kind: 'rolling', window: 10 } as const;
  const mlp = { hidden: [6, 8], epochs: 8, batchSize: 128, learningRate: 0.01 };
  const result = await trainRegimeModel(
    readings,
    { seed, features, k: 5, kMax: 6, elbowSample: 2_000, kmeansRestarts: 2, mlp },
    truth,
  );
  const { report } = result;
  const store = new ModelStore(dir);
  const version = await store.save(result.model, {
    formatVersion: MODEL_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    seed,
    features,
    featureNames: [...report.featureNames],
    scaler: { mean: [...result.scaler.mean], std: [...result.scaler.std] },
    k: report.k,
    kChosenBy: report.kChosenBy,
    centroids: matrixToRows(result.centroids),
    centroidsInUnits: matrixToRows(unscale(result.scaler, result.centroids)),
    clusterOrder: 'ascending mean temperature of the centroid (cluster 0 is the coolest)',
    ...(report.regimes === undefined
      ? {}
      : {
          regimes: { names: [...report.regimes.names], clusterToRegime: [...report.regimes.clusterToRegime] },
        }),
    mlp,
    trainedOn: { backend: 'test', source: `generated seed ${seed}`, rows: readings.length },
    report,
  });
  result.model.dispose();
  return { store, version };
}

const ENTRY = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

/** The classifier service run as a real process; its JSON log lines are parsed as they arrive. */
export class ClassifierProcess {
  readonly logs: LogLine[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #waiters = new Set<() => void>();

  constructor(env: Record<string, string>) {
    this.#child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
      env: {
        ...process.env,
        TRIBUTARY_HTTP_HOST: '127.0.0.1',
        TRIBUTARY_HTTP_PORT: '0',
        TRIBUTARY_GRPC_HOST: '127.0.0.1',
        TRIBUTARY_GRPC_PORT: '0',
        REGIME_CLASSIFIER_BACKEND: testBackend(),
        REGIME_CLASSIFIER_MODEL_POLL_INTERVAL: '300ms',
        REGIME_CLASSIFIER_SESSION_TIMEOUT: '6s',
        KAFKAJS_NO_PARTITIONER_WARNING: '1',
        ...env,
      },
    });
    createInterface({ input: this.#child.stdout }).on('line', (line) => {
      try {
        this.logs.push(JSON.parse(line) as LogLine);
      } catch {
        process.stderr.write(`${line}\n`);
      }
      for (const waiter of this.#waiters) waiter();
    });
    this.#child.stderr.pipe(process.stderr);
    this.exited = once(this.#child, 'exit').then(([code, signal]) => {
      for (const waiter of this.#waiters) waiter();
      return { code: code as number | null, signal: signal as NodeJS.Signals | null };
    });
  }

  kill(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    this.#child.kill('SIGTERM');
    await this.exited;
  }

  waitForLog(matches: (line: LogLine) => boolean, from = 0): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const index = this.logs.slice(from).findIndex(matches);
        if (index >= 0) {
          this.#waiters.delete(check);
          resolve(this.logs[from + index] as LogLine);
        } else if (this.#child.exitCode !== null || this.#child.signalCode !== null) {
          this.#waiters.delete(check);
          reject(
            new Error(
              `the classifier exited before the awaited log line; last: ${JSON.stringify(this.logs.at(-1))}`,
            ),
          );
        }
      };
      this.#waiters.add(check);
      check();
    });
  }
}

export interface ReadRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
}

export async function endOffsets(admin: Admin, topic: string): Promise<Map<number, bigint>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map(({ partition, high }) => [partition, BigInt(high)]));
}

/** A topic from the beginning up to its end when called, read_committed. */
export async function readTopic(kafka: Kafka, topic: string): Promise<ReadRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await endOffsets(admin, topic);
  await admin.disconnect();
  const remaining = new Map([...ends].filter(([, end]) => end > 0n));
  const records: ReadRecord[] = [];
  if (remaining.size === 0) return records;
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const done = new Promise<void>((resolve) => {
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const end = remaining.get(payload.partition);
      if (end !== undefined && BigInt(payload.lastOffset) + 1n >= end) remaining.delete(payload.partition);
      if (remaining.size === 0) resolve();
    });
  });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
        records.push({
          partition: batch.partition,
          offset: message.offset,
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          headers,
        });
      }
    },
  });
  await done;
  await consumer.disconnect();
  return records;
}

export async function committedTotal(kafka: Kafka, groupId: string, topic: string): Promise<bigint> {
  const admin = kafka.admin();
  await admin.connect();
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  await admin.disconnect();
  return (committed?.partitions ?? []).reduce(
    (sum, { offset }) => sum + (offset === '-1' ? 0n : BigInt(offset)),
    0n,
  );
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** grpc.health.v1.Health/Check for the overall status ("") or a named service. */
export function grpcHealth(address: string, service = ''): Promise<string> {
  const check = healthService.Check;
  if (check === undefined) throw new Error('grpc-health-check has no Check method');
  const client = new Client(address, credentials.createInsecure());
  return new Promise<string>((resolve, reject) => {
    client.makeUnaryRequest(
      check.path,
      check.requestSerialize,
      check.responseDeserialize,
      { service },
      (error: ServiceError | null, response?: unknown) => {
        if (error !== null || response === undefined) reject(error ?? new Error('empty response'));
        else resolve((response as { status: string }).status);
      },
    );
  }).finally(() => client.close());
}

/**
 * `pnpm bench kafka`: produce and consume throughput, ack and end-to-end latency and memory of our
 * Kafka layer, raw kafkajs, @platformatic/kafka and Kafka's own Java tools, one after the other on
 * the local stack's broker. Prints one JSON document on stdout; progress goes to stderr.
 */
import { fork } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@tributary/config';
import { readStackState } from '@tributary/local-stack';
import { Kafka, logLevel } from 'kafkajs';
import { installedVersion } from './kafka/clients/client.ts';
import { benchSettings, stackKafkaLibs } from './kafka/config.ts';
import { type JavaRuntime, javaVersion, kafkaVersion, runJavaTools } from './kafka/java-tools.ts';
import type { NodeContenderPlan, NodeContenderReport } from './kafka/node-contender.ts';
import {
  type BenchOptions,
  type ContenderName,
  type NodeContenderName,
  parseBenchOptions,
} from './kafka/options.ts';
import { type PhaseProfile, summarizeProfile } from './kafka/profile.ts';
import {
  type ContenderResult,
  type ContenderSummary,
  ratiosToJava,
  summarizeRounds,
} from './kafka/report.ts';
import { round } from './kafka/stats.ts';
import { BenchTopics, type ContenderTopics } from './kafka/topics.ts';

/** The aim: our layer at least half as fast as Kafka's own tools. */
const TARGET_RATIO = 0.5;
const NODE_CONTENDER = fileURLToPath(new URL('./kafka/node-contender.ts', import.meta.url));
const CHILD_WATCHDOG_MS = 15 * 60_000;

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/**
 * A fresh cluster loads the group coordinator and hands out producer ids on first use, with
 * retried errors for a few seconds: do that once before any contender, outside every timing.
 */
async function warmUpCluster(brokers: readonly string[], topics: BenchTopics): Promise<void> {
  const topic = topics.namesFor('cluster').warmup;
  await topics.create([topic]);
  // Quiet: the retried 'coordinator is loading' errors of a fresh cluster are the point of this step.
  const kafka = new Kafka({ clientId: 'bench-warmup', brokers: [...brokers], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [{ key: 'warm', value: 'up' }] });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: topics.groupFor('cluster', 'warmup') });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async () => {
          resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  await topics.delete([topic]);
}

async function runNodeContender(
  name: NodeContenderName,
  run: { label: string; names: ContenderTopics; profiled: boolean },
  options: BenchOptions,
  brokers: readonly string[],
  topics: BenchTopics,
): Promise<{ report: NodeContenderReport; profile?: PhaseProfile[] }> {
  const plan: NodeContenderPlan = {
    contender: name,
    brokers,
    partitions: options.partitions,
    messages: options.messages,
    messageBytes: options.messageBytes,
    senders: options.senders,
    chunk: options.chunk,
    warmup: options.warmup,
    latencyRate: options.latencyRate,
    latencySeconds: options.latencySeconds,
    topics: run.names,
    groups: {
      warmup: topics.groupFor(run.label, 'warmup'),
      throughput: topics.groupFor(run.label, 'throughput'),
      latency: topics.groupFor(run.label, 'latency'),
    },
  };
  const { profiled } = run;
  // Node writes one profile per thread (tsx's loader hooks have one of their own): a folder per run.
  const profileDir = path.resolve(options.artifactsDir, `kafka-${name}-${topics.runId}`);
  if (profiled) await mkdir(profileDir, { recursive: true });
  const child = fork(NODE_CONTENDER, [JSON.stringify(plan)], {
    execArgv: [
      '--import',
      'tsx',
      '--expose-gc',
      ...(profiled ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    ],
    // The child's stdout is our stderr: stdout carries nothing but the JSON document.
    stdio: ['ignore', 2, 2, 'ipc'],
  });
  // Every wait inside the child has its own timeout; this only catches a close that never returns.
  const watchdog = setTimeout(() => child.kill('SIGKILL'), CHILD_WATCHDOG_MS);
  const report = await new Promise<NodeContenderReport>((resolve, reject) => {
    let received: NodeContenderReport | undefined;
    child.on('message', (message) => {
      received = message as NodeContenderReport;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(watchdog);
      if (received && code === 0) resolve(received);
      else reject(new Error(`${name} exited with ${signal ?? code} (its output is above)`));
    });
  });
  if (!profiled) return { report };
  // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread, where the bench runs.
  const main = (await readdir(profileDir)).find((file) =>
    /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(file),
  );
  if (!main) throw new Error(`no main-thread profile in ${profileDir}`);
  const file = path.join(profileDir, main);
  progress(`${name}: CPU profile in ${file}`);
  return { report, profile: await summarizeProfile(file, report.windows) };
}

async function machineFacts(runtime: JavaRuntime, brokers: readonly string[], loadAtStart: number[]) {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    java: await javaVersion().catch(() => 'unknown'),
    kafka: await kafkaVersion(runtime).catch(() => 'unknown'),
    brokers: brokers.length,
    /** 1-minute load average before and after: well above 0 before means something else was running. */
    loadAverage: { start: round(loadAtStart[0] ?? 0), end: round(os.loadavg()[0] ?? 0) },
    clients: {
      kafkajs: installedVersion('kafkajs'),
      '@platformatic/kafka': installedVersion('@platformatic/kafka'),
    },
  };
}

const options = parseBenchOptions(process.argv.slice(2));
const javaRuntime: JavaRuntime = {
  libsDir: options.kafkaLibs ?? stackKafkaLibs(loadConfig(benchSettings).cacheDir),
};
const loadAtStart = os.loadavg();
const stack = await readStackState();
const { brokers } = stack.kafka;
const startedAt = new Date();
const topics = new BenchTopics(brokers, options.partitions);
const rounds = new Map<ContenderName, ContenderResult[]>();
const errors = new Map<ContenderName, string[]>();
const append = <T>(map: Map<ContenderName, T[]>, name: ContenderName, value: T) =>
  map.set(name, [...(map.get(name) ?? []), value]);
const profiles: Partial<Record<NodeContenderName, PhaseProfile[]>> = {};

await topics.connect();
// Interrupted: delete this run's topics and groups before going, so no bench topic outlives the bench.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: deleting this run's topics`);
    void topics.close().finally(() => process.exit(130));
  });
}
try {
  progress(`warming up the cluster at ${brokers.join(',')}`);
  await warmUpCluster(brokers, topics);
  for (let round = 1; round <= options.rounds; round += 1) {
    for (const name of options.contenders) {
      if (round > 1 || name !== options.contenders[0]) await sleep(options.settleMs);
      const label = `${name}.r${round}`;
      const names = topics.namesFor(label);
      const created = [names.warmup, names.throughput, names.latency];
      await topics.create(created);
      progress(
        `${name}, round ${round} of ${options.rounds}: topics ${label}.* (${options.partitions} partitions)`,
      );
      try {
        let result: ContenderResult;
        if (name === 'java') {
          result = await runJavaTools(javaRuntime, {
            brokers,
            messages: options.messages,
            messageBytes: options.messageBytes,
            latencyMessages: options.latencyRate * options.latencySeconds,
            topics: names,
            group: topics.groupFor(label, 'throughput'),
          });
        } else {
          const profiled = round === 1 && options.profile.includes(name);
          const run = await runNodeContender(name, { label, names, profiled }, options, brokers, topics);
          result = run.report.result;
          if (run.profile) profiles[name] = run.profile;
        }
        append(rounds, name, result);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        append(errors, name, `round ${round}: ${message}`);
        progress(`${name} failed: ${message}`);
      }
      await topics.delete(created);
    }
  }
} finally {
  await topics.close();
}

const results: Partial<Record<ContenderName, ContenderSummary>> = {};
for (const [name, runs] of rounds) results[name] = summarizeRounds(runs);
const produceRatios = ratiosToJava(results, 'produce');
const consumeRatios = ratiosToJava(results, 'consume');
const document = {
  bench: 'kafka',
  date: startedAt.toISOString(),
  machine: await machineFacts(javaRuntime, brokers, loadAtStart),
  shape: {
    messages: options.messages,
    messageBytes: options.messageBytes,
    keys: 'Node contenders: 8-byte string keys (1024 distinct); Java: no keys',
    partitions: options.partitions,
    replicationFactor: 1,
    acks: 'all',
    idempotent: true,
    compression: 'none',
    senders: options.senders,
    recordsPerSendCall: options.chunk,
    warmupRecords: options.warmup,
    latencyRun: { ratePerSecond: options.latencyRate, seconds: options.latencySeconds },
    rounds: options.rounds,
    mb: '2^20 bytes of record values, as Kafka’s perf tools count',
  },
  results,
  ratios: {
    target: TARGET_RATIO,
    produce: produceRatios,
    consume: consumeRatios,
    oursMeetsTarget:
      produceRatios['ours/java'] === undefined || consumeRatios['ours/java'] === undefined
        ? null
        : produceRatios['ours/java'] >= TARGET_RATIO && consumeRatios['ours/java'] >= TARGET_RATIO,
  },
  ...(Object.keys(profiles).length > 0 ? { profiles } : {}),
  ...(errors.size > 0 ? { errors: Object.fromEntries(errors) } : {}),
};
process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
if (errors.size > 0) process.exitCode = 1;

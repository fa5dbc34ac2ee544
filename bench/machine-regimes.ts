/**
 * `pnpm bench machine-regimes`: the machine-temperature pipeline on the local stack, on topics and an
 * InfluxDB database of its own: classifier throughput through Kafka, influx-sink throughput, and
 * end-to-end "point visible in InfluxDB" latency at a fixed rate (sensor-source → regime-classifier →
 * influx-sink), with each service's peak memory. One JSON document on stdout; progress on stderr.
 */
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScript, ServiceProcess } from '@tributary/demo';
import { defineTopic, TopicRegistry } from '@tributary/kafka';
import { readStackState } from '@tributary/local-stack';
import { machineRegime, machineTemperature } from '@tributary/topics';
import { Kafka, logLevel } from 'kafkajs';
import { summarizeProfile } from './kafka/profile.ts';
import { round, summarize } from './kafka/stats.ts';
import { influxql, pointCount } from './machine-regimes/influx.ts';
import { parseOptions } from './machine-regimes/options.ts';
import { latencies, readTimestamps } from './machine-regimes/read-back.ts';
import { peakRssMiB, scrape, until } from './machine-regimes/service-metrics.ts';
import { VisibilitySampler } from './machine-regimes/visibility.ts';

/** The aims. */
const TARGETS = { predictionsPerSecond: 100_000, sinkPointsPerSecond: 100_000, endToEndP99Ms: 500 };
/** Event time of the first pre-produced reading: in the past, so the live run's readings are never late. */
/** Longest wait for a run to finish: far beyond what a working pipeline needs. */
const WAIT_MS = 5 * 60_000;
const REPLAY_START = Date.UTC(2025, 0, 6);

const repo = (file: string) => fileURLToPath(new URL(`../${file}`, import.meta.url));
const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const rate = (count: number, ms: number) => Math.round((count * 1000) / ms);

const options = parseOptions(process.argv.slice(2));
const loadAtStart = os.loadavg();
const startedAt = new Date();
const stack = await readStackState();
const { brokers } = stack.kafka;
const influxUrl = stack.influx.url;
const runId = Math.random().toString(36).slice(2, 10);
const prefix = `bench.machine-regimes.${runId}`;
const database = `bench_machine_regimes_${runId}`;
const workDir = path.resolve(options.artifactsDir, `machine-regimes-${runId}`);
const profileFile = path.join(workDir, 'classifier.cpuprofile');
/** Node 20 refuses --cpu-prof in NODE_OPTIONS (the only way into a ServiceProcess): an inspector preload does the same. */
const PROFILER = fileURLToPath(new URL('./machine-regimes/cpu-profile.mjs', import.meta.url));
const kafkaEnv = { TRIBUTARY_KAFKA_BROKERS: brokers.join(',') };
const appId = `${prefix}.classifier`;
const sinkGroup = `${prefix}.sink`;

const input = defineTopic({
  ...machineTemperature,
  name: `${prefix}.temperature`,
  partitions: options.partitions,
  deadLetterTopic: `${prefix}.temperature.dlq`,
});
// LogAppendTime: the classifier copies each input record's timestamp onto its output record, so
// only the broker's append time tells when the prediction was written.
const output = defineTopic({
  ...machineRegime,
  name: `${prefix}.regime`,
  partitions: options.partitions,
  deadLetterTopic: `${prefix}.regime.dlq`,
  config: { 'message.timestamp.type': 'LogAppendTime' },
});

const admin = new Kafka({ clientId: 'bench-admin', brokers: [...brokers], logLevel: logLevel.WARN }).admin();
await admin.connect();
const registry = new TopicRegistry([input, output], { defaultReplicationFactor: 1 });
await registry.ensure(admin);
await influxql(influxUrl, '', `CREATE DATABASE "${database}"`);
await mkdir(workDir, { recursive: true });
const services: ServiceProcess[] = [];

async function cleanUp(): Promise<void> {
  await Promise.allSettled(services.map((service) => service.stop()));
  const topics = registry.topics.map((topic) => topic.name);
  await admin.deleteTopics({ topics }).catch(() => {});
  await admin.deleteGroups([appId, sinkGroup]).catch(() => {});
  await admin.disconnect();
  await influxql(influxUrl, '', `DROP DATABASE "${database}"`).catch(() => {});
  await rm(path.join(workDir, 'models'), { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: deleting this run's topics, groups and database`);
    void cleanUp().finally(() => process.exit(130));
  });
}

const committedInput = async () =>
  (await admin.fetchOffsets({ groupId: appId, topics: [input.name] }))
    .flatMap(({ partitions }) => partitions)
    .reduce((sum, { offset }) => sum + Math.max(0, Number(offset)), 0);

function sensorSource(args: string[]): Promise<string> {
  return runScript(
    repo('services/sensor-source/src/index.ts'),
    ['--mode', 'generated', '--topic', input.name, '--machines', String(options.machines), ...args],
    kafkaEnv,
    { quiet: true },
  );
}

try {
  progress(`training the model (${workDir}/models)`);
  const modelDir = path.join(workDir, 'models');
  await runScript(
    repo('services/regime-classifier/src/train.ts'),
    [
      ...['--source', 'generated', '--machines', '20', '--readings', '30000', '--seed', '5'],
      ...['--out', modelDir, '--report', path.join(workDir, 'reports')],
    ],
    {},
    { quiet: true },
  );

  progress(`producing ${options.readings} readings to ${input.name}`);
  const produceStarted = performance.now();
  await sensorSource([
    ...['--count', String(options.readings), '--rate', 'max', '--seed', '7'],
    ...['--start-time', String(REPLAY_START), '--progress-interval', '600000'],
  ]);
  const produceMs = performance.now() - produceStarted;

  // 1. Classifier throughput over a backlog of N readings.
  progress(`starting the classifier (backend ${options.backend}${options.profile ? ', --cpu-prof' : ''})`);
  const classifier = new ServiceProcess(
    'regime-classifier',
    repo('services/regime-classifier/src/index.ts'),
    {
      ...kafkaEnv,
      REGIME_CLASSIFIER_APP_ID: appId,
      REGIME_CLASSIFIER_INPUT_TOPIC: input.name,
      REGIME_CLASSIFIER_OUTPUT_TOPIC: output.name,
      REGIME_CLASSIFIER_MODEL_DIR: modelDir,
      REGIME_CLASSIFIER_BACKEND: options.backend,
      REGIME_CLASSIFIER_MAX_BYTES_PER_PARTITION: String(options.maxBytesPerPartition),
      ...(options.profile ? { NODE_OPTIONS: `--import ${PROFILER}`, CPU_PROFILE_FILE: profileFile } : {}),
    },
    { echoStderr: true },
  );
  services.push(classifier);
  const { httpPort: classifierPort } = await classifier.running();
  const backendLine = await classifier.waitForLog((line) =>
    String(line.msg).startsWith('tensorflow.js backend'),
  );
  const consumedTotal = () => scrape(classifierPort, 'tributary_messages_consumed_total');
  const classifyStart = await until('the classifier to consume', async () => (await consumedTotal()) > 0, {
    everyMs: 10,
    timeoutMs: 120_000,
  });
  const profileStartUs = Number(process.hrtime.bigint() / 1000n);
  const classifyEnd = await until(
    'every reading classified and committed',
    async () => {
      const committed = await committedInput();
      // Batches aborted and predicted again and again: it will never finish.
      if ((await consumedTotal()) > committed + 2 * options.readings) {
        throw new Error(`the classifier consumed every reading twice more and committed only ${committed}`);
      }
      return committed >= options.readings;
    },
    { everyMs: 50, timeoutMs: WAIT_MS },
  );
  const profileEndUs = Number(process.hrtime.bigint() / 1000n);
  const classifyMs = classifyEnd - classifyStart;
  progress(`classified ${options.readings} in ${round(classifyMs / 1000)} s`);
  const batchSeconds = {
    sum: await scrape(classifierPort, 'regime_classifier_batch_seconds_sum'),
    count: await scrape(classifierPort, 'regime_classifier_batch_seconds_count'),
  };

  // 2. Sink throughput: the classifier's output into the database by a fresh group.
  progress('starting influx-sink on the output topic');
  const sink = new ServiceProcess('influx-sink', repo('services/influx-sink/src/index.ts'), {
    ...kafkaEnv,
    INFLUX_URL: influxUrl,
    INFLUX_ORG: '-',
    INFLUX_BUCKET: database,
    INFLUX_SINK_TOPICS: `${machineRegime.name}=${output.name}`,
    INFLUX_SINK_GROUP_ID: sinkGroup,
  });
  services.push(sink);
  const { httpPort: sinkPort } = await sink.running();
  const sinkStart = await until(
    'the sink to consume',
    async () => (await scrape(sinkPort, 'tributary_messages_consumed_total')) > 0,
    { everyMs: 10, timeoutMs: 120_000 },
  );
  await until(
    'the sink to write every point',
    async () => (await scrape(sinkPort, 'influx_sink_points_written_total')) >= options.readings,
    { everyMs: 50, timeoutMs: WAIT_MS },
  );
  const sinkEnd = await until(
    'count(temperature) = N',
    async () => (await pointCount(influxUrl, database)) >= options.readings,
    { everyMs: 50, timeoutMs: 120_000 },
  );
  const sinkMs = sinkEnd - sinkStart;
  const sinkWrites = {
    sum: await scrape(sinkPort, 'influx_sink_write_seconds_sum'),
    count: await scrape(sinkPort, 'influx_sink_write_seconds_count'),
  };
  progress(`sank ${options.readings} points in ${round(sinkMs / 1000)} s`);

  // 3. End to end at a fixed rate, live event times.
  const liveCount = options.rate * options.seconds;
  const liveSince = Date.now();
  const sampler = new VisibilitySampler(influxUrl, database, { since: liveSince, pollMs: options.pollMs });
  sampler.start();
  progress(`live: ${options.rate} readings/s for ${options.seconds} s`);
  const liveOutput = await sensorSource([
    ...['--count', String(liveCount), '--rate', String(options.rate), '--seed', '9'],
    ...['--progress-interval', '600000'],
  ]);
  // Not count(temperature): live readings of one machine can share a millisecond, and InfluxDB keeps
  // one point per series and time.
  await until(
    'every live point written',
    async () => (await scrape(sinkPort, 'influx_sink_points_written_total')) >= options.readings + liveCount,
    { everyMs: 100, timeoutMs: 120_000 },
  );
  const liveDistinctPoints = await pointCount(influxUrl, database, liveSince);
  await new Promise((resolve) => setTimeout(resolve, 2 * options.pollMs));
  await sampler.stop();
  const memory = {
    classifierPeakRssMiB: await peakRssMiB(classifier.pid),
    sinkPeakRssMiB: await peakRssMiB(sink.pid),
  };

  progress('reading both topics back for record timestamps');
  const total = options.readings + liveCount;
  const inputStamps = await readTimestamps(brokers, input.name, total);
  const outputStamps = await readTimestamps(brokers, output.name, total);
  const hop = latencies(inputStamps, outputStamps);
  const replayIds = (id: string) => Number(id.split('@')[1]) < liveSince;
  const split = (live: boolean) => {
    const inside = new Map([...inputStamps].filter(([id]) => replayIds(id) !== live));
    return summarize(latencies(inside, outputStamps));
  };

  await classifier.stop();
  await sink.stop();
  let classifierProfile: unknown = null;
  if (options.profile) {
    const [phase] = await summarizeProfile(profileFile, [
      { phase: 'consume', startUs: profileStartUs, endUs: profileEndUs },
    ]);
    classifierProfile = { file: profileFile, window: 'throughput run (1)', ...phase };
  }

  const predictionsPerSecond = rate(options.readings, classifyMs);
  const sinkPointsPerSecond = rate(options.readings, sinkMs);
  const visibleUpper = summarize(Float64Array.from(sampler.upper));
  const visibleLower = summarize(Float64Array.from(sampler.lower));
  const document = {
    bench: 'machine-regimes',
    date: startedAt.toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      loadAverage: { start: round(loadAtStart[0] ?? 0), end: round(os.loadavg()[0] ?? 0) },
    },
    shape: {
      readings: options.readings,
      machines: options.machines,
      partitions: options.partitions,
      classifierMaxBytesPerPartition: options.maxBytesPerPartition,
      model: 'train.ts --source generated --machines 20 --readings 30000 --seed 5 (defaults otherwise)',
      live: { ratePerSecond: options.rate, seconds: options.seconds, readings: liveCount },
    },
    classifier: {
      backendRequested: options.backend,
      backendUsed: backendLine.backend,
      backendReason: backendLine.reason,
      profiled: options.profile,
      predictionsPerSecond,
      seconds: round(classifyMs / 1000),
      timing:
        'first consumed record (classifier /metrics, polled every 10 ms) → input offsets of all N committed (polled every 50 ms)',
      batches: batchSeconds.count,
      meanBatchMs: round((1000 * batchSeconds.sum) / (batchSeconds.count || 1)),
      predictShareOfWallClock: round(batchSeconds.sum / (classifyMs / 1000)),
      recordLatencyMs: {
        backlog: split(false),
        live: split(true),
        matched: hop.length,
        how: 'output record LogAppendTime (the bench creates the output topic with it) − input record CreateTime, per reading; backlog = the pre-produced readings, so mostly time waiting in the backlog; live = the fixed-rate run: input append → prediction appended (its transaction commits after)',
      },
      producedInSeconds: round(produceMs / 1000),
    },
    sink: {
      pointsPerSecond: sinkPointsPerSecond,
      seconds: round(sinkMs / 1000),
      timing:
        'first consumed record (sink /metrics) → SELECT count(temperature) = N (polled every 50 ms once the written counter reached N)',
      writes: sinkWrites.count,
      meanWriteMs: round((1000 * sinkWrites.sum) / (sinkWrites.count || 1)),
    },
    endToEnd: {
      visibleLatencyMs: { upperBound: visibleUpper, lowerBound: visibleLower },
      pointsSampled: sampler.upper.length,
      liveReadings: liveCount,
      liveDistinctPointsInInflux: liveDistinctPoints,
      polls: sampler.polls,
      how: `sensor-source live (event time = wall clock when the reading is generated, up to one ${Math.floor(options.rate / 20)}-reading chunk before it is sent) → classifier → sink. Every ${options.pollMs} ms the bench asks InfluxDB for the points newer than the newest it has seen per machine; a point first returned by a poll became queryable between the previous poll's request and this poll's answer: upperBound = answer time − event time, lowerBound = previous request time − event time. Every point of the run is sampled.`,
      sourceReport: liveOutput.trim().split('\n').at(-1) ?? '',
    },
    memory,
    targets: {
      predictionsPerSecond: {
        target: TARGETS.predictionsPerSecond,
        measured: predictionsPerSecond,
        met: predictionsPerSecond >= TARGETS.predictionsPerSecond,
      },
      sinkPointsPerSecond: {
        target: TARGETS.sinkPointsPerSecond,
        measured: sinkPointsPerSecond,
        met: sinkPointsPerSecond >= TARGETS.sinkPointsPerSecond,
      },
      endToEndP99Ms: {
        target: TARGETS.endToEndP99Ms,
        measured: visibleUpper.p99,
        met: visibleUpper.p99 < TARGETS.endToEndP99Ms,
      },
    },
    ...(classifierProfile ? { classifierProfile } : {}),
  };
  process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
} catch (error) {
  // The services log to their stdout, which ServiceProcess keeps: show why they struggled.
  for (const service of services) {
    for (const line of service.logs.slice(-8)) {
      progress(`${service.name}: ${JSON.stringify(line).slice(0, 800)}`);
    }
  }
  throw error;
} finally {
  await cleanUp();
}

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackState } from '@tributary/local-stack';
import { countPoints, deletePointsSince } from './influx-count.ts';
import { runScript } from './run-script.ts';
import { scrapedWhileRunning } from './scraped-service.ts';
import { ServiceProcess } from './service-process.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const script = (relative: string) => path.join(repoRoot, relative);

export interface MachinePipelineOptions {
  readonly machines: number;
  readonly readingsPerMachine: number;
  readonly rate: number;
  readonly seed: number;
  /** Where the model store and the training charts go. */
  readonly workDir: string;
}

export interface MachinePipelineSummary {
  readonly produced: number;
  readonly pointsInInflux: number;
  readonly seconds: number;
  readonly modelDir: string;
  readonly reportDir: string;
  readonly services: { name: string; metrics: string }[];
}

function progress(message: string): void {
  process.stderr.write(`[demo] machine temperatures: ${message}\n`);
}

/**
 * sensor-source → machine.temperature → regime-classifier → machine.regime → influx-sink → InfluxDB,
 * each service its own process: trains a model when the store has none, starts the two services
 * (registered with Prometheus), replays readings that end now, and waits until InfluxDB holds a
 * point for every one of them.
 */
export async function runMachinePipeline(
  stack: StackState,
  options: MachinePipelineOptions,
): Promise<MachinePipelineSummary> {
  const modelDir = path.join(options.workDir, 'models');
  const reportDir = path.join(options.workDir, 'reports');
  if (!existsSync(modelDir)) {
    progress('training a model (k-means picks the regimes, an MLP learns them)');
    await runScript(script('services/regime-classifier/src/train.ts'), [
      '--source',
      'generated',
      '--machines',
      '20',
      '--readings',
      '30000',
      '--seed',
      String(options.seed),
      '--features',
      'rolling',
      '--out',
      modelDir,
      '--report',
      reportDir,
    ]);
  }

  const kafkaEnv = { TRIBUTARY_KAFKA_BROKERS: stack.kafka.brokers.join(',') };
  const classifier = new ServiceProcess(
    'regime-classifier',
    script('services/regime-classifier/src/index.ts'),
    {
      ...kafkaEnv,
      REGIME_CLASSIFIER_MODEL_DIR: modelDir,
    },
  );
  const sink = new ServiceProcess('influx-sink', script('services/influx-sink/src/index.ts'), {
    ...kafkaEnv,
    INFLUX_URL: stack.influx.url,
    INFLUX_ORG: '-',
    INFLUX_BUCKET: stack.influx.database,
    INFLUX_SINK_TOPICS: 'machine.regime',
    INFLUX_SINK_GROUP_ID: 'influx-sink-machines',
  });
  const services = [classifier, sink];
  const targets: { release(): Promise<void> }[] = [];
  try {
    const endpoints = [];
    for (const service of services) {
      const { httpPort } = await service.running();
      const address = `127.0.0.1:${httpPort}`;
      targets.push(await scrapedWhileRunning(stack, service.name, address));
      endpoints.push({ name: service.name, metrics: `http://${address}/metrics` });
    }

    const total = options.machines * options.readingsPerMachine;
    const startTime = Date.now() - options.readingsPerMachine * 1000;
    // This run's readings replace an earlier run's in the same range: the count below is this run's.
    await deletePointsSince(stack.influx, 'machine_regime', startTime);
    progress(`replaying ${total} readings of ${options.machines} machines at ${options.rate}/s`);
    const started = performance.now();
    await runScript(
      script('services/sensor-source/src/index.ts'),
      [
        '--mode',
        'generated',
        '--machines',
        String(options.machines),
        '--count',
        String(total),
        '--rate',
        String(options.rate),
        '--seed',
        String(options.seed),
        '--start-time',
        String(startTime),
        '--progress-interval',
        '1000',
      ],
      kafkaEnv,
    );
    let points = 0;
    for (let last = -1; points < total; await new Promise((resolve) => setTimeout(resolve, 500))) {
      points = await countPoints(stack.influx, 'machine_regime', 'temperature', startTime);
      if (points !== last) progress(`${points} of ${total} readings classified and in InfluxDB`);
      last = points;
    }
    return {
      produced: total,
      pointsInInflux: points,
      seconds: (performance.now() - started) / 1000,
      modelDir,
      reportDir,
      services: endpoints,
    };
  } finally {
    await Promise.all(targets.map((target) => target.release()));
    await Promise.all(services.map((service) => service.stop()));
  }
}

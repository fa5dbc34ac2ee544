#!/usr/bin/env -S node --import tsx
// The `train` command: readings → k-means regimes (elbow K) → MLP → a new model version + reports.
// Usage: node --import tsx services/regime-classifier/src/train.ts --help
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_REGIMES,
  generateArticleReadings,
  generateReadings,
  type MachineReading,
  readReadingFile,
} from '@tributary/sensors';
import { BACKENDS, type BackendPreference, initBackend } from './model/backend.ts';
import { type AccuracyPanel, accuracySvg, elbowSvg } from './model/charts.ts';
import { DEFAULT_WINDOW, type FeatureConfig } from './model/features.ts';
import { DEFAULT_MLP } from './model/mlp.ts';
import { ModelStore } from './model/model-store.ts';
import { saveTrainedModel } from './model/save-trained-model.ts';
import { type RegimeTruth, trainRegimeModel } from './model/training.ts';

// Under .artifacts/ (git-ignored), relative to the working directory.
const DEFAULT_OUT = '.artifacts/regime-classifier/models';
const DEFAULT_REPORT = '.artifacts/regime-classifier/reports';

const USAGE = `usage: train [options]
  --source generated|article|file   where readings come from (default generated)
  --file PATH                       JSONL or CSV readings (for --source file); a regime column/field is used for evaluation
  --machines N                      simulated machines (default 20; article: 1)
  --readings N                      readings in all (default 100000 generated, 10000 article)
  --seed N                          seeds data, split, k-means and MLP (default 42)
  --k auto|N                        clusters: the elbow's knee over 2..--k-max, or fixed (default auto)
  --k-max N                         largest K on the elbow curve (default 20)
  --features raw|rolling            temperature alone, or with rolling mean/std (default rolling)
  --window N                        rolling window in readings (default ${DEFAULT_WINDOW})
  --hidden 6,8                      hidden layer sizes (default ${DEFAULT_MLP.hidden.join(',')})
  --epochs N --batch-size N --learning-rate X   (defaults ${DEFAULT_MLP.epochs}, ${DEFAULT_MLP.batchSize}, ${DEFAULT_MLP.learningRate})
  --train-fraction X                share of rows that train (default 0.6)
  --backend auto|${BACKENDS.join('|')}  (default auto: the fastest that loads)
  --out DIR                         model store directory (default ${DEFAULT_OUT})
  --report DIR                      where elbow.json/.svg and accuracy.json/.svg go (default ${DEFAULT_REPORT})`;

class UsageError extends Error {}

function log(msg: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), service: 'regime-classifier', command: 'train', msg, ...fields })}\n`,
  );
}

function integer(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${JSON.stringify(text)}`);
  return value;
}

function decimal(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`--${name} must be a positive number, got ${JSON.stringify(text)}`);
  return value;
}

function oneOf<T extends string>(
  name: string,
  text: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (text === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(text))
    throw new UsageError(`--${name} must be one of ${allowed.join('|')}, got ${JSON.stringify(text)}`);
  return text as T;
}

const round = (value: number, digits = 4): number => Math.round(value * 10 ** digits) / 10 ** digits;

async function loadSource(
  source: 'generated' | 'article' | 'file',
  values: Record<string, string | boolean | undefined>,
  seed: number,
): Promise<{ readings: MachineReading[]; truth: RegimeTruth | undefined; description: string }> {
  const text = (name: string): string | undefined => values[name] as string | undefined;
  if (source === 'generated') {
    const machines = integer('machines', text('machines'), 20);
    const count = integer('readings', text('readings'), 100_000);
    const labelled = [...generateReadings({ seed, machines, count })];
    return {
      readings: labelled.map((item) => item.reading),
      truth: {
        labels: Int32Array.from(labelled, (item) => item.regime),
        names: DEFAULT_REGIMES.map((spec) => spec.name),
      },
      description: `generated machines=${machines} readings=${count} seed=${seed}`,
    };
  }
  if (source === 'article') {
    const machines = integer('machines', text('machines'), 1);
    const count = integer('readings', text('readings'), 10_000);
    return {
      readings: [...generateArticleReadings({ seed, machines, count })],
      truth: undefined,
      description: `article uniform-integer 40..70 readings=${count} seed=${seed}`,
    };
  }
  const file = text('file');
  if (file === undefined) throw new UsageError('--source file needs --file PATH');
  const readings: MachineReading[] = [];
  const regimes: (number | undefined)[] = [];
  for await (const item of readReadingFile(file)) {
    readings.push(item.reading);
    regimes.push(item.regime);
  }
  if (readings.length === 0) throw new UsageError(`${file} holds no readings`);
  let truth: RegimeTruth | undefined;
  if (regimes.every((regime) => regime !== undefined)) {
    const labels = Int32Array.from(regimes as number[]);
    const count = Math.max(...labels) + 1;
    truth = { labels, names: Array.from({ length: count }, (_, id) => `regime-${id}`) };
  }
  return { readings, truth, description: `file ${resolve(file)} readings=${readings.length}` };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      source: { type: 'string' },
      file: { type: 'string' },
      machines: { type: 'string' },
      readings: { type: 'string' },
      seed: { type: 'string' },
      k: { type: 'string' },
      'k-max': { type: 'string' },
      features: { type: 'string' },
      window: { type: 'string' },
      hidden: { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      'learning-rate': { type: 'string' },
      'train-fraction': { type: 'string' },
      backend: { type: 'string' },
      out: { type: 'string' },
      report: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const source = oneOf('source', values.source, ['generated', 'article', 'file'] as const, 'generated');
  const seed = integer('seed', values.seed, 42, 0);
  const k = values.k === undefined || values.k === 'auto' ? 'auto' : integer('k', values.k, 6, 1);
  const kMax = integer('k-max', values['k-max'], 20, 3);
  const features: FeatureConfig = {
    kind: oneOf('features', values.features, ['raw', 'rolling'] as const, 'rolling'),
    window: integer('window', values.window, DEFAULT_WINDOW),
  };
  const hidden =
    values.hidden === undefined
      ? [...DEFAULT_MLP.hidden]
      : values.hidden.split(',').map((part) => integer('hidden', part.trim(), 1));
  const mlp = {
    hidden,
    epochs: integer('epochs', values.epochs, DEFAULT_MLP.epochs),
    batchSize: integer('batch-size', values['batch-size'], DEFAULT_MLP.batchSize),
    learningRate: decimal('learning-rate', values['learning-rate'], DEFAULT_MLP.learningRate),
  };
  const trainFraction = decimal('train-fraction', values['train-fraction'], 0.6);
  const backendPreference = oneOf<BackendPreference>(
    'backend',
    values.backend,
    ['auto', ...BACKENDS],
    'auto',
  );
  const outDir = values.out ?? DEFAULT_OUT;
  const reportDir = values.report ?? DEFAULT_REPORT;

  const backend = await initBackend({ prefer: backendPreference, log });
  const { readings, truth, description } = await loadSource(source, values, seed);
  log('readings loaded', { source: description, rows: readings.length, hiddenRegimes: truth !== undefined });

  const started = performance.now();
  const result = await trainRegimeModel(
    readings,
    {
      seed,
      features,
      k,
      kMax,
      trainFraction,
      mlp,
      onProgress: log,
      onEpoch: (progress) =>
        log('epoch', { ...progress, loss: round(progress.loss, 5), accuracy: round(progress.accuracy) }),
    },
    truth,
  );
  const { report } = result;
  const totalSeconds = round((performance.now() - started) / 1000, 2);

  const version = await saveTrainedModel(new ModelStore(outDir), result, {
    seed,
    features,
    mlp,
    trainedOn: { backend: backend.name, source: description, rows: readings.length },
  });
  result.model.dispose();

  await mkdir(reportDir, { recursive: true });
  const label = `${source}, ${features.kind === 'raw' ? 'raw temperature' : `temperature + rolling mean/std (W=${features.window})`}`;
  await writeFile(
    join(reportDir, 'elbow.json'),
    `${JSON.stringify({ rule: result.elbow.rule, chosenK: result.elbow.chosenK, kUsed: report.k, sampleSize: result.elbow.sampleSize, points: result.elbow.points }, null, 2)}\n`,
  );
  await writeFile(join(reportDir, 'elbow.svg'), elbowSvg(result.elbow, `Elbow: ${label}`));
  const summary = {
    version,
    modelDir: resolve(outDir, version),
    backend: backend.name,
    source: description,
    features: report.featureNames,
    k: report.k,
    kChosenBy: report.kChosenBy,
    elbowK: report.elbowK,
    trainAccuracy: round(report.train.accuracy),
    testAccuracy: round(report.test.accuracy),
    ...(report.regimes === undefined
      ? {}
      : {
          regimeAccuracy: {
            kmeans: round(report.regimes.kmeans.accuracy),
            mlp: round(report.regimes.mlp.accuracy),
          },
        }),
    seconds: { ...report.seconds, total: totalSeconds },
  };
  await writeFile(join(reportDir, 'accuracy.json'), `${JSON.stringify({ summary, report }, null, 2)}\n`);
  const panels: AccuracyPanel[] = [
    { title: `MLP vs k-means labels (test, K=${report.k})`, evaluation: report.test },
  ];
  if (report.regimes !== undefined) {
    panels.push({ title: 'k-means clusters → hidden regimes (test)', evaluation: report.regimes.kmeans });
    panels.push({ title: 'MLP → hidden regimes (test)', evaluation: report.regimes.mlp });
  }
  await writeFile(join(reportDir, 'accuracy.svg'), accuracySvg(panels, `Accuracy: ${label}`));
  log('done', { version, reportDir: resolve(reportDir) });
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
    ) {
      process.stderr.write(`train: ${(error as Error).message}\n\n${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    log('failed', { error: error instanceof Error ? error.message : String(error) });
    process.exitCode = 1;
  },
);

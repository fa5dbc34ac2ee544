// Prediction throughput per TensorFlow.js backend, batches of 10,000 rows by default.
// Each backend runs in its own process (a process holds one backend).
// Usage: node --import tsx services/regime-classifier/src/bench-predict.ts [--backends tensorflow,wasm,cpu]
//        [--batch 10000] [--seconds 3] [--inputs 1,3]
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { createRandom } from '@tributary/sensors';
import { BACKENDS, type BackendName, initBackend } from './model/backend.ts';
import { createMatrix } from './model/matrix.ts';
import { buildMlp, predictClasses } from './model/mlp.ts';

interface Measurement {
  backend: BackendName;
  inputs: number;
  layers: string;
  batch: number;
  batches: number;
  predictionsPerSecond: number;
  millisecondsPerBatch: number;
}

async function measure(
  backend: BackendName,
  inputs: number,
  batch: number,
  seconds: number,
): Promise<Measurement> {
  await initBackend({ prefer: backend });
  const classes = 6;
  const model = buildMlp(inputs, classes, [6, 8], 1);
  const random = createRandom(2);
  const x = createMatrix(
    batch,
    inputs,
    Float64Array.from({ length: batch * inputs }, () => random.normal(0, 1)),
  );
  for (let i = 0; i < 3; i++) predictClasses(model, x, batch); // warm-up: kernels compiled, memory allocated
  let batches = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    predictClasses(model, x, batch);
    batches++;
  }
  const elapsed = (performance.now() - started) / 1000;
  model.dispose();
  return {
    backend,
    inputs,
    layers: `[${inputs}, 6, 8, ${classes}]`,
    batch,
    batches,
    predictionsPerSecond: Math.round((batches * batch) / elapsed),
    millisecondsPerBatch: Math.round(((elapsed * 1000) / batches) * 100) / 100,
  };
}

const run = promisify(execFile);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backends: { type: 'string', default: BACKENDS.join(',') },
      batch: { type: 'string', default: '10000' },
      seconds: { type: 'string', default: '3' },
      inputs: { type: 'string', default: '1,3' },
      child: { type: 'string' },
    },
  });
  const batch = Number(values.batch);
  const seconds = Number(values.seconds);
  const inputs = values.inputs.split(',').map(Number);
  if (values.child !== undefined) {
    const results: Measurement[] = [];
    for (const count of inputs)
      results.push(await measure(values.child as BackendName, count, batch, seconds));
    process.stdout.write(JSON.stringify(results));
    return;
  }
  const rows: (Measurement | { backend: string; error: string })[] = [];
  for (const backend of values.backends.split(',')) {
    try {
      const { stdout } = await run(
        process.execPath,
        [
          '--import',
          'tsx',
          fileURLToPath(import.meta.url),
          '--child',
          backend,
          '--batch',
          String(batch),
          '--seconds',
          String(seconds),
          '--inputs',
          inputs.join(','),
        ],
        { env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } },
      );
      rows.push(...(JSON.parse(stdout) as Measurement[]));
    } catch (error) {
      rows.push({
        backend,
        error:
          ((error as { stderr?: string }).stderr ?? String(error)).trim().split('\n').slice(-1)[0] ??
          'failed',
      });
    }
    process.stderr.write(`${JSON.stringify(rows[rows.length - 1])}\n`);
  }
  process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
}

await main();

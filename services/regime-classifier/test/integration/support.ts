import { fileURLToPath } from 'node:url';
import { ServiceProcess } from '@tributary/demo';
import { generateReadings, type LabelledReading } from '@tributary/sensors';
import type { BackendPreference } from '../../src/model/backend.ts';
import { ModelStore } from '../../src/model/model-store.ts';
import { saveTrainedModel } from '../../src/model/save-trained-model.ts';
import { trainRegimeModel } from '../../src/model/training.ts';

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
  const store = new ModelStore(dir);
  const version = await saveTrainedModel(store, result, {
    seed,
    features,
    mlp,
    trainedOn: { backend: 'test', source: `generated seed ${seed}`, rows: readings.length },
  });
  result.model.dispose();
  return { store, version };
}

const ENTRY = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

/** The classifier service run as a real process, on loopback ports, a fast model poll and a short session. */
export class ClassifierProcess extends ServiceProcess {
  constructor(env: Record<string, string>) {
    super('regime-classifier', ENTRY, {
      REGIME_CLASSIFIER_BACKEND: testBackend(),
      REGIME_CLASSIFIER_MODEL_POLL_INTERVAL: '300ms',
      REGIME_CLASSIFIER_SESSION_TIMEOUT: '6s',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      ...env,
    });
  }
}

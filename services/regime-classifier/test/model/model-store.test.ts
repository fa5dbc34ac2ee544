import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initBackend } from '../../src/model/backend.ts';
import { createMatrix, matrixFromRows } from '../../src/model/matrix.ts';
import { buildMlp, predictProbabilities, weightValues } from '../../src/model/mlp.ts';
import { ModelStore, ModelStoreError } from '../../src/model/model-store.ts';
import { MODEL_FORMAT_VERSION, type ModelMetadata } from '../../src/model/regime-model.ts';
import { backendUnderTest } from './support.ts';

function metadata(k: number): Omit<ModelMetadata, 'version'> {
  return {
    formatVersion: MODEL_FORMAT_VERSION,
    createdAt: '2024-01-01T00:00:00.000Z',
    seed: 1,
    features: { kind: 'rolling', window: 10 },
    featureNames: ['temperature', 'rolling_mean_10', 'rolling_std_10'],
    scaler: { mean: [55, 55, 1], std: [8, 8, 1.5] },
    k,
    kChosenBy: 'fixed',
    centroids: Array.from({ length: k }, (_, id) => [id, id, 0]),
    centroidsInUnits: Array.from({ length: k }, (_, id) => [55 + 8 * id, 55 + 8 * id, 1]),
    clusterOrder: 'ascending mean temperature',
    mlp: { hidden: [6, 8], epochs: 1, batchSize: 32, learningRate: 0.01 },
    trainedOn: { backend: 'test', source: 'test', rows: 0 },
    report: { note: 'test' },
  };
}

describe('ModelStore', () => {
  let dir: string;
  before(async () => {
    await initBackend({ prefer: backendUnderTest() });
    dir = await mkdtemp(join(tmpdir(), 'model-store-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips a model: same weights, same predictions, same metadata', async () => {
    const store = new ModelStore(join(dir, 'round-trip'));
    const network = buildMlp(3, 4, [6, 8], 5);
    const version = await store.save(network, metadata(4));
    assert.equal(version, '000001');
    const loaded = await store.load();
    try {
      assert.equal(loaded.version, '000001');
      assert.deepEqual(loaded.metadata, { ...metadata(4), version: '000001' });
      assert.deepEqual(weightValues(loaded.network), weightValues(network));
      const x = matrixFromRows([
        [40, 41, 0.5],
        [70, 66, 4],
      ]);
      const scaled = createMatrix(
        2,
        3,
        Float64Array.from([-15 / 8, -14 / 8, -0.5 / 1.5, 15 / 8, 11 / 8, 3 / 1.5]),
      );
      assert.deepEqual(loaded.probabilities(x), predictProbabilities(network, scaled));
      assert.equal(loaded.classifyOne(Float64Array.from([40, 41, 0.5])), loaded.classify(x)[0]);
    } finally {
      loaded.dispose();
      network.dispose();
    }
  });

  it('numbers versions in order, resolves latest, and gives concurrent writers distinct versions', async () => {
    const store = new ModelStore(join(dir, 'versions'));
    assert.deepEqual(await store.listVersions(), []);
    assert.equal(await store.latestVersion(), undefined);
    const network = buildMlp(3, 2, [4], 1);
    const versions = await Promise.all([1, 2, 3].map(() => store.save(network, metadata(2))));
    assert.deepEqual([...versions].sort(), ['000001', '000002', '000003']);
    await store.save(network, metadata(2));
    await mkdir(join(store.dir, '.tmp-123-abcd')); // a writer still busy: never listed
    await mkdir(join(store.dir, 'not-a-version'));
    assert.deepEqual(await store.listVersions(), ['000001', '000002', '000003', '000004']);
    assert.equal(await store.latestVersion(), '000004');
    const first = await store.load('000001');
    assert.equal(first.version, '000001');
    first.dispose();
    network.dispose();
    assert.equal(
      (await readdir(store.dir)).filter((name) => name.startsWith('.tmp-') && name !== '.tmp-123-abcd')
        .length,
      0,
    );
  });

  it('reports a missing version as retriable and a corrupt one as not', async () => {
    const store = new ModelStore(join(dir, 'bad'));
    await assert.rejects(
      store.load(),
      (error: unknown) =>
        error instanceof ModelStoreError && error.code === 'MODEL_NOT_FOUND' && error.retriable,
    );
    await mkdir(join(store.dir, '000007'), { recursive: true });
    await writeFile(
      join(store.dir, '000007', 'metadata.json'),
      JSON.stringify({ ...metadata(2), version: '000007', k: 'two' }),
    );
    await assert.rejects(
      store.load(),
      (error: unknown) =>
        error instanceof ModelStoreError &&
        error.code === 'MODEL_INVALID' &&
        !error.retriable &&
        /\/k/.test(error.message),
    );
  });
});

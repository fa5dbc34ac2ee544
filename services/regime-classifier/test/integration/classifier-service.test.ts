import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { credentials, makeGenericClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { BatchingProducer, DEAD_LETTER_HEADERS, TopicRegistry } from '@tributary/kafka';
import type { LabelledReading } from '@tributary/sensors';
import {
  committedTotal,
  grpcHealth,
  readTopic,
  stackBrokers,
  testKafka,
  uniqueName,
  waitFor,
} from '@tributary/testing';
import type { Admin, Kafka } from 'kafkajs';
import { classifyServiceDefinition } from '../../src/grpc/classify-service.ts';
import { initBackend } from '../../src/model/backend.ts';
import { batchFeatures } from '../../src/model/features.ts';
import type { ModelStore } from '../../src/model/model-store.ts';
import { predictRegimes } from '../../src/processors/classify.ts';
import { type ClassifierTopics, classifierTopics } from '../../src/topology.ts';
import { ClassifierProcess, labelledReadings, testBackend, trainTinyModel } from './support.ts';

interface Prediction {
  machine: string;
  timestamp: number;
  temperature: number;
  regime: number;
  confidence: number;
  modelVersion: string;
}

const identity = (machine: string, timestamp: number) => `${machine}@${timestamp}`;

describe('regime-classifier service against the real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: BatchingProducer;
  let modelsDir: string;
  let sharedModels: ModelStore;
  const topics: string[] = [];
  const running: ClassifierProcess[] = [];

  async function declare(prefix: string, partitions = 3): Promise<ClassifierTopics & { appId: string }> {
    const declared = classifierTopics({
      inputTopic: uniqueName(`${prefix}-in`),
      outputTopic: uniqueName(`${prefix}-out`),
    });
    const input = { ...declared.input, partitions };
    const output = { ...declared.output, partitions };
    const registry = new TopicRegistry([input, output], { defaultReplicationFactor: 1 });
    await registry.ensure(admin);
    topics.push(...registry.topics.map((topic) => topic.name));
    return { input, output, appId: uniqueName(`${prefix}-app`) };
  }

  function start(
    spec: ClassifierTopics & { appId: string },
    modelDir: string,
    env: Record<string, string> = {},
  ) {
    const service = new ClassifierProcess({
      TRIBUTARY_KAFKA_BROKERS: brokers.join(','),
      REGIME_CLASSIFIER_APP_ID: spec.appId,
      REGIME_CLASSIFIER_INPUT_TOPIC: spec.input.name,
      REGIME_CLASSIFIER_OUTPUT_TOPIC: spec.output.name,
      REGIME_CLASSIFIER_MODEL_DIR: modelDir,
      ...env,
    });
    running.push(service);
    return service;
  }

  async function produce(spec: ClassifierTopics, readings: readonly LabelledReading[], chunk = 1_000) {
    for (let first = 0; first < readings.length; first += chunk) {
      await producer.send(
        spec.input,
        readings.slice(first, first + chunk).map(({ reading }) => ({ key: reading.machine, value: reading })),
      );
    }
  }

  async function allCommitted(spec: ClassifierTopics & { appId: string }, total: number) {
    await waitFor(
      `${total} input offsets committed`,
      async () =>
        (await committedTotal(kafka, spec.appId, spec.input.name)) >= BigInt(total) ? true : undefined,
      120_000,
    );
  }

  async function outputs(spec: ClassifierTopics) {
    return (await readTopic(kafka, spec.output.name)).map((record) => ({
      ...record,
      prediction: JSON.parse(record.value) as Prediction,
    }));
  }

  /** Every input reading exactly once in the output, with the model's fields. */
  function assertExactlyOnce(
    readings: readonly LabelledReading[],
    out: Awaited<ReturnType<typeof outputs>>,
    versions: readonly string[],
  ) {
    const expected = readings.map(({ reading }) => identity(reading.machine, reading.timestamp)).sort();
    const actual = out.map(({ prediction }) => identity(prediction.machine, prediction.timestamp)).sort();
    assert.equal(actual.length, expected.length, 'output count equals input count');
    assert.deepEqual(actual, expected);
    for (const { key, prediction } of out) {
      assert.equal(key, prediction.machine);
      assert.ok(Number.isInteger(prediction.regime) && prediction.regime >= 0);
      assert.ok(prediction.confidence > 0 && prediction.confidence <= 1);
      assert.ok(versions.includes(prediction.modelVersion), `unexpected version ${prediction.modelVersion}`);
    }
  }

  let brokers: string[];
  before(async () => {
    brokers = await stackBrokers();
    kafka = await testKafka(brokers);
    admin = kafka.admin();
    await admin.connect();
    producer = new BatchingProducer(kafka);
    await producer.connect();
    await initBackend({ prefer: testBackend() });
    modelsDir = await mkdtemp(join(tmpdir(), 'regime-service-'));
    sharedModels = (await trainTinyModel(join(modelsDir, 'shared'))).store;
  });

  after(async () => {
    await Promise.allSettled(running.map((service) => service.stop()));
    await producer.disconnect();
    await admin.deleteTopics({ topics }).catch(() => {});
    await admin.disconnect();
    await rm(modelsDir, { recursive: true, force: true });
  });

  it('writes each reading exactly once to the output, read_committed, with regime, confidence and model version', async (t) => {
    const spec = await declare('exactly-once');
    const readings = labelledReadings(21, 8, 12_000);
    await produce(spec, readings);
    const service = start(spec, sharedModels.dir);
    await service.waitForLog((line) => line.msg === 'classifying');
    const began = performance.now();
    await allCommitted(spec, readings.length);
    const seconds = (performance.now() - began) / 1000;
    await service.stop();
    const out = await outputs(spec);
    assertExactlyOnce(readings, out, ['000001']);

    // Accuracy against the simulator's hidden regimes (cluster → regime from the training report).
    const metadata = await sharedModels.readMetadata('000001');
    const clusterToRegime = metadata.regimes?.clusterToRegime ?? [];
    const truth = new Map(
      readings.map(({ reading, regime }) => [identity(reading.machine, reading.timestamp), regime]),
    );
    let correct = 0;
    for (const { prediction } of out) {
      if (
        clusterToRegime[prediction.regime] === truth.get(identity(prediction.machine, prediction.timestamp))
      )
        correct++;
    }
    const accuracy = correct / out.length;
    t.diagnostic(
      `streamed ${out.length} readings in ${seconds.toFixed(2)} s (${Math.round(out.length / seconds)} records/s incl. transactions); accuracy vs hidden regimes ${accuracy.toFixed(4)}`,
    );
    assert.ok(accuracy > 0.5, `accuracy ${accuracy} is no better than chance`);
  });

  it('after repeated kill -9 mid-stream and restarts, the output holds every input reading exactly once', async (t) => {
    const spec = await declare('kill');
    const readings = labelledReadings(22, 12, 30_000);
    // Small input batches make many transactions, so a kill often lands inside one.
    await produce(spec, readings, 100);
    const env = { REGIME_CLASSIFIER_MAX_BYTES_PER_PARTITION: '4096' };
    let kills = 0;
    for (let round = 0; round < 3; round++) {
      const service = start(spec, sharedModels.dir, env);
      await service.waitForLog((line) => line.msg === 'classifying');
      const before = await committedTotal(kafka, spec.appId, spec.input.name);
      await waitFor(
        'progress since the (re)start',
        async () =>
          (await committedTotal(kafka, spec.appId, spec.input.name)) > before + 1_000n ? true : undefined,
        120_000,
      );
      if ((await committedTotal(kafka, spec.appId, spec.input.name)) >= BigInt(readings.length)) break;
      service.kill('SIGKILL');
      await service.exited;
      kills++;
    }
    const last = start(spec, sharedModels.dir, env);
    await allCommitted(spec, readings.length);
    await last.stop();
    t.diagnostic(`killed ${kills} times`);
    assert.ok(kills >= 2, 'the stream outlasted at least two kills');
    assertExactlyOnce(readings, await outputs(spec), ['000001']);
  });

  it('swaps to a newly saved model version under load: exactly once, new version after the swap, never back', async (t) => {
    const spec = await declare('swap');
    const dir = join(modelsDir, 'swap');
    await trainTinyModel(dir, 5);
    const readings = labelledReadings(23, 6, 16_000);
    const service = start(spec, dir);
    await service.waitForLog((line) => line.msg === 'classifying');
    const half = readings.length / 2;
    await produce(spec, readings.slice(0, half / 2), 200);
    const producing = (async () => {
      for (let first = half / 2; first < half; first += 200) {
        await produce(spec, readings.slice(first, first + 200), 200);
        await sleep(5);
      }
    })();
    // A second version, trained with another seed, saved while readings flow.
    const second = await trainTinyModel(dir, 6);
    assert.equal(second.version, '000002');
    await service.waitForLog((line) => line.msg === 'model swapped' && line.version === '000002');
    await producing;
    const afterSwap = readings.slice(half);
    await produce(spec, afterSwap, 200);
    await allCommitted(spec, readings.length);
    await service.stop();

    const out = await outputs(spec);
    assertExactlyOnce(readings, out, ['000001', '000002']);
    const late = new Set(afterSwap.map(({ reading }) => identity(reading.machine, reading.timestamp)));
    for (const { prediction } of out) {
      if (late.has(identity(prediction.machine, prediction.timestamp)))
        assert.equal(prediction.modelVersion, '000002');
    }
    const byPartition = new Map<number, typeof out>();
    for (const record of out)
      byPartition.set(record.partition, [...(byPartition.get(record.partition) ?? []), record]);
    for (const [partition, records] of byPartition) {
      const versions = records
        .sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset)))
        .map(({ prediction }) => prediction.modelVersion);
      for (let i = 1; i < versions.length; i++)
        assert.ok(
          (versions[i] as string) >= (versions[i - 1] as string),
          `partition ${partition} went back a version`,
        );
    }
    const counts = out.reduce<Record<string, number>>((all, { prediction }) => {
      all[prediction.modelVersion] = (all[prediction.modelVersion] ?? 0) + 1;
      return all;
    }, {});
    t.diagnostic(`predictions per model version: ${JSON.stringify(counts)}`);
  });

  it('sends malformed, non-finite and late readings to the DLQ with reasons and keeps classifying', async () => {
    const spec = await declare('malformed', 1);
    const good = (timestamp: number) => JSON.stringify({ machine: 'm1', timestamp, temperature: 55.5 });
    const values = [
      good(1_000),
      'not json',
      JSON.stringify({ machine: 'm1' }),
      JSON.stringify({ machine: 'm1', timestamp: 2_000, temperature: 'hot' }),
      JSON.stringify({ machine: 'm1', timestamp: 2_000, temperature: 'NaN' }),
      '{"machine":"m1","timestamp":2000,"temperature":1e999}',
      good(3_000),
      good(500), // late: before 3000
      good(4_000),
    ];
    const raw = kafka.producer();
    await raw.connect();
    await raw.send({ topic: spec.input.name, messages: values.map((value) => ({ key: 'm1', value })) });
    await raw.disconnect();
    const service = start(spec, sharedModels.dir);
    await allCommitted(spec, values.length);
    await service.stop();

    const out = await outputs(spec);
    assert.deepEqual(
      out.map(({ prediction }) => prediction.timestamp),
      [1_000, 3_000, 4_000],
    );
    const letters = await readTopic(kafka, spec.input.deadLetterTopic);
    assert.deepEqual(
      letters.map((letter) => letter.value),
      values.slice(1, 6).concat(values[7] as string),
    );
    const reasons = letters.map((letter) => letter.headers[DEAD_LETTER_HEADERS.reason] ?? '');
    assert.match(reasons[0] as string, /invalid JSON/);
    for (const reason of reasons.slice(1, 5)) assert.match(reason, /does not match MachineReading/);
    assert.match(reasons[5] as string, /late reading/);
    assert.deepEqual(
      letters.map((letter) => letter.headers[DEAD_LETTER_HEADERS.failure]),
      ['malformed', 'schema', 'schema', 'schema', 'schema', 'rejected'],
    );
  });

  it('answers gRPC Classify, single and batch, with the current model, and reports SERVING on grpc.health.v1', async () => {
    const spec = await declare('grpc', 1);
    const service = start(spec, sharedModels.dir);
    const running = await service.waitForLog((line) => line.msg === 'service running');
    await service.waitForLog((line) => line.msg === 'classifying');
    const address = `127.0.0.1:${String(running.grpcPort)}`;

    const Client = makeGenericClientConstructor(classifyServiceDefinition(), 'RegimeClassifier');
    const client = new Client(address, credentials.createInsecure()) as unknown as {
      Classify(
        request: unknown,
        callback: (
          error: ServiceError | null,
          response: { predictions: Prediction[]; modelVersion: string },
        ) => void,
      ): void;
      close(): void;
    };
    const classify = (readings: unknown[]) =>
      new Promise<{ predictions: Prediction[]; modelVersion: string }>((resolve, reject) =>
        client.Classify({ readings }, (error, response) => (error ? reject(error) : resolve(response))),
      );
    const batch = labelledReadings(24, 3, 60).map(({ reading }) => reading);
    const model = await sharedModels.load('000001');
    try {
      const expected = predictRegimes(model, batchFeatures(batch, model.metadata.features));
      const many = await classify(batch);
      assert.equal(many.modelVersion, '000001');
      assert.deepEqual(
        many.predictions.map((p) => p.regime),
        [...expected.regimes],
      );
      assert.deepEqual(
        many.predictions.map((p) => p.timestamp),
        batch.map((r) => r.timestamp),
      );
      const one = batch[0];
      assert.ok(one);
      const single = await classify([one]);
      const expectedOne = predictRegimes(model, batchFeatures([one], model.metadata.features));
      assert.equal(single.predictions.length, 1);
      assert.equal(single.predictions[0]?.regime, expectedOne.regimes[0]);
      assert.equal(single.predictions[0]?.modelVersion, '000001');
      await assert.rejects(classify([]), /at least one reading/);
    } finally {
      model.dispose();
      client.close();
    }
    assert.equal(await grpcHealth(address), 'SERVING');
    assert.equal(await grpcHealth(address, 'tributary.regime.v1.RegimeClassifier'), 'SERVING');
    await service.stop();
  });
});

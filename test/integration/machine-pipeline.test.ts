import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runScript, ServiceProcess } from '@tributary/demo';
import { defineTopic, TopicRegistry } from '@tributary/kafka';
import { readStackState, type StackState } from '@tributary/local-stack';
import { generateReadings } from '@tributary/sensors';
import { influxSeries, testKafka, uniqueName, waitFor } from '@tributary/testing';
import { machineRegime, machineTemperature } from '@tributary/topics';
import type { Admin } from 'kafkajs';

const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const SEED = 31;
const MACHINES = 8;
const READINGS = 12_000;
const START = Date.UTC(2025, 0, 6);

async function pointCount(stack: StackState, db: string): Promise<number> {
  const [series] = await influxSeries(
    stack.influx.url,
    db,
    'SELECT count("temperature") FROM "machine_regime"',
  );
  return Number(series?.values?.[0]?.[1] ?? 0);
}

describe('machine temperatures end to end: sensor-source → regime-classifier → influx-sink → InfluxDB', () => {
  let stack: StackState;
  let admin: Admin;
  let workDir: string;
  const database = `e2e_${randomUUID().slice(0, 8)}`;
  const inputTopic = uniqueName('e2e-temperature');
  const outputTopic = uniqueName('e2e-regime');
  const services: ServiceProcess[] = [];
  const topics: string[] = [];

  before(async () => {
    stack = await readStackState();
    admin = (await testKafka(stack.kafka.brokers)).admin();
    await admin.connect();
    const registry = new TopicRegistry(
      [
        defineTopic({
          ...machineTemperature,
          name: inputTopic,
          partitions: 3,
          deadLetterTopic: `${inputTopic}.dlq`,
        }),
        defineTopic({
          ...machineRegime,
          name: outputTopic,
          partitions: 3,
          deadLetterTopic: `${outputTopic}.dlq`,
        }),
      ],
      { defaultReplicationFactor: 1 },
    );
    await registry.ensure(admin);
    topics.push(...registry.topics.map((topic) => topic.name));
    await influxSeries(stack.influx.url, '', `CREATE DATABASE "${database}"`);
    workDir = await mkdtemp(join(tmpdir(), 'tributary-e2e-'));
  });

  after(async () => {
    await Promise.allSettled(services.map((service) => service.stop()));
    await admin.deleteTopics({ topics }).catch(() => {});
    await admin.disconnect();
    await influxSeries(stack.influx.url, '', `DROP DATABASE "${database}"`).catch(() => {});
    await rm(workDir, { recursive: true, force: true });
  });

  it('puts every reading into InfluxDB exactly once with a regime, through a kill -9 of the classifier and of the sink', async (t) => {
    const modelDir = join(workDir, 'models');
    await runScript(repo('services/regime-classifier/src/train.ts'), [
      '--source',
      'generated',
      '--machines',
      '6',
      '--readings',
      '6000',
      '--seed',
      '5',
      '--k',
      '5',
      '--epochs',
      '8',
      '--backend',
      'wasm',
      '--out',
      modelDir,
      '--report',
      join(workDir, 'reports'),
    ]);
    const kafkaEnv = { TRIBUTARY_KAFKA_BROKERS: stack.kafka.brokers.join(',') };
    const appId = uniqueName('e2e-classifier');
    const sinkGroup = uniqueName('e2e-sink');
    const startClassifier = () => {
      const service = new ServiceProcess(
        'regime-classifier',
        repo('services/regime-classifier/src/index.ts'),
        {
          ...kafkaEnv,
          REGIME_CLASSIFIER_APP_ID: appId,
          REGIME_CLASSIFIER_INPUT_TOPIC: inputTopic,
          REGIME_CLASSIFIER_OUTPUT_TOPIC: outputTopic,
          REGIME_CLASSIFIER_MODEL_DIR: modelDir,
          REGIME_CLASSIFIER_BACKEND: 'wasm',
          REGIME_CLASSIFIER_SESSION_TIMEOUT: '6s',
        },
      );
      services.push(service);
      return service;
    };
    const startSink = () => {
      const service = new ServiceProcess('influx-sink', repo('services/influx-sink/src/index.ts'), {
        ...kafkaEnv,
        INFLUX_URL: stack.influx.url,
        INFLUX_ORG: '-',
        INFLUX_BUCKET: database,
        INFLUX_SINK_TOPICS: `${machineRegime.name}=${outputTopic}`,
        INFLUX_SINK_GROUP_ID: sinkGroup,
      });
      services.push(service);
      return service;
    };
    const outputEnd = async () =>
      (await admin.fetchTopicOffsets(outputTopic)).reduce((sum, { high }) => sum + Number(high), 0);

    let classifier = startClassifier();
    let sink = startSink();
    await Promise.all([classifier.running(), sink.running()]);
    const source = runScript(
      repo('services/sensor-source/src/index.ts'),
      [
        '--mode',
        'generated',
        '--topic',
        inputTopic,
        '--machines',
        String(MACHINES),
        '--count',
        String(READINGS),
        '--rate',
        '1500',
        '--seed',
        String(SEED),
        '--start-time',
        String(START),
        '--progress-interval',
        '60000',
      ],
      kafkaEnv,
      { quiet: true },
    );

    await waitFor(
      'the classifier to be mid-stream',
      async () => ((await outputEnd()) > 2_000 ? true : undefined),
      180_000,
    );
    classifier.kill('SIGKILL');
    assert.equal((await classifier.exited).signal, 'SIGKILL');
    classifier = startClassifier();
    await waitFor(
      'the sink to be mid-stream',
      async () => ((await pointCount(stack, database)) > 4_000 ? true : undefined),
      180_000,
    );
    sink.kill('SIGKILL');
    assert.equal((await sink.exited).signal, 'SIGKILL');
    sink = startSink();
    await source;
    await waitFor(
      'every reading in InfluxDB',
      async () => ((await pointCount(stack, database)) >= READINGS ? true : undefined),
      180_000,
    );

    // Exactly once: as many points as readings, one per (machine, event time), every one with a regime.
    assert.equal(await pointCount(stack, database), READINGS);
    const rows = new Map<string, number>();
    for (const series of await influxSeries(
      stack.influx.url,
      database,
      'SELECT "temperature", "regime_id" FROM "machine_regime" GROUP BY "machine"',
    )) {
      for (const [time, , regime] of series.values ?? []) {
        const key = `${series.tags?.machine}@${time}`;
        assert.ok(!rows.has(key), `${key} stored twice`);
        assert.equal(typeof regime, 'number', `${key} has a regime`);
        rows.set(key, regime as number);
      }
    }
    const truth = [
      ...generateReadings({ seed: SEED, machines: MACHINES, count: READINGS, startTime: START }),
    ];
    assert.deepEqual(
      truth.filter(({ reading }) => !rows.has(`${reading.machine}@${reading.timestamp}`)).length,
      0,
      'every generated reading is in InfluxDB',
    );

    // Streamed accuracy against the simulator's hidden regimes, each cluster mapped to its majority regime.
    const votes = new Map<number, Map<number, number>>();
    for (const { reading, regime } of truth) {
      const cluster = rows.get(`${reading.machine}@${reading.timestamp}`) ?? -1;
      const tally = votes.get(cluster) ?? new Map<number, number>();
      tally.set(regime, (tally.get(regime) ?? 0) + 1);
      votes.set(cluster, tally);
    }
    const correct = [...votes.values()].reduce((sum, tally) => sum + Math.max(...tally.values()), 0);
    const accuracy = correct / truth.length;
    t.diagnostic(
      `streamed accuracy against the hidden regimes: ${accuracy.toFixed(4)} (${votes.size} clusters)`,
    );
    assert.ok(accuracy > 0.5, `accuracy ${accuracy} is no better than chance`);
  });
});

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import { readStackState, registerScrapeTarget, type StackState } from '../src/index.ts';

async function describeCluster(config: Omit<KafkaConfig, 'clientId' | 'logLevel'>): Promise<number> {
  const admin = new Kafka({ ...config, clientId: 'stack-state-test', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return (await admin.describeCluster()).brokers.length;
  } finally {
    await admin.disconnect();
  }
}

/** Prometheus's active targets of one job, polled until `predicate` holds (bounded number of tries). */
async function waitForTargets(
  state: StackState,
  job: string,
  predicate: (count: number) => boolean,
): Promise<number> {
  let count = -1;
  for (let attempt = 0; attempt < 60 && !predicate(count); attempt++) {
    if (attempt > 0) await sleep(500);
    const response = await fetch(`${state.prometheus.url}/api/v1/targets?state=active`);
    const body = (await response.json()) as { data: { activeTargets: { labels: Record<string, string> }[] } };
    count = body.data.activeTargets.filter((target) => target.labels.job === job).length;
  }
  return count;
}

describe('readStackState against the running stack', () => {
  let state: StackState;

  before(async () => {
    state = await readStackState();
  });

  test('the SASL_PLAINTEXT listener accepts the tributary SCRAM user', async () => {
    const { brokers, mechanism, username, password } = state.kafka.sasl;
    assert.ok((await describeCluster({ brokers, sasl: { mechanism, username, password } })) >= 1);
  });

  test('the SASL_SSL listener accepts the SCRAM user over TLS trusting the stack CA', async () => {
    const { username, password } = state.kafka.sasl;
    assert.ok(existsSync(state.kafka.saslSsl.caFile));
    const brokers = await describeCluster({
      brokers: state.kafka.saslSsl.brokers,
      ssl: { ca: [readFileSync(state.kafka.saslSsl.caFile, 'utf8')] },
      sasl: { mechanism: 'scram-sha-512', username, password },
    });
    assert.ok(brokers >= 1);
  });

  test('a registered scrape target is picked up by Prometheus and dropped after unregistering', async () => {
    const job = `stack-state-test-${process.pid}`;
    const unregister = await registerScrapeTarget(job, new URL(state.prometheus.url).host, {
      instance_kind: 'test',
    });
    assert.equal(await waitForTargets(state, job, (count) => count === 1), 1);
    await unregister();
    assert.equal(await waitForTargets(state, job, (count) => count === 0), 0);
  });
});

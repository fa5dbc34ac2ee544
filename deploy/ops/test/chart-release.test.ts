import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureChartTools, type KubeControlPlane, startKubeControlPlane } from '@tributary/local-stack';
import { testKafka, uniqueName, waitFor } from '@tributary/testing';
import type { Admin } from 'kafkajs';
import { type KubeClients, kubeClients, releaseStatus, restartService, scaleService } from '../src/index.ts';

const CHART = fileURLToPath(new URL('../../../charts/tributary', import.meta.url));
const RELEASE = 'tributary';

describe('tributary-ops against the Tributary chart installed by helm into a real control plane (no nodes)', () => {
  let controlPlane: KubeControlPlane;
  let kube: KubeClients;
  let admin: Admin;
  let workDir: string;
  const namespace = 'ops-chart';
  const inputTopic = uniqueName('ops-chart-input');
  const group = uniqueName('ops-chart-group');

  before(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'tributary-ops-chart-'));
    const [{ helm }, started] = await Promise.all([
      ensureChartTools(),
      startKubeControlPlane({ dir: workDir }),
    ]);
    controlPlane = started;
    kube = kubeClients({ kubeconfig: controlPlane.kubeconfigPath, namespace });
    admin = (await testKafka()).admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: inputTopic, numPartitions: 2, replicationFactor: 1 }],
      waitForLeaders: true,
    });

    // The chart's own minimal values, with the classifier reading this test's topic (2 partitions).
    const values = path.join(workDir, 'values.json');
    await writeFile(
      values,
      JSON.stringify({
        topics: { [inputTopic]: { partitions: 2 } },
        services: { 'regime-classifier': { inputTopic, consumerGroup: group, replicas: 2 } },
      }),
    );
    await promisify(execFile)(
      helm,
      [
        ...['install', RELEASE, CHART, '--namespace', namespace, '--create-namespace'],
        ...[
          '--kubeconfig',
          controlPlane.kubeconfigPath,
          '-f',
          path.join(CHART, 'ci', 'minimal-values.yaml'),
          '-f',
          values,
        ],
      ],
      {
        env: {
          ...process.env,
          HELM_CACHE_HOME: path.join(workDir, 'helm-cache'),
          HELM_CONFIG_HOME: path.join(workDir, 'helm-config'),
        },
      },
    );
  });

  after(async () => {
    await admin?.deleteTopics({ topics: [inputTopic] }).catch(() => {});
    await admin?.disconnect();
    await controlPlane?.stop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it("status finds the chart's consumer Deployments and reads their inputs from the chart's annotations", async () => {
    const status = await releaseStatus(kube, admin, { release: RELEASE });
    const classifier = status.services.find((s) => s.service === 'regime-classifier');
    assert.deepEqual(
      classifier && {
        desired: classifier.desired,
        inputTopics: classifier.inputTopics,
        consumerGroups: classifier.consumerGroups,
        inputsFrom: classifier.inputsFrom,
      },
      { desired: 2, inputTopics: [inputTopic], consumerGroups: [group], inputsFrom: 'annotations' },
    );
    const sink = status.services.find((s) => s.service === 'influx-sink');
    assert.deepEqual(sink?.inputTopics, ['machine.regime']);
    assert.deepEqual(
      status.lag.filter((row) => row.group === group).map((row) => [row.partition, row.lag]),
      [
        [0, 0n],
        [1, 0n],
      ],
    );
    const pods = await waitFor(
      "the chart's classifier pods",
      async () => {
        const current = (await releaseStatus(kube, admin, { release: RELEASE })).pods.filter(
          (pod) => pod.service === 'regime-classifier',
        );
        return current.length === 2 ? current : undefined;
      },
      60_000,
      500,
    );
    assert.ok(pods.every((pod) => pod.phase === 'Pending' && !pod.ready));
  });

  it("scale is bounded by the partitions of the input topic the chart's annotation names", async () => {
    await assert.rejects(
      scaleService(kube, admin, { release: RELEASE, service: 'regime-classifier', replicas: 3 }),
      {
        code: 'REPLICAS_EXCEED_PARTITIONS',
      },
    );
    const result = await scaleService(kube, admin, {
      release: RELEASE,
      service: 'regime-classifier',
      replicas: 1,
    });
    assert.deepEqual([result.from, result.to], [2, 1]);
  });

  it("restart rolls the chart's Deployment", async () => {
    const result = await restartService(kube, { release: RELEASE, service: 'influx-sink' });
    const deployment = await kube.apps.readNamespacedDeployment({ name: result.deployment, namespace });
    assert.equal(
      deployment.spec?.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'],
      result.restartedAt,
    );
  });
});

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { V1Deployment } from '@kubernetes/client-node';
import { runScript } from '@tributary/demo';
import { type KubeControlPlane, startKubeControlPlane } from '@tributary/local-stack';
import { stackBrokers, testKafka, uniqueName, waitFor } from '@tributary/testing';
import type { Admin } from 'kafkajs';
import {
  ANNOTATIONS,
  type KubeClients,
  kubeClients,
  LABELS,
  type ReleaseStatus,
  releaseStatus,
  restartService,
  scaleService,
} from '../src/index.ts';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const RELEASE = 'ops-test';
const SERVICE = 'regime-classifier';

/** A Deployment as the chart renders a consumer service: standard labels and the tributary.io annotations. */
function consumerDeployment(inputTopic: string, group: string): V1Deployment {
  const selector = { [LABELS.instance]: RELEASE, [LABELS.name]: SERVICE };
  return {
    metadata: {
      name: `${RELEASE}-${SERVICE}`,
      labels: { ...selector, [LABELS.component]: 'consumer', 'app.kubernetes.io/managed-by': 'Helm' },
      annotations: { [ANNOTATIONS.inputTopics]: inputTopic, [ANNOTATIONS.consumerGroups]: group },
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: selector },
        spec: {
          containers: [
            { name: SERVICE, image: 'tributary/regime-classifier:test', ports: [{ containerPort: 8080 }] },
          ],
        },
      },
    },
  };
}

describe('tributary-ops, Kubernetes side, against a real control plane (no nodes) and the real broker', () => {
  let controlPlane: KubeControlPlane;
  let kube: KubeClients;
  let admin: Admin;
  let workDir: string;
  let namespace: string;
  const inputTopic = uniqueName('ops-k8s-input');
  const group = uniqueName('ops-k8s-group');

  before(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'tributary-ops-kube-'));
    controlPlane = await startKubeControlPlane({ dir: workDir });
    namespace = `ops-${Date.now().toString(36)}`;
    kube = kubeClients({ kubeconfig: controlPlane.kubeconfigPath, namespace });
    await kube.core.createNamespace({ body: { metadata: { name: namespace } } });
    await kube.apps.createNamespacedDeployment({ namespace, body: consumerDeployment(inputTopic, group) });

    const kafka = await testKafka();
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: inputTopic, numPartitions: 2, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: inputTopic,
      messages: [0, 0, 0, 1].map((partition, i) => ({ partition, value: `r${i}` })),
    });
    await producer.disconnect();
    await admin.setOffsets({
      groupId: group,
      topic: inputTopic,
      partitions: [{ partition: 0, offset: '1' }],
    });
  });

  after(async () => {
    await admin?.deleteTopics({ topics: [inputTopic] }).catch(() => {});
    await admin?.disconnect();
    await controlPlane?.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  const deployment = () => kube.apps.readNamespacedDeployment({ name: `${RELEASE}-${SERVICE}`, namespace });

  it('status lists the Deployment, its Pending pod (no nodes to run it) and the lag of its group per partition', async () => {
    const status = await waitFor(
      'the controllers to create the pod and the scheduler to find no node',
      async () => {
        const current = await releaseStatus(kube, admin, { release: RELEASE });
        return current.pods.length === 1 && current.pods[0]?.reason.startsWith('Unschedulable')
          ? current
          : undefined;
      },
      60_000,
      500,
    );
    assert.deepEqual(
      status.services.map(({ service, desired, ready, inputTopics, consumerGroups, inputsFrom }) => ({
        service,
        desired,
        ready,
        inputTopics,
        consumerGroups,
        inputsFrom,
      })),
      [
        {
          service: SERVICE,
          desired: 1,
          ready: 0,
          inputTopics: [inputTopic],
          consumerGroups: [group],
          inputsFrom: 'annotations',
        },
      ],
    );
    assert.equal(status.pods[0]?.phase, 'Pending');
    assert.equal(status.pods[0]?.ready, false);
    assert.deepEqual(
      status.lag.map(({ partition, committed, end, lag }) => ({ partition, committed, end, lag })),
      [
        { partition: 0, committed: 1n, end: 3n, lag: 2n },
        { partition: 1, committed: null, end: 1n, lag: 1n },
      ],
    );
  });

  it('scale refuses more replicas than the input topic has partitions, and leaves the Deployment alone', async () => {
    await assert.rejects(
      scaleService(kube, admin, { release: RELEASE, service: SERVICE, replicas: 3 }),
      (error: Error) => {
        assert.equal((error as { code?: string }).code, 'REPLICAS_EXCEED_PARTITIONS');
        assert.match(error.message, /refusing to scale regime-classifier to 3 replicas: .* has 2 partitions/);
        assert.match(error.message, /--add-partitions/);
        return true;
      },
    );
    assert.equal((await deployment()).spec?.replicas, 1);
  });

  it('scale within the partitions sets the replicas, and the controllers create the pods', async () => {
    const result = await scaleService(kube, admin, { release: RELEASE, service: SERVICE, replicas: 2 });
    assert.deepEqual([result.from, result.to, result.partitions], [1, 2, { [inputTopic]: 2 }]);
    assert.equal((await deployment()).spec?.replicas, 2);
    await waitFor(
      'two pods',
      async () =>
        (await releaseStatus(kube, admin, { release: RELEASE })).pods.length === 2 ? true : undefined,
      60_000,
      500,
    );
  });

  it('scale --add-partitions grows the input topic first, then scales', async () => {
    const result = await scaleService(kube, admin, {
      release: RELEASE,
      service: SERVICE,
      replicas: 4,
      addPartitions: true,
    });
    assert.deepEqual(result.grown, [{ topic: inputTopic, from: 2, to: 4 }]);
    const metadata = await admin.fetchTopicMetadata({ topics: [inputTopic] });
    assert.equal(metadata.topics[0]?.partitions.length, 4);
    assert.equal((await deployment()).spec?.replicas, 4);
  });

  it('scale names an autoscaler that targets the Deployment, since it will set the replicas again', async () => {
    const name = `${RELEASE}-${SERVICE}-lag`;
    await kube.autoscaling.createNamespacedHorizontalPodAutoscaler({
      namespace,
      body: {
        metadata: { name },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `${RELEASE}-${SERVICE}` },
          minReplicas: 1,
          maxReplicas: 4,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
            },
          ],
        },
      },
    });
    try {
      const result = await scaleService(kube, admin, { release: RELEASE, service: SERVICE, replicas: 4 });
      assert.deepEqual(result.autoscalers, [{ name, minReplicas: 1, maxReplicas: 4 }]);
    } finally {
      await kube.autoscaling.deleteNamespacedHorizontalPodAutoscaler({ name, namespace });
    }
  });

  it('restart stamps the pod template, so the Deployment rolls a new ReplicaSet', async () => {
    const before = (await kube.apps.listNamespacedReplicaSet({ namespace })).items.length;
    const now = new Date('2026-01-02T03:04:05.000Z');
    const result = await restartService(kube, { release: RELEASE, service: SERVICE, now });
    assert.equal(result.restartedAt, now.toISOString());
    assert.equal(
      (await deployment()).spec?.template.metadata?.annotations?.[ANNOTATIONS.restartedAt],
      '2026-01-02T03:04:05.000Z',
    );
    await waitFor(
      'a second ReplicaSet',
      async () =>
        (await kube.apps.listNamespacedReplicaSet({ namespace })).items.length > before ? true : undefined,
      60_000,
      500,
    );
  });

  it('an unknown service is an error that lists what the release has', async () => {
    await assert.rejects(restartService(kube, { release: RELEASE, service: 'no-such-service' }), {
      code: 'SERVICE_NOT_FOUND',
      message:
        /no Deployment of service no-such-service in release ops-test .* the release has: regime-classifier/,
    });
  });

  it('the tributary-ops command does the same from a shell: status as JSON, and a refused scale exits 1 naming the fix', async (t) => {
    const env = { TRIBUTARY_KAFKA_BROKERS: (await stackBrokers()).join(',') };
    const flags = ['--kubeconfig', controlPlane.kubeconfigPath, '-n', namespace, '-r', RELEASE];
    const status = JSON.parse(
      await runScript(cli, [...flags, '--json', 'status'], env, { quiet: true }),
    ) as ReleaseStatus;
    assert.deepEqual(
      status.services.map((s) => [s.service, s.desired]),
      [[SERVICE, 4]],
    );
    assert.equal(status.lag.length, 4, 'one row per partition of the grown topic');
    await assert.rejects(
      runScript(cli, [...flags, 'scale', SERVICE, '9'], env, { quiet: true }),
      (error: Error) => {
        assert.match(error.message, /exited with 1/);
        assert.match(
          error.message,
          /error \[REPLICAS_EXCEED_PARTITIONS\]: refusing to scale regime-classifier to 9 replicas/,
        );
        return true;
      },
    );
    const text = await runScript(cli, [...flags, 'status'], env, { quiet: true });
    assert.match(text, /regime-classifier\s+ops-test-regime-classifier\s+0\/4/);
    for (const line of text.split('\n')) t.diagnostic(line);
    // Without any kubeconfig the command says what to provide, instead of client-node's fallback error.
    await assert.rejects(
      runScript(cli, ['-r', RELEASE, 'restart', SERVICE], { ...env, HOME: workDir }, { quiet: true }),
      /error \[KUBERNETES_CONFIG_MISSING\]: no kubeconfig: pass --kubeconfig/,
    );
  });
});

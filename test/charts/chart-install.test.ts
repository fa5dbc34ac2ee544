// helm install / upgrade of charts/tributary into a real Kubernetes 1.34 control plane (etcd,
// kube-apiserver, controller-manager, scheduler; no nodes): server-side validation, the KEDA and
// Prometheus Operator CRDs making the chart switch, Pod Security `restricted` admitting every pod the
// controllers create. What it cannot show: running pods, so neither `--wait` nor `helm test`.
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ApiextensionsV1Api,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import { type KubeControlPlane, startKubeControlPlane } from '@tributary/local-stack';
import { waitFor } from '@tributary/testing';
import { chartDir, chartTools, ciValues, run } from './chart.ts';

const NAMESPACE = 'tributary';
const RELEASE = 'tributary';

describe('helm install and upgrade into a real control plane (Kubernetes 1.34.4, no nodes)', () => {
  let dir: string;
  let plane: KubeControlPlane;
  let kubeconfig: KubeConfig;
  let helmBinary: string;

  const helm = (...args: string[]) => helmIn(NAMESPACE, ...args);
  const helmIn = (namespace: string, ...args: string[]) =>
    run(helmBinary, [...args, '--kubeconfig', plane.kubeconfigPath, '--namespace', namespace], {
      env: {
        PATH: process.env.PATH ?? '',
        // helm's Kubernetes client caches discovery under $HOME/.kube (without HOME: the working directory).
        HOME: dir,
        HELM_CACHE_HOME: path.join(dir, 'helm', 'cache'),
        HELM_CONFIG_HOME: path.join(dir, 'helm', 'config'),
        HELM_DATA_HOME: path.join(dir, 'helm', 'data'),
      },
    });
  const core = () => kubeconfig.makeApiClient(CoreV1Api);
  const apps = () => kubeconfig.makeApiClient(AppsV1Api);
  const custom = () => kubeconfig.makeApiClient(CustomObjectsApi);

  /** Waits until each owner (Deployment, StatefulSet, Job) has exactly its pods; says why not. */
  async function expectPods(namespace: string, expected: Record<string, number>): Promise<void> {
    const podsByOwner = async () => {
      const pods = (await core().listNamespacedPod({ namespace })).items;
      const counts: Record<string, number> = {};
      for (const pod of pods) {
        const owner = pod.metadata?.ownerReferences?.[0];
        // ReplicaSet names are <deployment>-<hash>.
        const name =
          owner?.kind === 'ReplicaSet' ? owner.name.replace(/-[a-z0-9]+$/, '') : (owner?.name ?? 'none');
        counts[name] = (counts[name] ?? 0) + 1;
      }
      return counts;
    };
    await waitFor(
      'every controller created its pods',
      async () => {
        const counts = await podsByOwner();
        return Object.entries(expected).every(([owner, count]) => counts[owner] === count) ? true : undefined;
      },
      90_000,
      500,
    ).catch(async (error: unknown) => {
      const events = (await core().listNamespacedEvent({ namespace })).items
        .filter((event) => event.reason === 'FailedCreate')
        .map((event) => `${event.involvedObject.name}: ${event.message}`);
      throw new Error(
        `pods ${JSON.stringify(await podsByOwner())}, expected ${JSON.stringify(expected)}\n${events.join('\n')}`,
        { cause: error },
      );
    });
  }

  async function createRestrictedNamespace(name: string): Promise<void> {
    await core().createNamespace({
      body: {
        metadata: {
          name,
          labels: {
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/enforce-version': 'latest',
          },
        },
      },
    });
  }

  before(async () => {
    const tools = await chartTools();
    helmBinary = tools.helm;
    dir = await mkdtemp(path.join(tmpdir(), 'tributary-chart-install-'));
    plane = await startKubeControlPlane({ dir: path.join(dir, 'kube') });
    kubeconfig = new KubeConfig();
    kubeconfig.loadFromFile(plane.kubeconfigPath);

    await createRestrictedNamespace(NAMESPACE);
    // The operators' CRDs, so that the API server offers keda.sh and monitoring.coreos.com; through
    // a chart's crds/ folder, which helm sends as written (client-node's serializer would drop the
    // x-kubernetes-* fields it has no camelCase name for).
    const crdChart = path.join(dir, 'operator-crds');
    await mkdir(path.join(crdChart, 'crds'), { recursive: true });
    await writeFile(
      path.join(crdChart, 'Chart.yaml'),
      'apiVersion: v2\nname: operator-crds\nversion: 0.1.0\n',
    );
    for (const file of tools.crds.crdFiles) {
      await copyFile(file, path.join(crdChart, 'crds', path.basename(file)));
    }
    const installed = await helm('install', 'operator-crds', crdChart);
    assert.equal(installed.code, 0, installed.stderr);
    const extensions = kubeconfig.makeApiClient(ApiextensionsV1Api);
    for (const name of [
      'scaledobjects.keda.sh',
      'triggerauthentications.keda.sh',
      'servicemonitors.monitoring.coreos.com',
      'prometheusrules.monitoring.coreos.com',
    ]) {
      await waitFor(`CRD ${name} established`, async () => {
        const crd = await extensions.readCustomResourceDefinition({ name });
        const established = crd.status?.conditions?.some(
          (c) => c.type === 'Established' && c.status === 'True',
        );
        return established ? true : undefined;
      });
    }
  });

  after(async () => {
    await plane?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the namespace enforces Pod Security restricted: a pod without a securityContext is refused', async () => {
    await assert.rejects(
      core().createNamespacedPod({
        namespace: NAMESPACE,
        body: { metadata: { name: 'careless' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
      }),
      (error: Error) => {
        const { message } = JSON.parse(String((error as { body?: unknown }).body)) as { message: string };
        assert.match(message, /violates PodSecurity "restricted:latest"/);
        assert.match(message, /runAsNonRoot != true/);
        return true;
      },
    );
  });

  test('helm install passes server-side validation and renders for the APIs the server offers', async () => {
    const result = await helm(
      'install',
      RELEASE,
      chartDir,
      '-f',
      ciValues('three-brokers'),
      '--set',
      'services.influx-sink.autoscaling.enabled=true',
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /STATUS: deployed/);
    // NOTES.txt: how to reach Grafana and the live page.
    assert.match(result.stdout, /port-forward svc\/tributary-grafana 3000:3000/);
    assert.match(result.stdout, /open http:\/\/localhost:8080\/hashtags\//);

    const kafka = await apps().readNamespacedStatefulSet({ name: 'tributary-kafka', namespace: NAMESPACE });
    assert.equal(kafka.spec?.replicas, 3);
    const deployments = await apps().listNamespacedDeployment({ namespace: NAMESPACE });
    assert.deepEqual(deployments.items.map((deployment) => deployment.metadata?.name).sort(), [
      'tributary-grafana',
      'tributary-hashtag-counter',
      'tributary-influx-sink',
      'tributary-regime-classifier',
      'tributary-twitter-ingest',
      'tributary-zone-aggregator',
    ]);
    // The server has KEDA's and the Prometheus Operator's APIs: the chart chose them.
    const list = async (group: string, version: string, plural: string) =>
      (
        (await custom().listNamespacedCustomObject({ group, version, namespace: NAMESPACE, plural })) as {
          items: { metadata: { name: string } }[];
        }
      ).items.map((item) => item.metadata.name);
    assert.deepEqual(await list('keda.sh', 'v1alpha1', 'scaledobjects'), ['tributary-influx-sink']);
    assert.equal((await list('monitoring.coreos.com', 'v1', 'servicemonitors')).length, 5);
    assert.deepEqual(await list('monitoring.coreos.com', 'v1', 'prometheusrules'), ['tributary-alerts']);
  });

  test('the controllers create every pod, and Pod Security restricted admits them all', async () => {
    const expected = {
      'tributary-kafka': 3,
      'tributary-influxdb': 1,
      'tributary-postgresql': 1,
      'tributary-grafana': 1,
      'tributary-regime-classifier': 6,
      'tributary-influx-sink': 1, // autoscaled: KEDA would set it, the Deployment starts at 1
      'tributary-hashtag-counter': 1,
      'tributary-zone-aggregator': 3,
      'tributary-twitter-ingest': 1,
      'tributary-influxdb-setup-1': 1,
      'tributary-taxi-replayer-1': 1,
      'tributary-sensor-source-1': 1,
    };
    await expectPods(NAMESPACE, expected);
  });

  test('helm upgrade changes replicas and keeps generated secrets and the Kafka cluster id', async () => {
    const clusterId = async () =>
      (
        await apps().readNamespacedStatefulSet({ name: 'tributary-kafka', namespace: NAMESPACE })
      ).spec?.template.spec?.containers[0]?.env?.find((variable) => variable.name === 'CLUSTER_ID')?.value;
    const clusterIdBefore = await clusterId();
    assert.match(clusterIdBefore ?? '', /^[0-9a-f]{21}A$/);
    const secretBefore = await core().readNamespacedSecret({
      name: 'tributary-influxdb-auth',
      namespace: NAMESPACE,
    });
    const result = await helm(
      'upgrade',
      RELEASE,
      chartDir,
      '-f',
      ciValues('three-brokers'),
      '--set',
      'services.influx-sink.autoscaling.enabled=true',
      '--set',
      'services.regime-classifier.replicas=4',
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /REVISION: 2/);
    const classifier = await apps().readNamespacedDeployment({
      name: 'tributary-regime-classifier',
      namespace: NAMESPACE,
    });
    assert.equal(classifier.spec?.replicas, 4);
    const secretAfter = await core().readNamespacedSecret({
      name: 'tributary-influxdb-auth',
      namespace: NAMESPACE,
    });
    assert.equal(secretAfter.data?.['admin-token'], secretBefore.data?.['admin-token']);
    assert.equal(await clusterId(), clusterIdBefore);
    // A set-up Job per revision (Job templates are immutable).
    const jobs = await kubeconfig.makeApiClient(BatchV1Api).listNamespacedJob({ namespace: NAMESPACE });
    assert.ok(jobs.items.some((job) => job.metadata?.name === 'tributary-influxdb-setup-2'));
  });

  test('an upgrade to more replicas than partitions is refused and the release stays as it was', async () => {
    const result = await helm(
      'upgrade',
      RELEASE,
      chartDir,
      '--reuse-values',
      '--set',
      'services.regime-classifier.replicas=9',
    );
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /services\.regime-classifier\.replicas=9 exceeds the 6 partitions/);
    const history = await helm('history', RELEASE, '--output', 'json');
    const revisions = JSON.parse(history.stdout) as { revision: number; status: string }[];
    assert.deepEqual(
      revisions.map((revision) => [revision.revision, revision.status]),
      [
        [1, 'superseded'],
        [2, 'deployed'],
      ],
    );
    const classifier = await apps().readNamespacedDeployment({
      name: 'tributary-regime-classifier',
      namespace: NAMESPACE,
    });
    assert.equal(classifier.spec?.replicas, 4);
  });

  test('helm uninstall removes the release but keeps the data secrets marked keep', async () => {
    const result = await helm('uninstall', RELEASE);
    assert.equal(result.code, 0, result.stderr);
    const deployments = await apps().listNamespacedDeployment({ namespace: NAMESPACE });
    assert.equal(deployments.items.length, 0);
    await core().readNamespacedSecret({ name: 'tributary-influxdb-auth', namespace: NAMESPACE });
  });

  test('the external-Kafka value set (SASL_SSL, mTLS, external InfluxDB and PostgreSQL) installs, and PSA admits its pods', async () => {
    const namespace = 'tributary-external';
    await createRestrictedNamespace(namespace);
    const result = await helmIn(namespace, 'install', 'external', chartDir, '-f', ciValues('external-kafka'));
    assert.equal(result.code, 0, result.stderr);
    // Autoscaled consumers start at one pod; no Kafka, InfluxDB or PostgreSQL of the chart's own.
    await expectPods(namespace, {
      'external-tributary-grafana': 1,
      'external-tributary-regime-classifier': 1,
      'external-tributary-influx-sink': 1,
      'external-tributary-hashtag-counter': 1,
      'external-tributary-zone-aggregator': 1,
    });
    const statefulSets = await apps().listNamespacedStatefulSet({ namespace });
    assert.equal(statefulSets.items.length, 0);
  });
});

// charts/tributary rendered offline: helm lint --strict, every object of several value sets valid
// against the Kubernetes 1.34 schemas (and the KEDA / Prometheus Operator CRD schemas), and the
// chart's own rules: restricted pods, labels, probes, replicas bounded by partitions.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { parse } from 'yaml';
import {
  byKind,
  type Container,
  chartDir,
  chartTools,
  ciValues,
  helmLint,
  type K8sObject,
  kubeconform,
  named,
  OPERATOR_APIS,
  podSpecs,
  render,
  repoRoot,
  run,
  VALUE_SETS,
  type Validation,
} from './chart.ts';

before(async () => {
  await chartTools();
});

describe('helm lint --strict', () => {
  for (const set of VALUE_SETS) {
    test(`passes with ${set} values`, async () => {
      const result = await helmLint({ valueFiles: [ciValues(set)] });
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
      assert.match(result.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    });
  }
});

describe('every rendered object is valid for Kubernetes 1.34 (kubeconform -strict, offline)', () => {
  const cases = VALUE_SETS.flatMap((set) =>
    [[], OPERATOR_APIS].map((apis) => ({
      id: `${set}${apis.length === 0 ? '' : '-operators'}`,
      label: `${set} values, ${apis.length === 0 ? 'plain cluster' : 'with KEDA and Prometheus Operator APIs'}`,
      set,
      apis,
    })),
  );
  const rendered = new Map<string, K8sObject[]>();
  let results = new Map<string, Validation[]>();

  before(async () => {
    const manifests: Record<string, string> = {};
    for (const item of cases) {
      const { manifest, objects } = await render({
        valueFiles: [ciValues(item.set)],
        apiVersions: item.apis,
      });
      manifests[item.id] = manifest;
      rendered.set(item.id, objects);
    }
    // Negative controls: a misspelt Deployment field, a ScaledObject field its CRD does not have.
    manifests['broken-deployment'] = (manifests.default ?? '').replace(
      'revisionHistoryLimit: 5',
      'revisionHistoryLimits: 5',
    );
    manifests['broken-scaledobject'] = (manifests['external-kafka-operators'] ?? '').replace(
      'minReplicaCount:',
      'minReplicas:',
    );
    results = await kubeconform(manifests);
  });

  for (const item of cases) {
    test(item.label, () => {
      const found = results.get(item.id) ?? [];
      assert.equal(found.length, rendered.get(item.id)?.length, 'kubeconform saw every rendered object');
      assert.ok(found.length > 10);
      assert.deepEqual(
        found
          .filter((result) => result.status !== 'statusValid')
          .map((result) => `${result.kind}/${result.name}: ${result.status} ${result.msg}`),
        [],
      );
    });
  }

  test('a misspelt field is rejected (the validation is not vacuous)', () => {
    const invalid = (results.get('broken-deployment') ?? []).filter(
      (result) => result.status === 'statusInvalid',
    );
    assert.equal(invalid.length, 1);
    assert.match(invalid[0]?.msg ?? '', /revisionHistoryLimits/);
  });

  test('a field its CRD lacks is rejected in a ScaledObject', () => {
    const invalid = (results.get('broken-scaledobject') ?? []).filter(
      (result) => result.status === 'statusInvalid',
    );
    assert.ok(invalid.length > 0);
    assert.ok(invalid.every((result) => result.kind === 'ScaledObject'));
    assert.match(invalid[0]?.msg ?? '', /minReplicas/);
  });
});

function allContainers(spec: { containers: Container[]; initContainers?: Container[] }): Container[] {
  return [...spec.containers, ...(spec.initContainers ?? [])];
}

describe('restricted Pod Security in every workload', () => {
  for (const set of VALUE_SETS) {
    test(`${set} values: non-root, read-only root, no privilege escalation, ALL dropped, RuntimeDefault`, async () => {
      const { objects } = await render({ valueFiles: [ciValues(set)] });
      const specs = podSpecs(objects);
      assert.ok(specs.length >= 3);
      for (const { owner, spec } of specs) {
        assert.equal(spec.securityContext?.runAsNonRoot, true, owner);
        assert.deepEqual(spec.securityContext?.seccompProfile, { type: 'RuntimeDefault' }, owner);
        for (const container of allContainers(spec)) {
          const context = container.securityContext ?? {};
          const where = `${owner} ${container.name}`;
          assert.equal(context.readOnlyRootFilesystem, true, where);
          assert.equal(context.allowPrivilegeEscalation, false, where);
          assert.deepEqual(context.capabilities, { drop: ['ALL'] }, where);
        }
        for (const volume of spec.volumes ?? [])
          assert.ok(!('hostPath' in volume), `${owner} ${volume.name}`);
      }
    });
  }
});

describe('labels', () => {
  test('every object carries the app.kubernetes.io labels and helm.sh/chart; selectors never the version', async () => {
    const { objects } = await render({ valueFiles: [ciValues('three-brokers')], apiVersions: OPERATOR_APIS });
    for (const object of objects) {
      const labels = object.metadata.labels ?? {};
      for (const key of [
        'app.kubernetes.io/name',
        'app.kubernetes.io/instance',
        'app.kubernetes.io/component',
        'app.kubernetes.io/version',
        'app.kubernetes.io/managed-by',
        'helm.sh/chart',
      ]) {
        assert.ok(labels[key], `${object.kind}/${object.metadata.name} lacks ${key}`);
      }
      const selector = (object.spec?.selector as { matchLabels?: Record<string, string> } | undefined)
        ?.matchLabels;
      for (const key of Object.keys(selector ?? {})) {
        assert.ok(!['helm.sh/chart', 'app.kubernetes.io/version'].includes(key), object.metadata.name);
      }
    }
  });
});

function serviceDeployments(objects: readonly K8sObject[]): K8sObject[] {
  const infra = new Set(['grafana']);
  return byKind(objects, 'Deployment').filter(
    (object) => !infra.has(object.metadata.labels?.['app.kubernetes.io/name'] ?? ''),
  );
}

describe('services', () => {
  test('each has a Deployment with /readyz readiness and gRPC liveness, a Service, PDB, ServiceAccount and NetworkPolicy', async () => {
    const { objects } = await render();
    const deployments = serviceDeployments(objects);
    assert.deepEqual(
      deployments.map((deployment) => deployment.metadata.labels?.['app.kubernetes.io/name']).sort(),
      ['hashtag-counter', 'influx-sink', 'regime-classifier', 'zone-aggregator'],
    );
    for (const deployment of deployments) {
      const name = deployment.metadata.name;
      const [spec] = podSpecs([deployment]);
      const container = spec?.spec.containers[0];
      assert.deepEqual(container?.readinessProbe?.httpGet, { path: '/readyz', port: 'http' }, name);
      assert.deepEqual(container?.livenessProbe?.grpc, { port: 9090, service: 'tributary.liveness' }, name);
      for (const kind of ['Service', 'PodDisruptionBudget', 'ServiceAccount', 'NetworkPolicy']) {
        named(objects, kind, name);
      }
    }
  });

  test('consumer replicas stay within their input topic partitions in every value set', async () => {
    const values = parse(await readFile(path.join(repoRoot, 'charts/tributary/values.yaml'), 'utf8')) as {
      topics: Record<string, { partitions: number }>;
    };
    for (const set of VALUE_SETS) {
      const { objects } = await render({ valueFiles: [ciValues(set)] });
      for (const deployment of serviceDeployments(objects)) {
        const topic = deployment.metadata.annotations?.['tributary.io/input-topics'];
        if (topic === undefined) continue;
        const replicas = deployment.spec?.replicas as number | undefined;
        if (replicas === undefined) continue; // autoscaled: checked through maxReplicas below
        assert.ok(replicas <= (values.topics[topic]?.partitions ?? 0), `${set}: ${deployment.metadata.name}`);
      }
    }
  });

  test('tributary-ops reads each service, its input topic and its group from the rendered Deployments', async () => {
    const { describeDeployment } = await import('@tributary/ops');
    const values = parse(await readFile(path.join(repoRoot, 'charts/tributary/values.yaml'), 'utf8')) as {
      services: Record<string, { kind: string; inputTopic?: string; consumerGroup?: string }>;
    };
    const { objects } = await render();
    for (const deployment of serviceDeployments(objects)) {
      const seen = describeDeployment(deployment as unknown as Parameters<typeof describeDeployment>[0]);
      const declared = values.services[seen.service];
      assert.ok(declared, `tributary-ops sees service ${seen.service}`);
      if (declared.kind !== 'consumer') continue;
      assert.equal(seen.inputsFrom, 'annotations', seen.service);
      assert.deepEqual(seen.inputTopics, [declared.inputTopic], seen.service);
      assert.deepEqual(seen.consumerGroups, [declared.consumerGroup], seen.service);
    }
  });

  test('the topics table equals the declarations in libs/topics', async () => {
    const declared = await import('@tributary/topics');
    const fromLibs = Object.fromEntries(
      (Object.values(declared) as unknown[])
        .filter(
          (value): value is { name: string; partitions: number } =>
            typeof value === 'object' && value !== null && 'name' in value && 'partitions' in value,
        )
        .map((topic) => [topic.name, topic.partitions]),
    );
    const values = parse(await readFile(path.join(repoRoot, 'charts/tributary/values.yaml'), 'utf8')) as {
      topics: Record<string, { partitions: number }>;
    };
    const fromChart = Object.fromEntries(
      Object.entries(values.topics).map(([name, topic]) => [name, topic.partitions]),
    );
    assert.deepEqual(fromChart, fromLibs);
  });

  test('external Kafka: SASL from the Secret, TLS files mounted where the variables point', async () => {
    const { objects } = await render({ valueFiles: [ciValues('external-kafka')] });
    const deployment = named(objects, 'Deployment', 'tributary-regime-classifier');
    const [pod] = podSpecs([deployment]);
    const container = pod?.spec.containers[0];
    const env = new Map((container?.env ?? []).map((entry) => [entry.name, entry]));
    assert.equal(
      env.get('TRIBUTARY_KAFKA_BROKERS')?.value,
      'kafka-0.example.internal:9096,kafka-1.example.internal:9096,kafka-2.example.internal:9096',
    );
    assert.equal(env.get('TRIBUTARY_KAFKA_SASL_MECHANISM')?.value, 'scram-sha-512');
    assert.deepEqual(env.get('TRIBUTARY_KAFKA_SASL_PASSWORD')?.valueFrom?.secretKeyRef, {
      name: 'tributary-kafka-sasl',
      key: 'password',
    });
    assert.equal(env.get('TRIBUTARY_KAFKA_TLS')?.value, 'true');
    const caFile = env.get('TRIBUTARY_KAFKA_TLS_CA_FILE')?.value ?? '';
    const mount = container?.volumeMounts?.find((entry) => caFile.startsWith(`${entry.mountPath}/`));
    assert.equal(mount?.name, 'kafka-tls');
    assert.ok(pod?.spec.volumes?.some((volume) => volume.name === 'kafka-tls'));
    // No Kafka of the chart's own, and the egress rule opens the brokers' port.
    assert.equal(byKind(objects, 'StatefulSet').length, 0);
    assert.match(
      JSON.stringify(named(objects, 'NetworkPolicy', 'tributary-regime-classifier')),
      /"port":9096/,
    );
  });

  test("the chart's Kafka, InfluxDB and PostgreSQL admit the release's pods and KEDA's namespace only", async () => {
    const { objects } = await render();
    for (const [name, ports] of [
      ['tributary-kafka', [9092, 9093]],
      ['tributary-influxdb', [8086]],
      ['tributary-postgresql', [5432]],
    ] as const) {
      const policy = named(objects, 'NetworkPolicy', name).spec as {
        ingress: { from: unknown[]; ports: { port: number }[] }[];
      };
      assert.equal(policy.ingress.length, 1, name);
      assert.deepEqual(policy.ingress[0]?.from, [
        { podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'tributary' } } },
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'keda' } } },
      ]);
      assert.deepEqual(
        policy.ingress[0]?.ports.map((entry) => entry.port),
        [...ports],
      );
    }
    const external = (await render({ valueFiles: [ciValues('external-kafka')] })).objects;
    assert.ok(
      !byKind(external, 'NetworkPolicy').some((policy) => policy.metadata.name === 'tributary-kafka'),
    );
  });

  test('three brokers: a static quorum of three voters, replication factor 3, min ISR 2', async () => {
    const { objects } = await render({ valueFiles: [ciValues('three-brokers')] });
    const kafka = named(objects, 'StatefulSet', 'tributary-kafka');
    assert.equal(kafka.spec?.replicas, 3);
    const properties = named(objects, 'ConfigMap', 'tributary-kafka').data?.['server.properties'] ?? '';
    assert.match(
      properties,
      /controller\.quorum\.voters=0@tributary-kafka-0\.[^,]+,1@[^,]+,2@tributary-kafka-2\./,
    );
    assert.match(properties, /^default\.replication\.factor=3$/m);
    assert.match(properties, /^min\.insync\.replicas=2$/m);
  });
});

describe('switches on the cluster APIs (--api-versions)', () => {
  const autoscaled = ['--set', 'services.influx-sink.autoscaling.enabled=true'];
  test('KEDA present: a ScaledObject with a kafka trigger bounded by the partitions; else an HPA on lag', async () => {
    const set = [autoscaled[1] ?? ''];
    const withKeda = (await render({ set, apiVersions: ['keda.sh/v1alpha1'] })).objects;
    const scaled = named(withKeda, 'ScaledObject', 'tributary-influx-sink');
    assert.equal(scaled.spec?.maxReplicaCount, 6);
    assert.match(JSON.stringify(scaled.spec?.triggers), /"type":"kafka".*"consumerGroup":"influx-sink"/);
    assert.equal(byKind(withKeda, 'HorizontalPodAutoscaler').length, 0);
    // The autoscaler owns the replica count.
    assert.equal(named(withKeda, 'Deployment', 'tributary-influx-sink').spec?.replicas, undefined);

    const plain = (await render({ set })).objects;
    const hpa = named(plain, 'HorizontalPodAutoscaler', 'tributary-influx-sink');
    assert.equal(hpa.spec?.maxReplicas, 6);
    assert.match(JSON.stringify(hpa.spec?.metrics), /tributary_consumer_lag_messages/);
    assert.equal(byKind(plain, 'ScaledObject').length, 0);
  });

  test('Prometheus Operator present: ServiceMonitors, no scrape annotations; else annotations', async () => {
    const withOperator = (await render({ apiVersions: ['monitoring.coreos.com/v1/ServiceMonitor'] })).objects;
    assert.equal(byKind(withOperator, 'ServiceMonitor').length, serviceDeployments(withOperator).length);
    for (const deployment of serviceDeployments(withOperator)) {
      const annotations = (deployment.spec?.template as K8sObject | undefined)?.metadata.annotations ?? {};
      assert.equal(annotations['prometheus.io/scrape'], undefined);
    }
    // The group/version alone (as `--api-versions monitoring.coreos.com/v1`) is enough too.
    const byGroup = (await render({ apiVersions: ['monitoring.coreos.com/v1'] })).objects;
    assert.equal(byKind(byGroup, 'ServiceMonitor').length, serviceDeployments(byGroup).length);
    const plain = (await render()).objects;
    assert.equal(byKind(plain, 'ServiceMonitor').length, 0);
    for (const deployment of serviceDeployments(plain)) {
      const annotations = (deployment.spec?.template as K8sObject | undefined)?.metadata.annotations ?? {};
      assert.equal(annotations['prometheus.io/scrape'], 'true');
      assert.equal(annotations['prometheus.io/port'], '8080');
    }
  });

  test('PrometheusRule only with its CRD, holding the groups of deploy/prometheus/alerts.yaml', async (t) => {
    const alertsFile = path.join(repoRoot, 'deploy/prometheus/alerts.yaml');
    const alerts = await readFile(alertsFile, 'utf8').catch(() => undefined);
    if (alerts === undefined) return t.skip('deploy/prometheus/alerts.yaml does not exist yet');
    const withOperator = (await render({ apiVersions: OPERATOR_APIS })).objects;
    const rule = named(withOperator, 'PrometheusRule', 'tributary-alerts');
    assert.deepEqual(rule.spec?.groups, (parse(alerts) as { groups: unknown[] }).groups);
    assert.equal(byKind((await render()).objects, 'PrometheusRule').length, 0);
  });
});

describe('Grafana provisioning comes from deploy/grafana, unchanged', () => {
  test('every dashboard, datasource and provider file is in its ConfigMap; dashboards mounted where the provider looks', async () => {
    const { objects } = await render();
    const grafanaDir = path.join(repoRoot, 'deploy/grafana');
    const expectFiles = async (folder: string, extension: string, configMap: string) => {
      const names = (await readdir(path.join(grafanaDir, folder))).filter((file) => file.endsWith(extension));
      assert.ok(names.length > 0, folder);
      const data = named(objects, 'ConfigMap', configMap).data ?? {};
      for (const name of names) {
        assert.equal(
          data[name],
          await readFile(path.join(grafanaDir, folder, name), 'utf8'),
          `${folder}/${name}`,
        );
      }
    };
    await expectFiles('dashboards', '.json', 'tributary-grafana-dashboards');
    await expectFiles('provisioning/datasources', '.yaml', 'tributary-grafana-datasources');
    await expectFiles('provisioning/dashboards', '.yaml', 'tributary-grafana-providers');

    const providers = named(objects, 'ConfigMap', 'tributary-grafana-providers').data ?? {};
    const paths = Object.values(providers).flatMap(
      (text) => (parse(text) as { providers: { options: { path: string } }[] }).providers,
    );
    const [grafana] = podSpecs([named(objects, 'Deployment', 'tributary-grafana')]);
    const mounts = grafana?.spec.containers[0]?.volumeMounts ?? [];
    for (const provider of paths) {
      const mount = mounts.find((entry) => entry.mountPath === provider.options.path);
      assert.equal(mount?.name, 'dashboards', provider.options.path);
    }
    // Every variable the provisioning files expand is in Grafana's environment.
    const env = new Set((grafana?.spec.containers[0]?.env ?? []).map((entry) => entry.name));
    const datasources = Object.values(
      named(objects, 'ConfigMap', 'tributary-grafana-datasources').data ?? {},
    );
    const expanded = datasources
      .join('\n')
      .split('\n')
      .filter((line) => !line.trim().startsWith('#'))
      .join('\n');
    for (const variable of expanded.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)/g)) {
      assert.ok(env.has(variable[1] ?? ''), `Grafana lacks $${variable[1]}`);
    }
  });
});

describe('helm package', () => {
  test('the archive holds the linked deploy/ files as plain files and renders the same manifests', async () => {
    const { helm } = await chartTools();
    const out = await mkdtemp(path.join(tmpdir(), 'tributary-chart-package-'));
    try {
      const packaged = await run(helm, ['package', chartDir, '--destination', out]);
      assert.equal(packaged.code, 0, packaged.stderr);
      const archive = path.join(out, 'tributary-0.1.0.tgz');
      const listing = await run('tar', ['tzvf', archive]);
      const entries = listing.stdout.split('\n').filter(Boolean);
      assert.ok(entries.some((line) => line.endsWith('tributary/files/prometheus/alerts.yaml')));
      assert.ok(
        entries.some((line) => line.endsWith('tributary/files/grafana/dashboards/machine-regimes.json')),
      );
      assert.ok(
        entries.every((line) => !line.startsWith('l')),
        'no symbolic links in the archive',
      );
      // Existing Secrets: generated passwords would differ between any two renders.
      const fixed = ['influxdb', 'postgresql', 'grafana'].flatMap((part) => [
        '--set',
        `${part}.existingSecret=s`,
      ]);
      const fromDir = await run(helm, ['template', 'tributary', chartDir, ...fixed]);
      const fromArchive = await run(helm, ['template', 'tributary', archive, ...fixed]);
      assert.equal(fromArchive.code, 0, fromArchive.stderr);
      assert.equal(fromArchive.stdout, fromDir.stdout);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  test('the dashboards fit in one ConfigMap (1 MiB)', async () => {
    const { objects } = await render();
    const data = named(objects, 'ConfigMap', 'tributary-grafana-dashboards').data ?? {};
    const bytes = Object.values(data).reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    assert.ok(bytes < 1024 * 1024, `${bytes} bytes`);
  });
});

describe('shell scripts in containers', () => {
  test('every `bash -ec` script the chart renders parses (bash -n)', async () => {
    const scripts: { owner: string; script: string }[] = [];
    for (const set of VALUE_SETS) {
      const { objects } = await render({ valueFiles: [ciValues(set)] });
      for (const { owner, spec } of podSpecs(objects)) {
        for (const container of allContainers(spec) as (Container & {
          command?: string[];
          args?: string[];
        })[]) {
          if (container.command?.[0]?.endsWith('bash') && container.args?.[0] !== undefined) {
            scripts.push({ owner: `${set} ${owner} ${container.name}`, script: container.args[0] });
          }
        }
      }
    }
    assert.ok(scripts.some((entry) => entry.owner.includes('kafka')));
    assert.ok(scripts.some((entry) => entry.owner.includes('influxdb-setup')));
    for (const { owner, script } of scripts) {
      const result = await run('bash', ['-n', '-c', script]);
      assert.equal(result.code, 0, `${owner}: ${result.stderr}`);
    }
  });
});

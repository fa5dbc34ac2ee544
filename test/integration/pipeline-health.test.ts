import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { reportPipelineHealth, runScript, ServiceProcess } from '@tributary/demo';
import { defineTopic, TopicRegistry } from '@tributary/kafka';
import { readStackState, registerScrapeTarget, type StackState } from '@tributary/local-stack';
import { influxSeries, testKafka, uniqueName, waitFor } from '@tributary/testing';
import { machineRegime, machineTemperature } from '@tributary/topics';
import type { Admin, Producer } from 'kafkajs';
import { parse } from 'yaml';

const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const DASHBOARD = repo('deploy/grafana/dashboards/pipeline-health.json');
const ALERTS = repo('deploy/prometheus/alerts.yaml');

interface Expression {
  readonly source: string;
  readonly expr: string;
}

interface PrometheusResult {
  readonly status: string;
  readonly error?: string;
  readonly data?: { resultType: string; result: { metric: Record<string, string> }[] };
}

async function dashboardExpressions(): Promise<Expression[]> {
  const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as {
    panels: { title: string; targets?: { refId: string; expr: string }[] }[];
  };
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      source: `panel "${panel.title}" ${target.refId}`,
      expr: target.expr,
    })),
  );
}

async function alertRules(): Promise<{ alert: string; expr: string }[]> {
  const file = parse(await readFile(ALERTS, 'utf8')) as {
    groups: { rules: { alert: string; expr: string }[] }[];
  };
  return file.groups.flatMap((group) => group.rules);
}

/** Grafana's variables as Grafana would expand them for this test's services. */
function expand(expr: string, jobs: readonly string[]): string {
  return expr
    .replaceAll('$job', jobs.map((job) => job.replaceAll('.', '\\\\.')).join('|'))
    .replaceAll('$__rate_interval', '30s')
    .replaceAll('$__range', '10m');
}

async function instantQuery(prometheusUrl: string, expr: string): Promise<PrometheusResult> {
  const response = await fetch(`${prometheusUrl}/api/v1/query`, {
    method: 'POST',
    body: new URLSearchParams({ query: expr }),
  });
  return (await response.json()) as PrometheusResult;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

/** Kubernetes-free restarts: kube-state-metrics is not scraped here, so its series cannot exist. */
const NEEDS_KUBE_STATE_METRICS = 'kube_pod_container_status_restarts_total';

describe('pipeline health: every dashboard and alert query against the real Prometheus scraping running services', () => {
  let stack: StackState;
  let admin: Admin;
  let badProducer: Producer;
  let workDir: string;
  let alertPrometheus: ChildProcess | undefined;
  let source: ChildProcess | undefined;
  let alertPrometheusUrl: string;
  let badRecords: NodeJS.Timeout | undefined;
  const id = randomUUID().slice(0, 8);
  const startedAt = Date.now();
  const jobs = { classifier: `health-regime-classifier-${id}`, sink: `health-influx-sink-${id}` };
  const gone = { gone: `health-gone-${id}` };
  const database = `health_${id}`;
  const inputTopic = uniqueName('health-temperature');
  const outputTopic = uniqueName('health-regime');
  const services: ServiceProcess[] = [];
  const unregister: (() => Promise<void>)[] = [];
  const topics: string[] = [];

  before(async () => {
    stack = await readStackState();
    const kafka = await testKafka(stack.kafka.brokers);
    admin = kafka.admin();
    await admin.connect();
    const registry = new TopicRegistry(
      [
        defineTopic({
          ...machineTemperature,
          name: inputTopic,
          partitions: 2,
          deadLetterTopic: `${inputTopic}.dlq`,
        }),
        defineTopic({
          ...machineRegime,
          name: outputTopic,
          partitions: 2,
          deadLetterTopic: `${outputTopic}.dlq`,
        }),
      ],
      { defaultReplicationFactor: 1 },
    );
    await registry.ensure(admin);
    topics.push(...registry.topics.map((topic) => topic.name));
    await influxSeries(stack.influx.url, '', `CREATE DATABASE "${database}"`);
    workDir = await mkdtemp(join(tmpdir(), 'tributary-health-'));

    const modelDir = join(workDir, 'models');
    await runScript(
      repo('services/regime-classifier/src/train.ts'),
      [
        ...['--source', 'generated', '--machines', '4', '--readings', '3000', '--seed', '5', '--k', '4'],
        ...['--epochs', '4', '--backend', 'wasm', '--out', modelDir, '--report', join(workDir, 'reports')],
      ],
      {},
      { quiet: true },
    );
    const kafkaEnv = {
      TRIBUTARY_KAFKA_BROKERS: stack.kafka.brokers.join(','),
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
    };
    const classifier = new ServiceProcess(
      'regime-classifier',
      repo('services/regime-classifier/src/index.ts'),
      {
        ...kafkaEnv,
        REGIME_CLASSIFIER_APP_ID: uniqueName('health-classifier'),
        REGIME_CLASSIFIER_INPUT_TOPIC: inputTopic,
        REGIME_CLASSIFIER_OUTPUT_TOPIC: outputTopic,
        REGIME_CLASSIFIER_MODEL_DIR: modelDir,
        REGIME_CLASSIFIER_BACKEND: 'wasm',
      },
    );
    const sink = new ServiceProcess('influx-sink', repo('services/influx-sink/src/index.ts'), {
      ...kafkaEnv,
      INFLUX_URL: stack.influx.url,
      INFLUX_ORG: '-',
      INFLUX_BUCKET: database,
      INFLUX_SINK_TOPICS: `${machineRegime.name}=${outputTopic}`,
      INFLUX_SINK_GROUP_ID: uniqueName('health-sink'),
    });
    services.push(classifier, sink);
    const addresses: Record<string, string> = {};
    for (const [job, service] of [
      [jobs.classifier, classifier],
      [jobs.sink, sink],
    ] as const) {
      const { httpPort } = await service.running();
      addresses[job] = `127.0.0.1:${httpPort}`;
      unregister.push(await registerScrapeTarget(job, `127.0.0.1:${httpPort}`, { service: service.name }));
    }

    // Readings at a modest pace for as long as the suite runs, and a steady trickle of malformed
    // records (about 15 % of the input) that must end on the dead-letter topic.
    source = spawn(
      process.execPath,
      [
        ...['--import', 'tsx', repo('services/sensor-source/src/index.ts'), '--mode', 'generated'],
        ...[
          '--topic',
          inputTopic,
          '--machines',
          '4',
          '--rate',
          '100',
          '--seed',
          '7',
          '--progress-interval',
          '600000',
        ],
      ],
      { env: { ...process.env, ...kafkaEnv }, stdio: 'ignore' },
    );
    badProducer = kafka.producer();
    await badProducer.connect();
    badRecords = setInterval(() => {
      badProducer
        .send({
          topic: inputTopic,
          messages: Array.from({ length: 8 }, (_, i) => ({ key: `bad-${i}`, value: '{not json' })),
        })
        .catch(() => {});
    }, 500);

    // A private Prometheus (same binary as the stack's) that loads the alert rules and evaluates
    // every second, scraping the same two services: the stack's was started without the rules.
    const port = await freePort();
    alertPrometheusUrl = `http://127.0.0.1:${port}`;
    const config = {
      global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
      rule_files: [ALERTS],
      scrape_configs: [
        ...Object.entries(addresses).map(([job, address]) => ({
          job_name: job,
          static_configs: [{ targets: [address] }],
        })),
        // A service that never answers: a port nothing listens on.
        { job_name: gone.gone, static_configs: [{ targets: [`127.0.0.1:${await freePort()}`] }] },
      ],
    };
    await writeFile(join(workDir, 'prometheus.yml'), JSON.stringify(config));
    alertPrometheus = spawn(
      '/usr/bin/prometheus',
      [
        `--config.file=${join(workDir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(workDir, 'prometheus-data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
  });

  after(async () => {
    clearInterval(badRecords);
    await badProducer?.disconnect().catch(() => {});
    await Promise.all(unregister.map((remove) => remove()));
    await Promise.allSettled(services.map((service) => service.stop()));
    await Promise.all([source, alertPrometheus].map((child) => stopChild(child)));
    await admin?.deleteTopics({ topics }).catch(() => {});
    await admin?.disconnect();
    await influxSeries(stack.influx.url, '', `DROP DATABASE "${database}"`).catch(() => {});
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('every dashboard query returns data from the running services (kube-state-metrics queries: evaluate, no data here)', async (t) => {
    const expressions = await dashboardExpressions();
    assert.ok(expressions.length >= 10, `only ${expressions.length} queries found in ${DASHBOARD}`);
    const pending = new Map(expressions.map((e) => [e.source, e]));
    await waitFor(
      `data for every dashboard query (still empty: ${[...pending.keys()].join('; ')})`,
      async () => {
        for (const [source, expression] of pending) {
          const result = await instantQuery(
            stack.prometheus.url,
            expand(expression.expr, Object.values(jobs)),
          );
          assert.equal(result.status, 'success', `${source}: ${result.error} in ${expression.expr}`);
          const empty = (result.data?.result.length ?? 0) === 0;
          if (!empty || expression.expr.includes(NEEDS_KUBE_STATE_METRICS)) {
            if (!empty) t.diagnostic(`${source}: ${result.data?.result.length} series`);
            pending.delete(source);
          }
        }
        return pending.size === 0 ? true : undefined;
      },
      150_000,
      2_000,
    );
    // The data is these services' own: the job filter the dashboard applies selects them. The
    // classifier's input can have its rate before the sink's does, so wait for both topics.
    const consumedTopics = async () => {
      const consumed = await instantQuery(
        stack.prometheus.url,
        expand(expressions[0]?.expr ?? '', Object.values(jobs)),
      );
      return (consumed.data?.result ?? []).map((series) => series.metric.topic ?? '').sort();
    };
    const expected = [inputTopic, outputTopic].sort();
    await waitFor(
      `consumed rates of ${expected.join(' and ')}`,
      async () => ((await consumedTopics()).length >= expected.length ? true : undefined),
      60_000,
      1_000,
    ).catch(() => {}); // the assertion says which topic is missing, or which is extra
    assert.deepEqual(await consumedTopics(), expected);
  });

  it("the demo's pipeline-health report draws every panel from the same queries, as JSON and SVG", async () => {
    const report = await reportPipelineHealth(stack, {
      from: startedAt,
      to: Date.now(),
      jobs: Object.values(jobs).join('|'),
      outDir: join(workDir, 'health-report'),
    });
    const empty = report.panels.filter(
      (panel) =>
        !panel.series.some((series) => series.values.length > 0) &&
        !panel.queries.some((query) => query.includes(NEEDS_KUBE_STATE_METRICS)),
    );
    assert.deepEqual(
      empty.map((panel) => panel.title),
      [],
    );
    const saved = JSON.parse(await readFile(report.json, 'utf8')) as { panels: { title: string }[] };
    assert.equal(saved.panels.length, report.panels.length);
    const svg = await readFile(report.svg, 'utf8');
    assert.match(svg, /^<svg/);
    for (const panel of report.panels)
      assert.ok(svg.includes(panel.title.replaceAll('&', '&amp;')), panel.title);
  });

  it('every alert expression parses and evaluates on the stack Prometheus, and promtool accepts the rules file', async () => {
    const { stdout } = await promisify(execFile)('promtool', ['check', 'rules', ALERTS]);
    assert.match(stdout, /SUCCESS: 3 rules found/);
    for (const rule of await alertRules()) {
      const result = await instantQuery(stack.prometheus.url, rule.expr);
      assert.equal(result.status, 'success', `${rule.alert}: ${result.error}`);
      assert.equal(result.data?.resultType, 'vector', rule.alert);
    }
  });

  it('the dead-letter-spike alert fires for the topic that gets malformed records, and no service is down', async () => {
    const firing = await waitFor(
      'TributaryDeadLetterSpike firing in /api/v1/alerts',
      async () => {
        const response = await fetch(`${alertPrometheusUrl}/api/v1/alerts`).catch(() => undefined);
        if (!response?.ok) return undefined;
        const body = (await response.json()) as {
          data: { alerts: { labels: Record<string, string>; state: string }[] };
        };
        const alert = body.data.alerts.find(
          (a) => a.labels.alertname === 'TributaryDeadLetterSpike' && a.labels.topic === inputTopic,
        );
        return alert?.state === 'firing' ? body.data.alerts : undefined;
      },
      170_000,
      1_000,
    );
    assert.deepEqual(
      firing.filter(
        (a) =>
          a.labels.alertname === 'TributaryServiceDown' && Object.values(jobs).includes(a.labels.job ?? ''),
      ),
      [],
    );
  });

  it('the service-down alert fires for a scrape target that never answers, after its 2 minutes', async () => {
    await waitFor(
      'TributaryServiceDown firing for the silent target',
      async () => {
        const response = await fetch(`${alertPrometheusUrl}/api/v1/alerts`).catch(() => undefined);
        if (!response?.ok) return undefined;
        const body = (await response.json()) as {
          data: { alerts: { labels: Record<string, string>; state: string }[] };
        };
        return body.data.alerts.some(
          (a) =>
            a.labels.alertname === 'TributaryServiceDown' &&
            a.labels.job === gone.gone &&
            a.state === 'firing',
        )
          ? true
          : undefined;
      },
      170_000,
      1_000,
    );
  });
});

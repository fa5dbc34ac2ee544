// Runs helm and kubeconform (built by the local stack's prerequisites) against charts/tributary.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChartTools, ensureChartTools, KUBERNETES_SCHEMA_VERSION } from '@tributary/local-stack';
import { parseAllDocuments } from 'yaml';

export const repoRoot = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const chartDir = path.join(repoRoot, 'charts', 'tributary');
export const ciValues = (name: string) => path.join(chartDir, 'ci', `${name}-values.yaml`);

/** The value sets CI renders (charts/tributary/ci/*-values.yaml). */
export const VALUE_SETS = ['default', 'external-kafka', 'three-brokers', 'minimal'] as const;

/** The APIs that switch the chart to KEDA, ServiceMonitors and a PrometheusRule. */
export const OPERATOR_APIS = [
  'keda.sh/v1alpha1',
  'monitoring.coreos.com/v1/ServiceMonitor',
  'monitoring.coreos.com/v1/PrometheusRule',
] as const;

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(
  command: string,
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024, env: options.env ?? process.env },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') return reject(error);
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

let tools: Promise<ChartTools> | undefined;
/** helm, kubeconform and the schemas; installed on first use (cached under ~/.cache/tributary). */
export function chartTools(): Promise<ChartTools> {
  tools ??= ensureChartTools();
  return tools;
}

export interface RenderOptions {
  readonly valueFiles?: readonly string[];
  readonly set?: readonly string[];
  readonly apiVersions?: readonly string[];
  readonly releaseName?: string;
  readonly namespace?: string;
}

function renderArgs(options: RenderOptions): string[] {
  return [
    ...(options.valueFiles ?? []).flatMap((file) => ['-f', file]),
    ...(options.set ?? []).flatMap((value) => ['--set', value]),
    ...(options.apiVersions ?? []).flatMap((api) => ['--api-versions', api]),
  ];
}

/** `helm template`: the exit code and helm's own output (stderr carries the failure message). */
export async function helmTemplate(options: RenderOptions = {}): Promise<Run> {
  const { helm } = await chartTools();
  return run(helm, [
    'template',
    options.releaseName ?? 'tributary',
    chartDir,
    '--namespace',
    options.namespace ?? 'tributary',
    ...renderArgs(options),
  ]);
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  [key: string]: unknown;
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
}

/** Renders and parses; throws with helm's message when rendering fails. */
export async function render(
  options: RenderOptions = {},
): Promise<{ manifest: string; objects: K8sObject[] }> {
  const result = await helmTemplate(options);
  if (result.code !== 0) throw new Error(`helm template failed (${result.code}):\n${result.stderr}`);
  return { manifest: result.stdout, objects: parseManifests(result.stdout) };
}

export async function helmLint(options: RenderOptions = {}): Promise<Run> {
  const { helm } = await chartTools();
  return run(helm, ['lint', '--strict', chartDir, ...renderArgs(options)]);
}

export interface Validation {
  readonly filename: string;
  readonly kind: string;
  readonly name: string;
  readonly version: string;
  readonly status: 'statusValid' | 'statusInvalid' | 'statusError' | 'statusSkipped' | 'statusEmpty';
  readonly msg: string;
}

/**
 * kubeconform -strict against the Kubernetes schemas and the CRD schemas, offline, on several
 * manifests at once (it compiles each schema once per run, which dominates its time): every object's
 * result (valid ones included) by manifest name, so a test can tell "all valid" from "nothing checked".
 */
export async function kubeconform(manifests: Record<string, string>): Promise<Map<string, Validation[]>> {
  const { kubeconform: binary, schemasDir, crds } = await chartTools();
  const dir = await mkdtemp(path.join(tmpdir(), 'kubeconform-'));
  try {
    for (const [name, manifest] of Object.entries(manifests)) {
      await writeFile(path.join(dir, `${name}.yaml`), manifest);
    }
    const result = await run(binary, [
      '-strict',
      '-output',
      'json',
      '-verbose',
      '-kubernetes-version',
      KUBERNETES_SCHEMA_VERSION,
      '-schema-location',
      `${schemasDir}/{{ .NormalizedKubernetesVersion }}-local-strict/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
      '-schema-location',
      `${crds.schemasDir}/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`,
      dir,
    ]);
    const parsed = JSON.parse(result.stdout) as { resources?: Validation[] };
    const byManifest = new Map<string, Validation[]>(Object.keys(manifests).map((name) => [name, []]));
    for (const resource of parsed.resources ?? []) {
      byManifest.get(path.basename(resource.filename, '.yaml'))?.push(resource);
    }
    return byManifest;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Pod specs of every workload (Deployment, StatefulSet, Job templates, and bare Pods). */
export function podSpecs(objects: readonly K8sObject[]): { owner: string; spec: PodSpec }[] {
  return objects.flatMap((object) => {
    const owner = `${object.kind}/${object.metadata.name}`;
    if (object.kind === 'Pod') return [{ owner, spec: object.spec as unknown as PodSpec }];
    const template = (object.spec as { template?: { spec: PodSpec } } | undefined)?.template;
    return template ? [{ owner, spec: template.spec }] : [];
  });
}

export interface Container {
  name: string;
  env?: { name: string; value?: string; valueFrom?: Record<string, { name: string; key: string }> }[];
  securityContext?: Record<string, unknown>;
  readinessProbe?: Record<string, unknown>;
  livenessProbe?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
}

export interface PodSpec {
  securityContext?: Record<string, unknown>;
  containers: Container[];
  initContainers?: Container[];
  volumes?: ({ name: string } & Record<string, unknown>)[];
}

export function byKind(objects: readonly K8sObject[], kind: string): K8sObject[] {
  return objects.filter((object) => object.kind === kind);
}

export function named(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name} among ${objects.length} rendered objects`);
  return found;
}

import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { OpsError } from '../errors.ts';
import { defaultInputsOf } from '../service-inputs.ts';
import type { KubeClients } from './kube-clients.ts';
import { ANNOTATIONS, LABELS, releaseSelector, serviceSelector } from './labels.ts';

/** A service of the release as its Deployment describes it. */
export interface ServiceDeployment {
  readonly service: string;
  readonly deployment: string;
  readonly desired: number;
  readonly ready: number;
  readonly updated: number;
  readonly available: number;
  readonly inputTopics: readonly string[];
  readonly consumerGroups: readonly string[];
  /** Where the inputs came from: the Deployment's annotations or the built-in defaults. */
  readonly inputsFrom: 'annotations' | 'defaults' | 'none';
}

export interface PodState {
  readonly service: string;
  readonly pod: string;
  readonly phase: string;
  readonly ready: boolean;
  readonly restarts: number;
  /** Why it is not running, e.g. `Unschedulable: 0/0 nodes are available`. */
  readonly reason: string;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

export function describeDeployment(deployment: V1Deployment): ServiceDeployment {
  const labels = deployment.metadata?.labels ?? {};
  const annotations = deployment.metadata?.annotations ?? {};
  const name = deployment.metadata?.name ?? '';
  const service = labels[LABELS.name] ?? name;
  const annotated = {
    inputTopics: list(annotations[ANNOTATIONS.inputTopics]),
    consumerGroups: list(annotations[ANNOTATIONS.consumerGroups]),
  };
  const defaults = defaultInputsOf(service);
  const inputs = annotated.inputTopics.length > 0 ? annotated : (defaults ?? annotated);
  return {
    service,
    deployment: name,
    desired: deployment.spec?.replicas ?? 0,
    ready: deployment.status?.readyReplicas ?? 0,
    updated: deployment.status?.updatedReplicas ?? 0,
    available: deployment.status?.availableReplicas ?? 0,
    inputTopics: inputs.inputTopics,
    consumerGroups: inputs.consumerGroups,
    inputsFrom: annotated.inputTopics.length > 0 ? 'annotations' : defaults ? 'defaults' : 'none',
  };
}

/** Runs a Kubernetes API call; a failure becomes an OpsError naming what was being done and the HTTP status. */
export async function kubeCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const status = (error as { code?: number }).code;
    throw new OpsError(
      'KUBERNETES_API_FAILED',
      `${what} failed${status ? ` (HTTP ${status})` : ''}: ${String(error)}`,
      {
        cause: error,
        retriable: status === undefined || status >= 500,
      },
    );
  }
}

export async function releaseDeployments(kube: KubeClients, release: string): Promise<V1Deployment[]> {
  const { items } = await kubeCall(`listing the Deployments of release ${release}`, () =>
    kube.apps.listNamespacedDeployment({
      namespace: kube.namespace,
      labelSelector: releaseSelector(release),
    }),
  );
  return items.sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}

/** The one Deployment of `service` in the release; none or several is an error that lists what exists. */
export async function serviceDeployment(
  kube: KubeClients,
  release: string,
  service: string,
): Promise<V1Deployment> {
  const { items } = await kubeCall(`looking up service ${service}`, () =>
    kube.apps.listNamespacedDeployment({
      namespace: kube.namespace,
      labelSelector: serviceSelector(release, service),
    }),
  );
  const [deployment, ...others] = items;
  if (deployment && others.length === 0) return deployment;
  const known = (await releaseDeployments(kube, release)).map((d) => describeDeployment(d).service);
  throw new OpsError(
    'SERVICE_NOT_FOUND',
    deployment
      ? `${items.length} Deployments carry ${LABELS.name}=${service} in release ${release}; expected one`
      : `no Deployment of service ${service} in release ${release} (namespace ${kube.namespace}); the release has: ${known.join(', ') || 'nothing'}`,
    { context: { service, release, namespace: kube.namespace } },
  );
}

function podState(service: string, pod: V1Pod): PodState {
  const conditions = pod.status?.conditions ?? [];
  const ready = conditions.some((c) => c.type === 'Ready' && c.status === 'True');
  const blocking = conditions.find((c) => c.status === 'False' && c.reason);
  const waiting = pod.status?.containerStatuses?.find((c) => c.state?.waiting)?.state?.waiting;
  const reason = waiting
    ? `${waiting.reason ?? 'Waiting'}${waiting.message ? `: ${waiting.message}` : ''}`
    : blocking
      ? `${blocking.reason}${blocking.message ? `: ${blocking.message}` : ''}`
      : '';
  return {
    service,
    pod: pod.metadata?.name ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    ready,
    restarts: (pod.status?.containerStatuses ?? []).reduce((sum, c) => sum + c.restartCount, 0),
    reason,
  };
}

/** The pods each Deployment selects, found through its own selector (labels the chart chose). */
export async function podsOf(kube: KubeClients, deployment: V1Deployment): Promise<PodState[]> {
  const matchLabels = deployment.spec?.selector.matchLabels ?? {};
  const selector = Object.entries(matchLabels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  if (!selector) return [];
  const { items } = await kubeCall(`listing the pods of ${deployment.metadata?.name}`, () =>
    kube.core.listNamespacedPod({ namespace: kube.namespace, labelSelector: selector }),
  );
  const service = describeDeployment(deployment).service;
  return items.map((pod) => podState(service, pod)).sort((a, b) => a.pod.localeCompare(b.pod));
}

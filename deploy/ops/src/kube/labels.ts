/**
 * How tributary-ops finds a release's services: the standard app.kubernetes.io labels the chart
 * puts on every Deployment, and two annotations that say what the service consumes (the chart sets
 * them from the same values that become the service's topic and group variables).
 */
export const LABELS = {
  instance: 'app.kubernetes.io/instance',
  name: 'app.kubernetes.io/name',
  component: 'app.kubernetes.io/component',
} as const;

export const ANNOTATIONS = {
  /** Comma-separated input topics: a consumer group spreads each topic's partitions over its members. */
  inputTopics: 'tributary.io/input-topics',
  /** Comma-separated consumer groups the service commits offsets in. */
  consumerGroups: 'tributary.io/consumer-groups',
  /** What `kubectl rollout restart` sets on the pod template; a new value rolls every pod. */
  restartedAt: 'kubectl.kubernetes.io/restartedAt',
} as const;

export function releaseSelector(release: string): string {
  return `${LABELS.instance}=${release}`;
}

export function serviceSelector(release: string, service: string): string {
  return `${releaseSelector(release)},${LABELS.name}=${service}`;
}

import { consumerGroupLag, type KafkaAdmin, type PartitionLag } from '@tributary/kafka';
import type { KubeClients } from './kube/kube-clients.ts';
import {
  describeDeployment,
  type PodState,
  podsOf,
  releaseDeployments,
  type ServiceDeployment,
} from './kube/release.ts';

export interface ReleaseStatus {
  readonly release: string;
  readonly namespace: string;
  readonly services: readonly ServiceDeployment[];
  readonly pods: readonly PodState[];
  readonly lag: readonly PartitionLag[];
}

export interface StatusOptions {
  readonly release: string;
  /** Groups to report besides those the release's Deployments name. */
  readonly extraGroups?: readonly string[];
}

/**
 * Deployments and pods of the release from the Kubernetes API, and the lag of every consumer group
 * its services name, per partition, from Kafka's committed offsets and high watermarks.
 */
export async function releaseStatus(
  kube: KubeClients,
  admin: KafkaAdmin,
  options: StatusOptions,
): Promise<ReleaseStatus> {
  const deployments = await releaseDeployments(kube, options.release);
  const services = deployments.map(describeDeployment);
  const pods = (await Promise.all(deployments.map((deployment) => podsOf(kube, deployment)))).flat();
  const lag: PartitionLag[] = [];
  for (const service of services) {
    lag.push(...(await consumerGroupLag(admin, service.consumerGroups, service.inputTopics)));
  }
  const named = new Set(services.flatMap((service) => service.consumerGroups));
  const extra = (options.extraGroups ?? []).filter((group) => !named.has(group));
  lag.push(...(await consumerGroupLag(admin, extra)));
  return { release: options.release, namespace: kube.namespace, services, pods, lag };
}

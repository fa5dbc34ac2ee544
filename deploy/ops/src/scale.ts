import { growPartitions, type KafkaAdmin, partitionCount } from '@tributary/kafka';
import { OpsError } from './errors.ts';
import type { KubeClients } from './kube/kube-clients.ts';
import { mergePatch } from './kube/merge-patch.ts';
import { describeDeployment, kubeCall, serviceDeployment } from './kube/release.ts';

export interface ScaleOptions {
  readonly release: string;
  readonly service: string;
  readonly replicas: number;
  /** Grow input topics with fewer partitions than replicas first, instead of refusing. */
  readonly addPartitions?: boolean;
}

export interface ScaleResult {
  readonly service: string;
  readonly deployment: string;
  readonly from: number;
  readonly to: number;
  /** Input topics and their partition counts as they are after the command. */
  readonly partitions: Readonly<Record<string, number>>;
  readonly grown: readonly { topic: string; from: number; to: number }[];
  /** HorizontalPodAutoscalers (KEDA makes one per ScaledObject) that will set the replicas again. */
  readonly autoscalers: readonly { name: string; minReplicas: number; maxReplicas: number }[];
}

/** Autoscalers that target the Deployment: a manual scale only lasts until their next evaluation. */
async function autoscalersOf(kube: KubeClients, deployment: string): Promise<ScaleResult['autoscalers']> {
  const { items } = await kubeCall('listing HorizontalPodAutoscalers', () =>
    kube.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace: kube.namespace }),
  );
  return items
    .filter(
      (hpa) => hpa.spec?.scaleTargetRef.kind === 'Deployment' && hpa.spec.scaleTargetRef.name === deployment,
    )
    .map((hpa) => ({
      name: hpa.metadata?.name ?? '',
      minReplicas: hpa.spec?.minReplicas ?? 1,
      maxReplicas: hpa.spec?.maxReplicas ?? 0,
    }));
}

/**
 * Sets a consumer service's replicas. A consumer group gives each partition to one member, so
 * replicas beyond the largest input topic's partition count would sit idle: that is refused unless
 * the topics are grown first (`addPartitions`).
 */
export async function scaleService(
  kube: KubeClients,
  admin: KafkaAdmin,
  options: ScaleOptions,
): Promise<ScaleResult> {
  const { replicas, service, release } = options;
  if (!Number.isSafeInteger(replicas) || replicas < 0) {
    throw new OpsError('INVALID_ARGUMENT', `replicas must be a whole number ≥ 0, got ${replicas}`);
  }
  const deployment = await serviceDeployment(kube, release, service);
  const described = describeDeployment(deployment);
  if (described.inputTopics.length === 0) {
    throw new OpsError(
      'INPUT_TOPIC_UNKNOWN',
      `cannot check ${service} against its partitions: its Deployment ${described.deployment} has no tributary.io/input-topics annotation and ${service} has no built-in default`,
      { context: { service } },
    );
  }
  const partitions: Record<string, number> = {};
  for (const topic of described.inputTopics) partitions[topic] = await partitionCount(admin, topic);
  const usable = Math.max(...Object.values(partitions));
  const grown: { topic: string; from: number; to: number }[] = [];
  if (replicas > usable) {
    const summary = Object.entries(partitions)
      .map(([topic, count]) => `${topic} has ${count}`)
      .join(', ');
    if (!options.addPartitions) {
      throw new OpsError(
        'REPLICAS_EXCEED_PARTITIONS',
        `refusing to scale ${service} to ${replicas} replicas: ${summary} partition${usable === 1 ? '' : 's'}, so ${replicas - usable} replica${replicas - usable === 1 ? '' : 's'} would get no partition and sit idle.\n` +
          `Grow the input topic${described.inputTopics.length > 1 ? 's' : ''} first: tributary-ops scale ${service} ${replicas} --add-partitions\n` +
          '(Kafka cannot shrink a topic again, and records of a key written after the change may go to another partition than its earlier ones.)',
        { context: { service, replicas, partitions: usable } },
      );
    }
    for (const [topic, count] of Object.entries(partitions)) {
      if (count >= replicas) continue;
      await growPartitions(admin, topic, replicas);
      partitions[topic] = await partitionCount(admin, topic);
      grown.push({ topic, from: count, to: partitions[topic] ?? replicas });
    }
  }
  await kubeCall(`scaling ${described.deployment}`, () =>
    kube.apps.patchNamespacedDeploymentScale(
      { name: described.deployment, namespace: kube.namespace, body: { spec: { replicas } } },
      mergePatch,
    ),
  );
  return {
    service,
    deployment: described.deployment,
    from: described.desired,
    to: replicas,
    partitions,
    grown,
    autoscalers: await autoscalersOf(kube, described.deployment),
  };
}

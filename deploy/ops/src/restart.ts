import { OpsError } from './errors.ts';
import type { KubeClients } from './kube/kube-clients.ts';
import { ANNOTATIONS } from './kube/labels.ts';
import { mergePatch } from './kube/merge-patch.ts';
import { describeDeployment, kubeCall, serviceDeployment } from './kube/release.ts';

export interface RestartResult {
  readonly service: string;
  readonly deployment: string;
  readonly restartedAt: string;
}

/**
 * A rolling restart as `kubectl rollout restart` does it: a new pod-template annotation makes the
 * Deployment roll every pod through its update strategy (and PodDisruptionBudget), no downtime.
 */
export async function restartService(
  kube: KubeClients,
  options: { release: string; service: string; now?: Date },
): Promise<RestartResult> {
  const deployment = await serviceDeployment(kube, options.release, options.service);
  const { deployment: name } = describeDeployment(deployment);
  if (deployment.spec?.paused) {
    throw new OpsError(
      'INVALID_ARGUMENT',
      `Deployment ${name} is paused: resume it first (kubectl rollout resume)`,
    );
  }
  const restartedAt = (options.now ?? new Date()).toISOString();
  await kubeCall(`restarting ${name}`, () =>
    kube.apps.patchNamespacedDeployment(
      {
        name,
        namespace: kube.namespace,
        body: {
          spec: { template: { metadata: { annotations: { [ANNOTATIONS.restartedAt]: restartedAt } } } },
        },
      },
      mergePatch,
    ),
  );
  return { service: options.service, deployment: name, restartedAt };
}

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { AppsV1Api, AutoscalingV2Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { OpsError } from '../errors.ts';

export interface KubeTarget {
  /** A kubeconfig file; default: $KUBECONFIG, then ~/.kube/config, then the in-cluster service account. */
  readonly kubeconfig?: string;
  /** Whether KUBECONFIG or KUBERNETES_SERVICE_HOST is set (client-node reads them itself). */
  readonly environmentProvidesConfig?: boolean;
  readonly context?: string;
  /** Default: the context's namespace, else `default`. */
  readonly namespace?: string;
}

export interface KubeClients {
  readonly apps: AppsV1Api;
  readonly core: CoreV1Api;
  readonly autoscaling: AutoscalingV2Api;
  readonly namespace: string;
  readonly server: string;
}

export function kubeClients(target: KubeTarget = {}): KubeClients {
  const config = new KubeConfig();
  if (target.kubeconfig) config.loadFromFile(target.kubeconfig);
  else if (target.environmentProvidesConfig || existsSync(path.join(homedir(), '.kube', 'config'))) {
    config.loadFromDefault();
  } else {
    // client-node would fall back to http://localhost:8080 and fail later with a puzzling TLS message.
    throw new OpsError(
      'KUBERNETES_CONFIG_MISSING',
      'no kubeconfig: pass --kubeconfig <file>, set KUBECONFIG, create ~/.kube/config, or run inside a cluster',
    );
  }
  if (target.context) config.setCurrentContext(target.context);
  const namespace =
    target.namespace ?? config.getContextObject(config.getCurrentContext())?.namespace ?? 'default';
  return {
    apps: config.makeApiClient(AppsV1Api),
    core: config.makeApiClient(CoreV1Api),
    autoscaling: config.makeApiClient(AutoscalingV2Api),
    namespace,
    server: config.getCurrentCluster()?.server ?? '(unknown)',
  };
}

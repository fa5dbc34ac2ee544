import { AppsV1Api, AutoscalingV2Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';

export interface KubeTarget {
  /** A kubeconfig file; default: $KUBECONFIG, then ~/.kube/config, then the in-cluster service account. */
  readonly kubeconfig?: string;
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
  else config.loadFromDefault();
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

import { type ConfigOf, env } from '@tributary/config';
import { kafkaSettings } from '@tributary/kafka';

/** Kafka comes from the environment like for every service (TRIBUTARY_KAFKA_*); Kubernetes from the kubeconfig. */
export const opsSettings = {
  kafka: kafkaSettings,
  kubeconfig: env.string('KUBECONFIG', {
    optional: true,
    doc: 'kubeconfig file when --kubeconfig is not given (else ~/.kube/config, else the in-cluster service account)',
  }),
  kubernetesServiceHost: env.string('KUBERNETES_SERVICE_HOST', {
    optional: true,
    doc: 'Set by Kubernetes inside a pod: the in-cluster service account is used when no kubeconfig is found',
  }),
  logLevel: env.enum('TRIBUTARY_LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const, {
    default: 'warn',
    doc: 'Lowest level of the Kafka client log (to stderr)',
  }),
};
export type OpsSettings = ConfigOf<typeof opsSettings>;

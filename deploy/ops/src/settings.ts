import { type ConfigOf, env } from '@tributary/config';
import { kafkaSettings } from '@tributary/kafka';

/** Kafka comes from the environment like for every service (TRIBUTARY_KAFKA_*); Kubernetes from the kubeconfig. */
export const opsSettings = {
  kafka: kafkaSettings,
  logLevel: env.enum('TRIBUTARY_LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const, {
    default: 'warn',
    doc: 'Lowest level of the Kafka client log (to stderr)',
  }),
};
export type OpsSettings = ConfigOf<typeof opsSettings>;

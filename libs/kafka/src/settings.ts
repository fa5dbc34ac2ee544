import { type ConfigOf, env } from '@tributary/config';

/** How a service reaches Kafka. Every variable is documented here and nowhere else. */
export const kafkaSettings = {
  brokers: env.list('TRIBUTARY_KAFKA_BROKERS', {
    default: ['127.0.0.1:19092'],
    doc: 'Bootstrap servers, comma-separated host:port',
  }),
  clientId: env.string('TRIBUTARY_KAFKA_CLIENT_ID', {
    default: 'tributary',
    doc: 'Client id sent to the brokers (shows in their request logs and quotas)',
  }),
  replicationFactor: env.int('TRIBUTARY_KAFKA_REPLICATION_FACTOR', {
    default: 1,
    min: 1,
    max: 16,
    doc: 'Replication factor for topics the registry creates when the declaration leaves it open',
  }),
  saslMechanism: env.enum(
    'TRIBUTARY_KAFKA_SASL_MECHANISM',
    ['none', 'plain', 'scram-sha-256', 'scram-sha-512'] as const,
    {
      default: 'none',
      doc: 'SASL mechanism; anything but none needs the username and password',
    },
  ),
  saslUsername: env.string('TRIBUTARY_KAFKA_SASL_USERNAME', { optional: true, doc: 'SASL user name' }),
  saslPassword: env.secret('TRIBUTARY_KAFKA_SASL_PASSWORD', {
    optional: true,
    doc: 'SASL password (or TRIBUTARY_KAFKA_SASL_PASSWORD_FILE naming a file that holds it)',
  }),
  tls: env.bool('TRIBUTARY_KAFKA_TLS', { default: false, doc: 'Connect with TLS' }),
  tlsCaFile: env.string('TRIBUTARY_KAFKA_TLS_CA_FILE', {
    optional: true,
    doc: 'PEM file of the CA that signed the brokers’ certificates (default: the system CAs)',
  }),
  tlsCertFile: env.string('TRIBUTARY_KAFKA_TLS_CERT_FILE', {
    optional: true,
    doc: 'PEM client certificate for mutual TLS',
  }),
  tlsKeyFile: env.string('TRIBUTARY_KAFKA_TLS_KEY_FILE', {
    optional: true,
    doc: 'PEM private key for mutual TLS',
  }),
  tlsRejectUnauthorized: env.bool('TRIBUTARY_KAFKA_TLS_REJECT_UNAUTHORIZED', {
    default: true,
    doc: 'Refuse brokers whose certificate does not verify (turn off only for local tests)',
  }),
  connectionTimeoutMs: env.int('TRIBUTARY_KAFKA_CONNECTION_TIMEOUT_MS', {
    default: 3000,
    min: 100,
    max: 120_000,
    doc: 'Time to establish a broker connection',
  }),
  retryBudgetMs: env.duration('TRIBUTARY_KAFKA_RETRY_BUDGET', {
    default: '60s',
    doc: 'How long retriable broker errors are retried before an operation fails; longer than a leader election after a broker dies (KRaft fences it after broker.session.timeout.ms, 9 s by default)',
  }),
  requestTimeoutMs: env.int('TRIBUTARY_KAFKA_REQUEST_TIMEOUT_MS', {
    default: 30_000,
    min: 100,
    max: 600_000,
    doc: 'Time to wait for a broker response',
  }),
};

export type KafkaSettings = ConfigOf<typeof kafkaSettings>;

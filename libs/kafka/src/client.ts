import { readFileSync } from 'node:fs';
import { Kafka, type KafkaConfig, logLevel, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';
import { KafkaLayerError } from './errors.ts';
import { kafkaLogCreator } from './log-bridge.ts';
import { retryWithin } from './retry.ts';
import type { KafkaSettings } from './settings.ts';

/** A kafkajs client built from validated settings; the one place that knows kafkajs's config shape. */
export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
  const config: KafkaConfig = {
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: settings.connectionTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    retry: retryWithin(settings.retryBudgetMs),
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
  };
  const sasl = saslOptions(settings);
  if (sasl) config.sasl = sasl;
  if (settings.tls) {
    config.ssl = {
      rejectUnauthorized: settings.tlsRejectUnauthorized,
      ...(settings.tlsCaFile ? { ca: [readFileSync(settings.tlsCaFile, 'utf8')] } : {}),
      ...(settings.tlsCertFile ? { cert: readFileSync(settings.tlsCertFile, 'utf8') } : {}),
      ...(settings.tlsKeyFile ? { key: readFileSync(settings.tlsKeyFile, 'utf8') } : {}),
    };
  }
  return new Kafka(config);
}

function saslOptions(settings: KafkaSettings): SASLOptions | undefined {
  const mechanism = settings.saslMechanism;
  if (mechanism === 'none') return undefined;
  const { saslUsername: username, saslPassword: password } = settings;
  if (!username || !password) {
    const missing = !username ? 'TRIBUTARY_KAFKA_SASL_USERNAME' : 'TRIBUTARY_KAFKA_SASL_PASSWORD';
    throw new KafkaLayerError(
      'INVALID_SETTINGS',
      `${missing}: required when TRIBUTARY_KAFKA_SASL_MECHANISM is ${mechanism}`,
      {
        context: { variable: missing },
      },
    );
  }
  return { mechanism, username, password };
}

import { address, KAFKA_HOST, type KafkaClusterLayout, type KafkaNodeLayout } from './layout.ts';
import type { KafkaTls } from './tls.ts';

const SCRAM_LOGIN = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';

/**
 * server.properties of one combined broker+controller node. Brokers talk to each other over
 * PLAINTEXT; clients may also use SCRAM over SASL_PLAINTEXT or SASL_SSL.
 */
export function renderServerProperties(
  layout: KafkaClusterLayout,
  node: KafkaNodeLayout,
  tls: KafkaTls,
): string {
  const { ports } = node;
  const replication = layout.brokers;
  const minIsr = layout.brokers === 1 ? 1 : 2;
  const quorum =
    layout.brokers === 1
      ? { 'controller.quorum.bootstrap.servers': address(ports.controller) }
      : {
          'controller.quorum.voters': layout.nodes
            .map((n) => `${n.id}@${address(n.ports.controller)}`)
            .join(','),
        };
  const clientListeners = [
    `PLAINTEXT://${KAFKA_HOST}:${ports.plaintext}`,
    `SASL_PLAINTEXT://${KAFKA_HOST}:${ports.sasl}`,
    `SASL_SSL://${KAFKA_HOST}:${ports.saslSsl}`,
  ];
  const properties: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': node.id,
    ...quorum,
    'controller.listener.names': 'CONTROLLER',
    listeners: [...clientListeners, `CONTROLLER://${KAFKA_HOST}:${ports.controller}`].join(','),
    'advertised.listeners': clientListeners.join(','),
    'listener.security.protocol.map':
      'PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'sasl.enabled.mechanisms': 'SCRAM-SHA-256,SCRAM-SHA-512',
    'listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config': SCRAM_LOGIN,
    'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config': SCRAM_LOGIN,
    'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config': SCRAM_LOGIN,
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': SCRAM_LOGIN,
    'listener.name.sasl_ssl.ssl.keystore.type': 'PEM',
    'listener.name.sasl_ssl.ssl.keystore.location': tls.keystoreFile,
    'log.dirs': node.dataDir,
    // Topics come from the project's topic registry, never from a typo in a client.
    'auto.create.topics.enable': false,
    'default.replication.factor': replication,
    'min.insync.replicas': minIsr,
    'offsets.topic.replication.factor': replication,
    'transaction.state.log.replication.factor': replication,
    'transaction.state.log.min.isr': minIsr,
    'share.coordinator.state.topic.replication.factor': replication,
    'share.coordinator.state.topic.min.isr': minIsr,
    // Fewer coordinator partitions than the default 50: they load in a fraction of the time on 2 cores.
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.num.partitions': 10,
    'group.initial.rebalance.delay.ms': 0,
  };
  return `${Object.entries(properties)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

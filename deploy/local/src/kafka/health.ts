import { Kafka, logLevel, type SASLOptions } from 'kafkajs';

export interface HealthProbe {
  brokers: string[];
  sasl?: SASLOptions;
  ssl?: { ca: string };
}

/**
 * Ids of the brokers registered in the cluster, as seen through `probe.brokers`; null when the
 * cluster does not answer. One quick attempt: callers poll.
 */
export async function registeredBrokerIds(probe: HealthProbe): Promise<number[] | null> {
  const kafka = new Kafka({
    clientId: 'tributary-stack-health',
    brokers: probe.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
    ...(probe.sasl === undefined ? {} : { sasl: probe.sasl }),
    ...(probe.ssl === undefined ? {} : { ssl: { ca: [probe.ssl.ca] } }),
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.map((broker) => broker.nodeId);
  } catch {
    return null;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

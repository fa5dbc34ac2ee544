import { readStackState } from '@tributary/local-stack';
import { Kafka, logLevel } from 'kafkajs';

/** The brokers of the running local stack. */
export async function stackBrokers(): Promise<string[]> {
  return (await readStackState()).kafka.brokers;
}

/** A plain kafkajs client for a test's own reads and admin calls, independent of the layer under test. */
export async function testKafka(brokers?: string[]): Promise<Kafka> {
  return new Kafka({
    clientId: 'tributary-test',
    brokers: brokers ?? (await stackBrokers()),
    logLevel: logLevel.NOTHING,
  });
}

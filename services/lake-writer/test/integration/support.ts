import { fileURLToPath } from 'node:url';
import { ServiceProcess } from '@tributary/demo';
import type { TaxiRide } from '@tributary/topics';
import type { Producer } from 'kafkajs';
import { DeltaLog } from '../../src/delta/delta-log.ts';
import { LocalStorage } from '../../src/storage/local-storage.ts';

export const WRITER_SCRIPT = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/** A lake-writer process on the local stack, with small thresholds so a test sees many commits. */
export function startWriter(
  name: string,
  options: { brokers: string[]; topic: string; group: string; table: string; env?: Record<string, string> },
): ServiceProcess {
  return new ServiceProcess(
    name,
    WRITER_SCRIPT,
    {
      TRIBUTARY_KAFKA_BROKERS: options.brokers.join(','),
      TRIBUTARY_KAFKA_REPLICATION_FACTOR: '1',
      TRIBUTARY_LOG_LEVEL: 'info',
      LAKE_WRITER_TOPIC: options.topic,
      LAKE_WRITER_GROUP_ID: options.group,
      LAKE_WRITER_TABLE_URI: options.table,
      LAKE_WRITER_FLUSH_ROWS: '1500',
      LAKE_WRITER_FLUSH_INTERVAL: '700ms',
      LAKE_WRITER_SESSION_TIMEOUT: '6s',
      ...options.env,
    },
    { echoStderr: true },
  );
}

/** Sends rides keyed by ride key (or to the given partition), 1,000 per request. */
export async function produceRides(
  producer: Producer,
  topic: string,
  rides: readonly TaxiRide[],
  partition?: number,
): Promise<void> {
  for (let start = 0; start < rides.length; start += 1000) {
    await producer.send({
      topic,
      messages: rides.slice(start, start + 1000).map((ride) => ({
        key: ride.key,
        value: JSON.stringify(ride),
        ...(partition === undefined ? {} : { partition }),
      })),
    });
  }
}

/** The txn versions the table holds for the group's appIds of `topic`, by partition. */
export async function tableProgress(table: string, group: string, topic: string, partitions: number) {
  const snapshot = await new DeltaLog(new LocalStorage(table)).update();
  return Array.from({ length: partitions }, (_, p) => snapshot.txnVersion(`${group}:${topic}:${p}`) ?? 0);
}

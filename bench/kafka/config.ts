import { homedir } from 'node:os';
import path from 'node:path';
import { env } from '@tributary/config';

/** The Kafka version `pnpm stack up` runs (deploy/local's VERSIONS.kafka), whose jars the Java tools share. */
const STACK_KAFKA_VERSION = '4.1.2';

/** The bench's environment, declared once. */
export const benchSettings = {
  cacheDir: env.string('TRIBUTARY_CACHE', {
    default: path.join(homedir(), '.cache', 'tributary'),
    doc: 'Downloads kept across clones (set by `pnpm bench`); Kafka’s jars are in kafka-<version>/libs',
  }),
};

export function stackKafkaLibs(cacheDir: string): string {
  return path.join(cacheDir, `kafka-${STACK_KAFKA_VERSION}`, 'libs');
}

import type { KafkaRuntime } from '../prerequisites/kafka-jars.ts';

/** `java` arguments to run a class from Kafka's jars with our log4j2 configuration. */
export function kafkaJavaArgs(
  runtime: KafkaRuntime,
  mainClass: string,
  args: readonly string[],
  heap?: string,
): string[] {
  return [
    ...(heap === undefined ? [] : [`-Xms${heap}`, `-Xmx${heap}`]),
    `-Dlog4j2.configurationFile=${runtime.log4jConfig}`,
    '-cp',
    `${runtime.libsDir}/*`,
    mainClass,
    ...args,
  ];
}

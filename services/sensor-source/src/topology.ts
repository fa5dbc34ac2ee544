import { defineTopic, type TopicSpec } from '@tributary/kafka';
import type { MachineReading } from '@tributary/sensors';
import { machineTemperature } from '@tributary/topics';

/**
 * source → machine.temperature (key = machine id); file lines that are not readings → its
 * dead-letter topic, with the file, line number and reason in headers.
 */
export function readingsTopic(name: string): TopicSpec<string, MachineReading> {
  return name === machineTemperature.name
    ? machineTemperature
    : defineTopic({ ...machineTemperature, name, deadLetterTopic: `${name}.dlq` });
}

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

/** Headers on a dead-lettered file line (the value is the line as written). */
export const BAD_LINE_HEADERS = {
  source: 'tributary.dlq.origin.file',
  line: 'tributary.dlq.origin.line',
  reason: 'tributary.dlq.reason',
  failure: 'tributary.dlq.failure',
} as const;

import type { KafkaMessage, Message } from 'kafkajs';

/**
 * Header names on dead-letter records, in the spirit of Kafka Connect's `__connect.errors.*`. A
 * record consumed from Kafka names its topic, partition and offset; an input that never was on Kafka
 * (a file line, a stream message) names its file and line or its input, and `rejection` says which
 * validation rule refused it.
 */
export const DEAD_LETTER_HEADERS = {
  topic: 'tributary.dlq.origin.topic',
  partition: 'tributary.dlq.origin.partition',
  offset: 'tributary.dlq.origin.offset',
  timestamp: 'tributary.dlq.origin.timestamp',
  group: 'tributary.dlq.consumer.group',
  reason: 'tributary.dlq.reason',
  failure: 'tributary.dlq.failure',
  file: 'tributary.dlq.origin.file',
  line: 'tributary.dlq.origin.line',
  input: 'tributary.dlq.origin.input',
  rejection: 'tributary.dlq.rejection',
} as const;

/** Why a record went to the dead-letter topic: a decode failure kind, or the handler's rejection. */
export type DeadLetterFailure = 'missing' | 'malformed' | 'schema' | 'rejected';

export interface DeadLetter {
  readonly origin: { topic: string; partition: number; message: KafkaMessage };
  readonly failure: DeadLetterFailure;
  readonly reason: string;
}

/** The original key and value bytes untouched, the original headers kept, origin and reason added. */
export function deadLetterMessage(letter: DeadLetter, groupId: string): Message {
  const { topic, partition, message } = letter.origin;
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      [DEAD_LETTER_HEADERS.topic]: topic,
      [DEAD_LETTER_HEADERS.partition]: String(partition),
      [DEAD_LETTER_HEADERS.offset]: message.offset,
      [DEAD_LETTER_HEADERS.timestamp]: message.timestamp,
      [DEAD_LETTER_HEADERS.group]: groupId,
      [DEAD_LETTER_HEADERS.failure]: letter.failure,
      [DEAD_LETTER_HEADERS.reason]: letter.reason,
    },
  };
}

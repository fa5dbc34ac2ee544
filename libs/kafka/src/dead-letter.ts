import type { KafkaMessage, Message } from 'kafkajs';

/** Header names on dead-letter records, in the spirit of Kafka Connect's `__connect.errors.*`. */
export const DEAD_LETTER_HEADERS = {
  topic: 'tributary.dlq.origin.topic',
  partition: 'tributary.dlq.origin.partition',
  offset: 'tributary.dlq.origin.offset',
  timestamp: 'tributary.dlq.origin.timestamp',
  group: 'tributary.dlq.consumer.group',
  reason: 'tributary.dlq.reason',
  failure: 'tributary.dlq.failure',
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

import { DecodeError } from '@tributary/schemas';
import type { Batch } from 'kafkajs';
import type { DeadLetter } from './dead-letter.ts';
import { type ConsumedRecord, decodeHeaders } from './records.ts';
import type { AnyTopicSpec } from './topic.ts';

export interface DecodedBatch {
  readonly records: ConsumedRecord<unknown, unknown>[];
  readonly deadLetters: DeadLetter[];
}

/**
 * Splits a fetched batch into records the handler gets and dead letters, keeping both in offset order;
 * records before `from` (handled already) are left out.
 */
export function decodeBatch(topic: AnyTopicSpec, batch: Batch, from?: bigint): DecodedBatch {
  const records: ConsumedRecord<unknown, unknown>[] = [];
  const deadLetters: DeadLetter[] = [];
  for (const message of batch.messages) {
    if (from !== undefined && BigInt(message.offset) < from) continue;
    try {
      records.push({
        topic: batch.topic,
        partition: batch.partition,
        offset: message.offset,
        timestamp: Number(message.timestamp),
        key: topic.key.decode(message.key ?? null),
        value: topic.value.decode(message.value),
        headers: decodeHeaders(message.headers),
      });
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      deadLetters.push({
        origin: { topic: batch.topic, partition: batch.partition, message },
        failure: error.failure,
        reason: error.message,
      });
    }
  }
  return { records, deadLetters };
}

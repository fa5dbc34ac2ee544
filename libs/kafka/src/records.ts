import type { IHeaders, Message } from 'kafkajs';
import type { TopicSpec } from './topic.ts';

/** A decoded record as handlers see it. Offsets are strings, as Kafka's are 64-bit. */
export interface ConsumedRecord<K, V> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** Milliseconds since the epoch: the record's Kafka timestamp. */
  readonly timestamp: number;
  readonly key: K;
  readonly value: V;
  readonly headers: Readonly<Record<string, string>>;
}

/** A record to produce. A `null` value is a tombstone (deletes the key from a compacted topic). */
export interface OutgoingRecord<K, V> {
  readonly key: K;
  readonly value: V | null;
  readonly headers?: Readonly<Record<string, string>>;
  /** Milliseconds since the epoch; default: the producer's clock. */
  readonly timestamp?: number;
  /** An explicit partition, e.g. a state changelog's record going to its task's partition; default: by key. */
  readonly partition?: number;
}

export function encodeRecord<K, V>(topic: TopicSpec<K, V>, record: OutgoingRecord<K, V>): Message {
  const message: Message = {
    key: topic.key.encode(record.key),
    value: record.value === null ? null : topic.value.encode(record.value),
  };
  if (record.headers) message.headers = { ...record.headers };
  if (record.timestamp !== undefined) message.timestamp = String(record.timestamp);
  if (record.partition !== undefined) message.partition = record.partition;
  return message;
}

/** kafkajs hands headers over as Buffers (or arrays of them); handlers get plain strings. */
export function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  if (!headers) return decoded;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const last = Array.isArray(value) ? value.at(-1) : value;
    if (last !== undefined) decoded[name] = last.toString();
  }
  return decoded;
}

import type { Message, TopicMessages } from 'kafkajs';

/**
 * Below the broker's default message.max.bytes (1 MiB): kafkajs puts all of a request's records for
 * one partition into a single record batch, which the broker refuses whole when it is larger.
 */
export const MAX_REQUEST_BYTES = 900 * 1024;

/** Record overhead in a v2 record batch (length, attributes, deltas, varints), rounded up. */
const RECORD_OVERHEAD_BYTES = 32;

function sizeOf(message: Message): number {
  let size = RECORD_OVERHEAD_BYTES + byteLength(message.key) + byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    size +=
      name.length +
      (Array.isArray(value) ? value.reduce((sum, v) => sum + byteLength(v), 0) : byteLength(value));
  }
  return size;
}

function byteLength(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

/** Splits one request's worth of records into requests of at most `maxBytes`, keeping their order. */
export function splitBySize(
  topicMessages: readonly TopicMessages[],
  maxBytes = MAX_REQUEST_BYTES,
): TopicMessages[][] {
  const requests: TopicMessages[][] = [];
  let request: TopicMessages[] = [];
  let bytes = 0;
  for (const { topic, messages } of topicMessages) {
    let current: Message[] = [];
    for (const message of messages) {
      const size = sizeOf(message);
      if (bytes + size > maxBytes && bytes > 0) {
        if (current.length > 0) request.push({ topic, messages: current });
        requests.push(request);
        request = [];
        current = [];
        bytes = 0;
      }
      current.push(message);
      bytes += size;
    }
    if (current.length > 0) request.push({ topic, messages: current });
  }
  if (request.length > 0) requests.push(request);
  return requests;
}

import {
  CompressionTypes,
  type Kafka,
  type Message,
  Partitioners,
  type Producer,
  type TopicMessages,
} from 'kafkajs';
import { KafkaLayerError } from './errors.ts';
import type { KafkaMetrics } from './metrics.ts';
import { encodeRecord, type OutgoingRecord } from './records.ts';
import { splitBySize } from './request-size.ts';
import { IDEMPOTENT_RETRY } from './retry.ts';
import type { TopicSpec } from './topic.ts';

export interface BatchingProducerOptions {
  /**
   * How long records may wait for others when no request is in flight. Default 0: send at once
   * (records of one synchronous burst still share a request); under load batches form anyway
   * while the previous request is in flight.
   */
  lingerMs?: number;
  /** Start a request as soon as this many records are waiting. */
  maxBatchRecords?: number;
  compression?: 'none' | 'gzip';
  metrics?: KafkaMetrics;
}

interface PendingBatch {
  readonly messages: Map<string, Message[]>;
  count: number;
  readonly settled: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
}

/**
 * An idempotent producer (acks=all, sequence numbers, retried without duplicates) that gathers the
 * records of concurrent `send` calls into one request. One request is in flight at a time: records
 * that arrive meanwhile form the next batch, so batches grow with load and order is kept.
 */
export class BatchingProducer {
  readonly #producer: Producer;
  readonly #lingerMs: number;
  readonly #maxBatchRecords: number;
  readonly #compression: CompressionTypes;
  readonly #metrics: KafkaMetrics | undefined;
  #pending: PendingBatch = emptyBatch();
  #inFlight: Promise<void> | undefined;
  #scheduled = false;
  #closed = false;

  constructor(kafka: Kafka, options: BatchingProducerOptions = {}) {
    this.#producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: IDEMPOTENT_RETRY,
      // Java-compatible murmur2: a key lands where Kafka's own clients would put it.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.#lingerMs = options.lingerMs ?? 0;
    this.#maxBatchRecords = options.maxBatchRecords ?? 10_000;
    this.#compression = options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
    this.#metrics = options.metrics;
  }

  async connect(): Promise<void> {
    await this.#producer.connect();
  }

  /** Resolves once the brokers have acknowledged every record (acks=all). */
  send<K, V>(topic: TopicSpec<K, V>, records: readonly OutgoingRecord<K, V>[]): Promise<void> {
    return this.sendEncoded(
      topic.name,
      records.map((record) => encodeRecord(topic, record)),
    );
  }

  /** For records whose bytes are already final, such as dead letters carrying the original bytes. */
  sendEncoded(topic: string, messages: readonly Message[]): Promise<void> {
    if (this.#closed) {
      return Promise.reject(
        new KafkaLayerError('PRODUCER_CLOSED', 'send after disconnect', { context: { topic } }),
      );
    }
    if (messages.length === 0) return Promise.resolve();
    const batch = this.#pending;
    let waiting = batch.messages.get(topic);
    if (!waiting) {
      waiting = [];
      batch.messages.set(topic, waiting);
    }
    for (const message of messages) waiting.push(message); // no spread: batches can exceed the stack
    batch.count += messages.length;
    const acknowledged = new Promise<void>((resolve, reject) => batch.settled.push({ resolve, reject }));
    this.#schedule();
    return acknowledged;
  }

  /** Sends whatever waits and resolves when all of it is acknowledged. */
  async flush(): Promise<void> {
    while (this.#inFlight || this.#pending.count > 0) {
      if (this.#inFlight) await this.#inFlight;
      else this.#startRequest();
    }
  }

  async disconnect(): Promise<void> {
    this.#closed = true;
    await this.flush();
    await this.#producer.disconnect();
  }

  #schedule(): void {
    if (this.#inFlight) return; // the request under way starts the next one when it settles
    if (this.#pending.count >= this.#maxBatchRecords) {
      this.#startRequest();
      return;
    }
    if (this.#scheduled) return;
    this.#scheduled = true;
    const start = () => {
      this.#scheduled = false;
      this.#startRequest();
    };
    if (this.#lingerMs > 0) setTimeout(start, this.#lingerMs);
    else queueMicrotask(start);
  }

  /** Requests go one after another, each under the broker's size limit, so order is kept. */
  async #sendAll(topicMessages: TopicMessages[]): Promise<void> {
    for (const request of splitBySize(topicMessages)) {
      await this.#producer.sendBatch({ topicMessages: request, acks: -1, compression: this.#compression });
    }
  }

  #startRequest(): void {
    const batch = this.#pending;
    if (batch.count === 0 || this.#inFlight) return;
    this.#pending = emptyBatch();
    const topicMessages: TopicMessages[] = [...batch.messages].map(([topic, messages]) => ({
      topic,
      messages,
    }));
    this.#inFlight = this.#sendAll(topicMessages)
      .then(
        () => {
          for (const { topic, messages } of topicMessages)
            this.#metrics?.produced.inc({ topic }, messages.length);
          for (const waiter of batch.settled) waiter.resolve();
        },
        (error: unknown) => {
          for (const waiter of batch.settled) waiter.reject(error);
        },
      )
      .finally(() => {
        this.#inFlight = undefined;
        if (this.#pending.count > 0 && !this.#scheduled) this.#startRequest();
      });
  }
}

function emptyBatch(): PendingBatch {
  return { messages: new Map(), count: 0, settled: [] };
}

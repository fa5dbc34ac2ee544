import { type Kafka, Partitioners, type Producer } from 'kafkajs';
import { IDEMPOTENT_RETRY } from './retry.ts';

/**
 * One transactional producer per input partition, its id derived from the partition alone. The
 * next owner of a partition opens the same transactional.id, which fences the previous owner and
 * aborts its open transaction (EOS as before KIP-447: kafkajs cannot send the consumer-group
 * metadata that would let a single producer per instance be fenced instead).
 */
export class TransactionalProducers {
  readonly #kafka: Kafka;
  readonly #appId: string;
  readonly #transactionTimeoutMs: number;
  readonly #producers = new Map<string, Promise<Producer>>();

  constructor(kafka: Kafka, appId: string, transactionTimeoutMs: number) {
    this.#kafka = kafka;
    this.#appId = appId;
    this.#transactionTimeoutMs = transactionTimeoutMs;
  }

  transactionalId(topic: string, partition: number): string {
    return `${this.#appId}-${topic}-${partition}`;
  }

  for(topic: string, partition: number): Promise<Producer> {
    const id = this.transactionalId(topic, partition);
    let producer = this.#producers.get(id);
    if (!producer) {
      producer = this.#open(id);
      this.#producers.set(id, producer);
      producer.catch(() => this.#producers.delete(id));
    }
    return producer;
  }

  /** Forgets a producer that was fenced: disconnecting it would only fail again. */
  forget(topic: string, partition: number): void {
    this.#producers.delete(this.transactionalId(topic, partition));
  }

  /** Keeps only the producers of partitions in the assignment. */
  async retain(assignment: Readonly<Record<string, number[]>>): Promise<void> {
    const kept = new Set(
      Object.entries(assignment).flatMap(([topic, partitions]) =>
        partitions.map((p) => this.transactionalId(topic, p)),
      ),
    );
    const released = [...this.#producers.keys()].filter((id) => !kept.has(id));
    await this.#close(released);
  }

  async closeAll(): Promise<void> {
    await this.#close([...this.#producers.keys()]);
  }

  async #close(ids: readonly string[]): Promise<void> {
    const producers = ids.map((id) => this.#producers.get(id));
    for (const id of ids) this.#producers.delete(id);
    await Promise.allSettled(producers.map(async (producer) => (await producer)?.disconnect()));
  }

  async #open(transactionalId: string): Promise<Producer> {
    const producer = this.#kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: this.#transactionTimeoutMs,
      allowAutoTopicCreation: false,
      retry: IDEMPOTENT_RETRY,
      // Java-compatible murmur2: a key lands where Kafka's own clients would put it.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    return producer;
  }
}

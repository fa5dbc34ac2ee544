import type { Consumer } from 'kafkajs';
import type { Logger } from 'pino';

interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * Commits processed offsets in the background, one request at a time, so the next batch is handled
 * while the last one's commit travels. Offsets marked meanwhile coalesce (the newest per partition
 * wins). Only processed offsets are ever marked, so at-least-once holds; a failed commit means
 * redelivery, never loss, and the next commit carries the newer offsets anyway.
 */
export class OffsetCommitter {
  readonly #consumer: Consumer;
  readonly #logger: Logger;
  readonly #pending = new Map<string, PartitionOffset>();
  #running: Promise<void> | undefined;

  constructor(consumer: Consumer, logger: Logger) {
    this.#consumer = consumer;
    this.#logger = logger;
  }

  mark(offset: PartitionOffset): void {
    this.#pending.set(`${offset.topic}/${offset.partition}`, offset);
    this.#running ??= this.#commitPending();
  }

  /** Resolves when every marked offset has been committed (or its commit failed and was logged). */
  drain(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  async #commitPending(): Promise<void> {
    while (this.#pending.size > 0) {
      const offsets = [...this.#pending.values()];
      this.#pending.clear();
      try {
        await this.#consumer.commitOffsets(offsets);
      } catch (error) {
        this.#logger.warn(
          { err: error, offsets },
          'offset commit failed; those records may be delivered again',
        );
      }
    }
    this.#running = undefined;
  }
}

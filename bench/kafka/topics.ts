import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Admin, Kafka, logLevel } from 'kafkajs';

const CREATE_ATTEMPTS = 3;

/** The topics of one contender's runs: each run on a fresh topic of its own. */
export interface ContenderTopics {
  readonly warmup: string;
  readonly throughput: string;
  readonly latency: string;
}

/**
 * Creates and deletes the bench's topics. Every name carries the run id, so a bench that died
 * half-way never collides with the next one, and `bench.` marks them as safe to delete by hand.
 */
export class BenchTopics {
  readonly runId = randomUUID().slice(0, 8);
  readonly #admin: Admin;
  readonly #partitions: number;
  readonly #created = new Set<string>();
  readonly #groups = new Set<string>();

  constructor(brokers: readonly string[], partitions: number) {
    const kafka = new Kafka({ clientId: 'bench-admin', brokers: [...brokers], logLevel: logLevel.WARN });
    this.#admin = kafka.admin();
    this.#partitions = partitions;
  }

  connect(): Promise<void> {
    return this.#admin.connect();
  }

  namesFor(contender: string): ContenderTopics {
    const prefix = `bench.kafka.${this.runId}.${contender}`;
    return { warmup: `${prefix}.warmup`, throughput: `${prefix}.throughput`, latency: `${prefix}.latency` };
  }

  groupFor(contender: string, run: string): string {
    const group = `bench.kafka.${this.runId}.${contender}.${run}`;
    this.#groups.add(group);
    return group;
  }

  async create(topics: readonly string[]): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        // Answers false, not an error, for topics an earlier attempt created.
        await this.#admin.createTopics({
          topics: topics.map((topic) => ({ topic, numPartitions: this.#partitions, replicationFactor: 1 })),
          waitForLeaders: true,
        });
        break;
      } catch (error) {
        // A broker busy with other work can take longer than kafkajs waits for the new leaders.
        const retriable = (error as { retriable?: unknown }).retriable === true;
        if (!retriable || attempt === CREATE_ATTEMPTS) throw error;
        await sleep(1000 * attempt);
      }
    }
    for (const topic of topics) this.#created.add(topic);
  }

  async delete(topics: readonly string[]): Promise<void> {
    await this.#admin.deleteTopics({ topics: [...topics] });
    for (const topic of topics) this.#created.delete(topic);
  }

  /** Deletes the consumer groups the runs used; their members must have left. */
  async deleteGroups(): Promise<void> {
    if (this.#groups.size === 0) return;
    await this.#admin.deleteGroups([...this.#groups]).catch(() => {});
    this.#groups.clear();
  }

  /** Deletes whatever this run created and has not deleted yet, then disconnects. */
  async close(): Promise<void> {
    if (this.#created.size > 0) await this.delete([...this.#created]).catch(() => {});
    await this.deleteGroups();
    await this.#admin.disconnect();
  }
}

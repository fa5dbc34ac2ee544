import type { BatchingProducer } from '@tributary/kafka';
import { DEAD_LETTER_HEADERS, type KafkaMetrics, type TopicSpec } from '@tributary/kafka';
import { DecodeError } from '@tributary/schemas';
import type { TaxiRide } from '@tributary/topics';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage, Message } from 'kafkajs';
import type { Logger } from 'pino';
import type { DeltaLog } from './delta/delta-log.ts';
import { type RideRow, toRideRow } from './delta/taxi-table.ts';
import { LakeWriterError } from './errors.ts';
import { resolveStartingOffset, type StartingOffsets } from './starting-offsets.ts';
import type { StreamWriter } from './writer/stream-writer.ts';

export interface RidesSourceOptions {
  readonly topic: TopicSpec<string, TaxiRide>;
  readonly groupId: string;
  readonly startingOffsets: StartingOffsets;
  /** true: stop when records were deleted before being written; false: warn and go on from earliest. */
  readonly failOnDataLoss: boolean;
  readonly sessionTimeoutMs: number;
  readonly maxBytesPerPartition: number;
}

/** A dead letter as sent: the original message and why. */
interface RideDeadLetter {
  readonly partition: number;
  readonly message: KafkaMessage;
  readonly failure: string;
  readonly reason: string;
}

/**
 * Feeds taxi.rides into the {@link StreamWriter}, positioned by the table, not by Kafka: when a
 * partition is assigned, the table's txn version for it is where reading resumes (the starting
 * offsets apply only to a partition the table has never seen), and the records before that
 * position are skipped. The group still splits partitions between instances; the offsets this
 * source commits to Kafka trail the table and only serve lag monitoring.
 */
export class RidesSource {
  readonly #options: RidesSourceOptions;
  readonly #consumer: Consumer;
  readonly #admin: Admin;
  readonly #log: DeltaLog;
  readonly #writer: StreamWriter;
  readonly #deadLetters: BatchingProducer;
  readonly #logger: Logger;
  readonly #kafkaMetrics: KafkaMetrics;
  #assigned = new Set<number>();
  #stopping = false;

  constructor(
    kafka: Kafka,
    options: RidesSourceOptions,
    deps: {
      log: DeltaLog;
      writer: StreamWriter;
      deadLetters: BatchingProducer;
      logger: Logger;
      kafkaMetrics: KafkaMetrics;
      onCrash: (error: unknown) => void;
      onJoined?: () => void;
    },
  ) {
    this.#options = options;
    this.#log = deps.log;
    this.#writer = deps.writer;
    this.#deadLetters = deps.deadLetters;
    this.#logger = deps.logger.child({ topic: options.topic.name, groupId: options.groupId });
    this.#kafkaMetrics = deps.kafkaMetrics;
    this.#admin = kafka.admin();
    this.#consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      maxWaitTimeInMs: 250,
      maxBytesPerPartition: options.maxBytesPerPartition,
      readUncommitted: false,
      allowAutoTopicCreation: false,
      // The table is the source of truth: any consumer failure restarts the process, which resumes from it.
      retry: { restartOnFailure: async () => false },
    });
    const { GROUP_JOIN, CRASH } = this.#consumer.events;
    this.#consumer.on(GROUP_JOIN, ({ payload }) => {
      this.#onAssignment(payload.memberAssignment[options.topic.name] ?? []);
      deps.onJoined?.();
    });
    this.#consumer.on(CRASH, ({ payload }) => {
      if (!this.#stopping) deps.onCrash(payload.error);
    });
  }

  async start(): Promise<void> {
    await this.#admin.connect();
    await this.#consumer.connect();
    // From the beginning: a missing group offset must never skip records; the table positions anyway.
    await this.#consumer.subscribe({ topics: [this.#options.topic.name], fromBeginning: true });
    await this.#consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.#onBatch(payload),
    });
  }

  /** Batches fetched from now on are left for the partition's next owner. */
  quiesce(): void {
    this.#stopping = true;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#consumer.disconnect();
    await this.#admin.disconnect();
  }

  /** The table holds `partition` up to `version`: tell the group, for lag monitoring only. */
  commitForMonitoring(partition: number, version: number): void {
    if (!this.#assigned.has(partition)) return;
    this.#consumer
      .commitOffsets([{ topic: this.#options.topic.name, partition, offset: String(version) }])
      .catch((error: unknown) =>
        this.#logger.debug({ err: error, partition }, 'monitoring offset commit failed'),
      );
  }

  #onAssignment(partitions: readonly number[]): void {
    this.#assigned = new Set(partitions);
    for (const partition of this.#writer.partitions()) {
      if (!this.#assigned.has(partition)) this.#writer.drop(partition);
    }
    // Kept partitions resume where the buffer ends, not at the group's (trailing) offset.
    for (const partition of this.#writer.partitions())
      this.#seek(partition, this.#writer.position(partition));
    this.#logger.info({ partitions }, 'partitions assigned');
  }

  async #onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (this.#stopping || payload.isStale()) return;
    const partition = batch.partition;
    let position = this.#writer.position(partition);
    if (position === undefined) position = await this.#takePartition(partition);
    // kafkajs's Batch knows the offset it fetched from, though its type does not say so.
    const fetchedFrom = Number((batch as unknown as { fetchedOffset: string }).fetchedOffset);
    if (fetchedFrom > position) {
      // Fetched past our position: a seek not yet applied, or Kafka reset an out-of-range offset.
      await this.#checkDataLoss(partition, position);
      return;
    }
    const rows: RideRow[] = [];
    const letters: RideDeadLetter[] = [];
    let bytes = 0;
    for (const message of batch.messages) {
      if (Number(message.offset) < position) continue;
      bytes += message.value?.byteLength ?? 0;
      const decoded = this.#decode(partition, message);
      if ('row' in decoded) rows.push(decoded.row);
      else letters.push(decoded);
    }
    const next = Number(batch.lastOffset()) + 1;
    this.#kafkaMetrics.consumed.inc({ topic: batch.topic }, batch.messages.length);
    this.#kafkaMetrics.consumerLag.set(
      { group: this.#options.groupId, topic: batch.topic, partition: String(partition) },
      Math.max(0, Number(batch.highWatermark) - next),
    );
    const due = next > position ? this.#writer.add(partition, rows, letters, bytes, next) : undefined;
    payload.resolveOffset(batch.lastOffset());
    await payload.heartbeat();
    if (due) await this.#writer.flush(due);
  }

  #decode(partition: number, message: KafkaMessage): { row: RideRow } | RideDeadLetter {
    const { topic } = this.#options;
    try {
      topic.key.decode(message.key ?? null);
      const ride = topic.value.decode(message.value);
      const converted = toRideRow(ride, partition, message.offset);
      if ('row' in converted) return converted;
      return { partition, message, failure: 'rejected', reason: converted.reason };
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      return { partition, message, failure: error.failure, reason: error.message };
    }
  }

  /** Reads where the table is for the partition, or where to start if it has never seen it. */
  async #takePartition(partition: number): Promise<number> {
    const topic = this.#options.topic.name;
    const appId = appIdFor(this.#options.groupId, topic, partition);
    const snapshot = await this.#log.update();
    const fromVersion = snapshot.txnVersion(appId);
    const bounds = await this.#bounds(partition);
    let position =
      fromVersion ?? resolveStartingOffset(this.#options.startingOffsets, topic, partition, bounds);
    if (position < bounds.low) position = this.#onDataLoss(partition, position, bounds.low);
    this.#writer.assign(partition, fromVersion, position);
    this.#seek(partition, position);
    this.#logger.info(
      { partition, appId, tableVersion: snapshot.version, fromVersion, position, ...bounds },
      fromVersion === undefined ? 'partition new to the table: starting position' : 'resuming from the table',
    );
    return position;
  }

  async #checkDataLoss(partition: number, position: number): Promise<void> {
    const { low } = await this.#bounds(partition);
    if (position < low) this.#writer.skipTo(partition, this.#onDataLoss(partition, position, low));
    this.#seek(partition, this.#writer.position(partition));
  }

  /** failOnDataLoss: throw (the service stops, naming the gap); otherwise warn and continue at `low`. */
  #onDataLoss(partition: number, position: number, low: number): number {
    const context = { topic: this.#options.topic.name, partition, position, earliest: low };
    if (this.#options.failOnDataLoss) {
      throw new LakeWriterError(
        'DATA_LOSS',
        `${context.topic}/${partition}: the table resumes at offset ${position} but the earliest offset Kafka still holds is ${low}; ${low - position} records were deleted (retention) before being written. Set LAKE_WRITER_FAIL_ON_DATA_LOSS=false to continue from ${low}.`,
        { context },
      );
    }
    this.#logger.warn(
      { ...context, lost: low - position },
      'data loss: records deleted before being written; continuing from earliest',
    );
    return low;
  }

  async #bounds(partition: number): Promise<{ low: number; high: number }> {
    const offsets = await this.#admin.fetchTopicOffsets(this.#options.topic.name);
    const entry = offsets.find((candidate) => candidate.partition === partition);
    if (!entry) throw new RangeError(`partition ${partition} not found in ${this.#options.topic.name}`);
    return { low: Number(entry.low), high: Number(entry.high) };
  }

  #seek(partition: number, position: number | undefined): void {
    if (position === undefined) return;
    this.#consumer.seek({ topic: this.#options.topic.name, partition, offset: String(position) });
  }

  /** Dead letters keep the original bytes and headers, plus origin and reason (as the Kafka layer's). */
  async sendDeadLetters(letters: readonly unknown[]): Promise<void> {
    const topic = this.#options.topic;
    const messages: Message[] = (letters as RideDeadLetter[]).map(
      ({ partition, message, failure, reason }) => ({
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          [DEAD_LETTER_HEADERS.topic]: topic.name,
          [DEAD_LETTER_HEADERS.partition]: String(partition),
          [DEAD_LETTER_HEADERS.offset]: message.offset,
          [DEAD_LETTER_HEADERS.timestamp]: message.timestamp,
          [DEAD_LETTER_HEADERS.group]: this.#options.groupId,
          [DEAD_LETTER_HEADERS.failure]: failure,
          [DEAD_LETTER_HEADERS.reason]: reason,
        },
      }),
    );
    await this.#deadLetters.sendEncoded(topic.deadLetterTopic, messages);
    for (const letter of letters as RideDeadLetter[]) {
      this.#kafkaMetrics.recordFailure(topic.name, letter.failure as never);
    }
  }
}

/** The txn appId of one input partition: the table's record of how far that partition was written. */
export function appIdFor(groupId: string, topic: string, partition: number): string {
  return `${groupId}:${topic}:${partition}`;
}

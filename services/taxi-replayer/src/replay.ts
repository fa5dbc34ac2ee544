import { stat } from 'node:fs/promises';
import { BatchingProducer, DEAD_LETTER_HEADERS, type OutgoingRecord, TopicRegistry } from '@tributary/kafka';
import { type RideCsvPosition, readRideCsv } from '@tributary/taxi';
import type { TaxiRide } from '@tributary/topics';
import type { Kafka, Message } from 'kafkajs';
import type { Logger } from 'pino';
import { checkCompatible, type ReplayCheckpoint, readCheckpoint, writeCheckpoint } from './checkpoint.ts';
import type { ReplayOptions } from './config.ts';
import { Pacer } from './pacer.ts';
import { ridesTopic } from './topology.ts';

export { parseReplayArgs, type ReplayOptions, USAGE } from './config.ts';

export interface ReplayReport {
  /** Rides produced in this run (a resumed run re-sends the unacknowledged tail: counted again). */
  readonly produced: number;
  readonly deadLettered: number;
  readonly rejections: Readonly<Record<string, number>>;
  /** Rows in the file before this run's first row (0: from the top). */
  readonly resumedFromLine: number;
  /** Totals over every run of this checkpoint. */
  readonly totalProduced: number;
  readonly totalDeadLettered: number;
  readonly finished: boolean;
  readonly seconds: number;
  readonly rowsPerSecond: number;
}

/** Rows per send: large enough for throughput unpaced, small enough for smooth pacing. */
const CHUNK = 2000;
/** Sends awaiting acknowledgement at once; more would only queue in memory. */
const MAX_PENDING = 8;
/** The checkpoint is rewritten at most this often (and at the end). */
const CHECKPOINT_INTERVAL_MS = 200;

interface Chunk {
  rides: OutgoingRecord<string, TaxiRide>[];
  letters: Message[];
  end: RideCsvPosition;
  produced: number;
  deadLettered: number;
}

/**
 * Streams the file's rows to the topic, from the checkpoint on. At-least-once: the checkpoint
 * moves only past rows whose sends (rides and dead letters) the brokers acknowledged, so a crash
 * loses nothing and re-sends at most the rows after the last checkpoint.
 */
export async function replay(
  options: ReplayOptions,
  deps: { kafka: Kafka; logger: Logger; replicationFactor?: number; signal?: AbortSignal },
): Promise<ReplayReport> {
  const { kafka, logger, signal } = deps;
  const topic = ridesTopic(options.topic);
  const fileSize = (await stat(options.file)).size;
  const identity = { file: options.file, fileSize, topic: topic.name };
  const previous = options.restart ? undefined : await readCheckpoint(options.checkpoint);
  if (previous) checkCompatible(previous, identity);
  const start: RideCsvPosition = previous
    ? { offset: previous.offset, line: previous.line }
    : { offset: 0, line: 0 };

  const admin = kafka.admin();
  await admin.connect();
  try {
    const registry = new TopicRegistry([topic], { defaultReplicationFactor: deps.replicationFactor ?? 1 });
    const { created, drift } = await registry.ensure(admin);
    if (created.length > 0) logger.info({ topics: created }, 'created topics');
    for (const difference of drift) logger.warn(difference, 'topic differs from its declaration');
  } finally {
    await admin.disconnect();
  }

  const producer = new BatchingProducer(kafka);
  await producer.connect();
  const pacer = new Pacer(options.pace);
  const chunkSize =
    options.pace.kind === 'rate'
      ? Math.max(1, Math.min(CHUNK, Math.floor(options.pace.rowsPerSecond / 20)))
      : CHUNK;
  const rejections: Record<string, number> = {};
  const pending: Array<{ acknowledged: Promise<void>; done: boolean; chunk: Chunk }> = [];
  const started = performance.now();
  let acknowledged: ReplayCheckpoint = previous ?? {
    ...identity,
    offset: 0,
    line: 0,
    produced: 0,
    deadLettered: 0,
    finished: false,
    updatedAt: new Date().toISOString(),
  };
  let lastCheckpointWrite = 0;
  let produced = 0;
  let deadLettered = 0;
  let rows = 0;
  let lastProgress = started;
  let finished = false;
  let chunk: Chunk = { rides: [], letters: [], end: start, produced: 0, deadLettered: 0 };

  const checkpoint = async (force: boolean) => {
    const now = performance.now();
    if (!force && now - lastCheckpointWrite < CHECKPOINT_INTERVAL_MS) return;
    lastCheckpointWrite = now;
    await writeCheckpoint(options.checkpoint, acknowledged);
  };
  /** Waits for the oldest send; its rows and every row before it are then acknowledged. */
  const settleOldest = async () => {
    const oldest = pending.shift();
    if (!oldest) return;
    await oldest.acknowledged;
    const { end, produced: rides, deadLettered: letters } = oldest.chunk;
    acknowledged = {
      ...acknowledged,
      offset: end.offset,
      line: end.line,
      produced: acknowledged.produced + rides,
      deadLettered: acknowledged.deadLettered + letters,
      updatedAt: new Date().toISOString(),
    };
    await checkpoint(false);
  };
  const flush = async () => {
    if (chunk.rides.length + chunk.letters.length > 0) {
      const sends = [
        producer.send(topic, chunk.rides),
        producer.sendEncoded(topic.deadLetterTopic, chunk.letters),
      ];
      const entry = { acknowledged: Promise.all(sends).then(() => undefined), done: false, chunk };
      entry.acknowledged.then(
        () => {
          entry.done = true;
        },
        () => {}, // awaited in order by settleOldest; not "unhandled" while it waits
      );
      pending.push(entry);
    }
    chunk = { rides: [], letters: [], end: chunk.end, produced: 0, deadLettered: 0 };
    // Settle what is acknowledged already, so the checkpoint trails the brokers by little.
    while (pending.length > MAX_PENDING || pending[0]?.done) await settleOldest();
  };
  const progress = (message: string) => {
    const seconds = (performance.now() - started) / 1000;
    logger.info(
      {
        produced,
        deadLettered,
        line: chunk.end.line,
        percent: Math.round((1000 * chunk.end.offset) / Math.max(1, fileSize)) / 10,
        rowsPerSecond: Math.round(rows / Math.max(seconds, 1e-3)),
        seconds: Math.round(seconds * 10) / 10,
      },
      message,
    );
  };

  logger.info({ file: options.file, fileSize, topic: topic.name, resumeAt: start }, 'replay starting');
  try {
    const source = readRideCsv(options.file, start);
    for await (const row of source) {
      if (signal?.aborted) break;
      const { result } = row;
      const delay = pacer.admit(result.ok ? result.ride.pickupDatetime : undefined);
      if (delay > 0) await pacer.wait(delay, signal);
      if (result.ok) {
        // The Kafka timestamp stays the producer's clock: a 2009 pickup as record time would make
        // the broker delete the segment at once under time-based retention.
        chunk.rides.push({ key: result.ride.key, value: result.ride });
        chunk.produced++;
        produced++;
      } else {
        chunk.letters.push({
          key: null,
          value: Buffer.from(row.text, 'utf8'),
          headers: {
            [DEAD_LETTER_HEADERS.file]: options.file,
            [DEAD_LETTER_HEADERS.line]: String(row.line),
            [DEAD_LETTER_HEADERS.failure]: 'malformed',
            [DEAD_LETTER_HEADERS.rejection]: result.rejection,
            [DEAD_LETTER_HEADERS.reason]: result.reason,
          },
        });
        chunk.deadLettered++;
        deadLettered++;
        rejections[result.rejection] = (rejections[result.rejection] ?? 0) + 1;
      }
      chunk.end = { offset: row.endOffset, line: row.line };
      rows++;
      if (chunk.rides.length + chunk.letters.length >= chunkSize) await flush();
      if (performance.now() - lastProgress >= options.progressIntervalMs) {
        lastProgress = performance.now();
        progress('progress');
      }
      if (options.maxRows !== undefined && rows >= options.maxRows) break;
    }
    finished = !signal?.aborted && chunk.end.offset >= fileSize;
    await flush();
    while (pending.length > 0) await settleOldest();
    acknowledged = { ...acknowledged, finished };
    await checkpoint(true);
  } finally {
    await producer.disconnect();
  }
  progress(finished ? 'replay finished' : 'replay stopped');
  const seconds = (performance.now() - started) / 1000;
  return {
    produced,
    deadLettered,
    rejections,
    resumedFromLine: start.line,
    totalProduced: acknowledged.produced,
    totalDeadLettered: acknowledged.deadLettered,
    finished,
    seconds,
    rowsPerSecond: Math.round(rows / Math.max(seconds, 1e-3)),
  };
}

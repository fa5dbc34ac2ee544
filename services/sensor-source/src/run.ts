import { BatchingProducer, DEAD_LETTER_HEADERS, type OutgoingRecord, TopicRegistry } from '@tributary/kafka';
import type { MachineReading } from '@tributary/sensors';
import type { Kafka, Message } from 'kafkajs';
import type { Logger } from 'pino';
import type { SourceOptions } from './config.ts';
import { TokenBucket } from './pacer.ts';
import { sourceItems } from './sources/index.ts';
import { readingsTopic } from './topology.ts';

export interface SourceReport {
  readonly produced: number;
  readonly deadLettered: number;
  readonly seconds: number;
}

/** Records per send: big enough for throughput unpaced, small enough that pacing stays smooth. */
const CHUNK = 500;
/** Sends awaiting acknowledgement at once; more only queue up in memory. */
const MAX_PENDING = 4;

/**
 * Produces the source's readings (key = machine id) until it ends, `count` is reached or `signal`
 * aborts; every record is acknowledged (acks=all, idempotent) before this resolves.
 */
export async function runSource(
  options: SourceOptions,
  deps: { kafka: Kafka; logger: Logger; replicationFactor?: number; signal?: AbortSignal },
): Promise<SourceReport> {
  const { kafka, logger, signal } = deps;
  const topic = readingsTopic(options.topic);
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
  const pacer = options.rate === undefined ? undefined : new TokenBucket(options.rate);
  const chunkSize =
    options.rate === undefined ? CHUNK : Math.max(1, Math.min(CHUNK, Math.floor(options.rate / 20)));
  // A file keeps the event times it was written with; generators are live unless given a start time.
  const live = options.mode !== 'file' && options.startTime === undefined;
  const lastStamp = new Map<string, number>();
  const pending: Promise<void>[] = [];
  const started = performance.now();
  let produced = 0;
  let deadLettered = 0;
  let lastProgress = started;
  let chunk: OutgoingRecord<string, MachineReading>[] = [];
  let letters: Message[] = [];

  const progress = (final: boolean) => {
    const seconds = (performance.now() - started) / 1000;
    logger.info(
      {
        produced,
        deadLettered,
        seconds: Math.round(seconds * 10) / 10,
        perSecond: Math.round(produced / seconds),
      },
      final ? 'source finished' : 'progress',
    );
  };
  const track = (sent: Promise<void>) => {
    // Awaited below, in order; marked handled now so a failure waiting its turn is not "unhandled".
    sent.catch(() => {});
    pending.push(sent);
  };
  const flushChunk = async () => {
    if (chunk.length > 0) track(producer.send(topic, chunk));
    if (letters.length > 0) track(producer.sendEncoded(topic.deadLetterTopic, letters));
    chunk = [];
    letters = [];
    while (pending.length > MAX_PENDING) await pending.shift();
  };

  try {
    for await (const item of sourceItems(options)) {
      if (signal?.aborted) break;
      if (item.kind === 'bad-line') {
        letters.push({
          key: null,
          value: Buffer.from(item.text, 'utf8'),
          headers: {
            [DEAD_LETTER_HEADERS.file]: options.file ?? '',
            [DEAD_LETTER_HEADERS.line]: String(item.line),
            [DEAD_LETTER_HEADERS.reason]: item.reason,
            [DEAD_LETTER_HEADERS.failure]: 'malformed',
          },
        });
        deadLettered++;
        continue;
      }
      if (options.count !== undefined && produced >= options.count) break;
      let reading = item.reading;
      if (live) {
        // Live: event time is now, and always after the machine's previous reading: two readings of
        // one machine in the same millisecond would be one point in a time-series store.
        const timestamp = Math.max(Date.now(), (lastStamp.get(reading.machine) ?? -1) + 1);
        lastStamp.set(reading.machine, timestamp);
        reading = { ...reading, timestamp };
      }
      if (pacer !== undefined) {
        try {
          await pacer.take(1, signal);
        } catch (error) {
          if (signal?.aborted) break;
          throw error;
        }
      }
      chunk.push({ key: reading.machine, value: reading });
      produced++;
      if (chunk.length >= chunkSize || letters.length >= CHUNK) await flushChunk();
      const now = performance.now();
      if (now - lastProgress >= options.progressIntervalMs) {
        lastProgress = now;
        progress(false);
      }
    }
    await flushChunk();
    await Promise.all(pending);
  } finally {
    await producer.disconnect();
  }
  progress(true);
  return { produced, deadLettered, seconds: (performance.now() - started) / 1000 };
}

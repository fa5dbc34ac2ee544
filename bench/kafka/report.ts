import type { ContenderName } from './options.ts';
import { type LatencySummary, megabytes, round } from './stats.ts';

/** Peak memory of the client process during one phase. */
export interface PhaseMemory {
  readonly peakRssMiB: number;
  /** V8 heap in use; null for the JVM (its heap is capped with -Xmx, as Kafka's scripts do). */
  readonly peakHeapUsedMiB: number | null;
}

export interface Throughput {
  readonly messages: number;
  readonly seconds: number;
  readonly messagesPerSecond: number;
  readonly mbPerSecond: number;
}

export interface ProducePhase extends Throughput {
  /** Send → acknowledgement (acks=all), per send call (Node) or per record (Java). */
  readonly ackLatencyMs: LatencySummary & { readonly per: string };
  /** CPU time (user + system) of the client process during the phase. */
  readonly cpuSeconds: number;
  readonly memory: PhaseMemory;
}

export interface ConsumePhase extends Throughput {
  /** From subscribing to the group assigning this member its partitions; not part of `seconds`. */
  readonly joinMs: number;
  /** Offset commits made during the run (null where the client commits on its own schedule). */
  readonly commits: number | null;
  readonly cpuSeconds: number;
  readonly memory: PhaseMemory;
}

export interface EndToEndPhase {
  readonly shape: string;
  readonly ratePerSecond: number | null;
  readonly messages: number;
  /** Produce call → the record in the consumer's handler, same process and clock. */
  readonly latencyMs: LatencySummary;
  /** Send call → acknowledgement during the run: where the producer, not the consumer, adds latency. */
  readonly ackLatencyMs: LatencySummary | null;
}

export interface ContenderResult {
  readonly client: string;
  readonly notes: readonly string[];
  readonly produce: ProducePhase;
  readonly consume: ConsumePhase;
  readonly endToEnd: EndToEndPhase;
  /** Highest resident set of the client process over its whole life (warm-up and latency run included). */
  readonly processPeakRssMiB: number;
}

/** A contender over several rounds: each phase from its median round, and every round's figure. */
export interface ContenderSummary extends ContenderResult {
  readonly rounds: {
    readonly produceMessagesPerSecond: number[];
    readonly consumeMessagesPerSecond: number[];
    readonly endToEndP50Ms: number[];
  };
}

/** The median round by `key` (the lower one of an even count). */
function medianBy(
  rounds: readonly ContenderResult[],
  key: (result: ContenderResult) => number,
): ContenderResult {
  const sorted = [...rounds].sort((a, b) => key(a) - key(b));
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  if (!median) throw new RangeError('no rounds to summarize');
  return median;
}

/**
 * Summarizes rounds phase by phase, so one slow round (another process taking a core) moves no
 * figure; the spread stays visible in `rounds`. Peak memory is the highest of all rounds.
 */
export function summarizeRounds(rounds: readonly ContenderResult[]): ContenderSummary {
  const produce = medianBy(rounds, (result) => result.produce.messagesPerSecond).produce;
  const consume = medianBy(rounds, (result) => result.consume.messagesPerSecond).consume;
  const endToEnd = medianBy(rounds, (result) => result.endToEnd.latencyMs.p50).endToEnd;
  const [first] = rounds;
  if (!first) throw new RangeError('no rounds to summarize');
  return {
    client: first.client,
    notes: first.notes,
    produce,
    consume,
    endToEnd,
    processPeakRssMiB: Math.max(...rounds.map((result) => result.processPeakRssMiB)),
    rounds: {
      produceMessagesPerSecond: rounds.map((result) => result.produce.messagesPerSecond),
      consumeMessagesPerSecond: rounds.map((result) => result.consume.messagesPerSecond),
      endToEndP50Ms: rounds.map((result) => result.endToEnd.latencyMs.p50),
    },
  };
}

export type Ratios = Partial<Record<`${Exclude<ContenderName, 'java'>}/java`, number>>;

export function throughput(messages: number, seconds: number, messageBytes: number): Throughput {
  return {
    messages,
    seconds: round(seconds, 3),
    messagesPerSecond: Math.round(messages / seconds),
    mbPerSecond: round(megabytes(messages, messageBytes) / seconds),
  };
}

/** Each Node contender's messages/s over the Java tools' (≥ 1: faster than Java). */
export function ratiosToJava(
  results: Partial<Record<ContenderName, ContenderResult>>,
  phase: 'produce' | 'consume',
): Ratios {
  const java = results.java?.[phase].messagesPerSecond;
  const ratios: Ratios = {};
  if (!java) return ratios;
  for (const name of ['ours', 'kafkajs', 'platformatic'] as const) {
    const result = results[name];
    if (result) ratios[`${name}/java`] = round(result[phase].messagesPerSecond / java, 3);
  }
  return ratios;
}

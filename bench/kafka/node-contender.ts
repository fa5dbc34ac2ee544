/**
 * One Node contender in a process of its own, so that its memory figures are its own and a profile
 * holds only its work. Started by kafka.ts with the plan as its argument; sends the result back
 * over IPC. Progress goes to stderr (its stdout is the parent's stderr as well).
 */
import { pino } from 'pino';
import type { BenchClient } from './clients/client.ts';
import type { NodeContenderName } from './options.ts';
import { collectGarbage, PhaseMeter, processPeakRssMiB } from './phase-meter.ts';
import { type ContenderResult, throughput } from './report.ts';
import { summarize } from './stats.ts';
import type { ContenderTopics } from './topics.ts';
import { consumeRecords, endToEndLatency, LATENCY_TICK_MS, payloadOf, produceRecords } from './workload.ts';

export interface NodeContenderPlan {
  readonly contender: NodeContenderName;
  readonly brokers: readonly string[];
  readonly partitions: number;
  readonly messages: number;
  readonly messageBytes: number;
  readonly senders: number;
  readonly chunk: number;
  readonly warmup: number;
  readonly latencyRate: number;
  readonly latencySeconds: number;
  readonly topics: ContenderTopics;
  readonly groups: { readonly warmup: string; readonly throughput: string; readonly latency: string };
}

/** When each timed phase ran, on the monotonic clock V8's profiler stamps its samples with (µs). */
export interface PhaseWindow {
  readonly phase: 'produce' | 'consume';
  readonly startUs: number;
  readonly endUs: number;
}

export interface NodeContenderReport {
  readonly result: ContenderResult;
  readonly windows: PhaseWindow[];
}

/** Loads only the contender's own client, so its process holds no other client's code. */
async function clientFor(plan: NodeContenderPlan): Promise<BenchClient> {
  switch (plan.contender) {
    case 'ours': {
      const { oursClient } = await import('./clients/ours.ts');
      const logger = pino({ level: 'warn', base: { contender: plan.contender } }, pino.destination(2));
      return oursClient(plan.brokers, plan.partitions, logger);
    }
    case 'kafkajs':
      return (await import('./clients/kafkajs.ts')).kafkajsClient(plan.brokers);
    case 'platformatic':
      return (await import('./clients/platformatic.ts')).platformaticClient(plan.brokers);
  }
}

function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

function progress(plan: NodeContenderPlan, message: string): void {
  process.stderr.write(`[bench ${plan.contender}] ${message}\n`);
}

export async function runNodeContender(plan: NodeContenderPlan): Promise<NodeContenderReport> {
  const client = await clientFor(plan);
  const payload = payloadOf(plan.messageBytes);
  const shape = { messages: plan.messages, senders: plan.senders, chunk: plan.chunk };
  const producer = await client.openProducer();
  const windows: PhaseWindow[] = [];

  if (plan.warmup > 0) {
    progress(plan, `warm-up: ${plan.warmup} records produced and consumed`);
    await produceRecords(producer, plan.topics.warmup, { ...shape, messages: plan.warmup }, payload);
    await consumeRecords(client, plan.topics.warmup, plan.groups.warmup, plan.warmup);
  }

  collectGarbage();
  progress(plan, `produce: ${plan.messages} records, ${plan.senders} senders × ${plan.chunk} a call`);
  let meter = new PhaseMeter();
  let startUs = monotonicUs();
  const produced = await produceRecords(producer, plan.topics.throughput, shape, payload);
  windows.push({ phase: 'produce', startUs, endUs: monotonicUs() });
  const produceUsage = meter.stop();
  const ack = summarize(produced.ackLatencies);
  progress(plan, `produce: ${Math.round(plan.messages / produced.seconds)} records/s`);

  collectGarbage();
  progress(plan, `consume: ${plan.messages} records`);
  meter = new PhaseMeter();
  startUs = monotonicUs();
  const consumed = await consumeRecords(
    client,
    plan.topics.throughput,
    plan.groups.throughput,
    plan.messages,
  );
  windows.push({ phase: 'consume', startUs, endUs: monotonicUs() });
  const consumeUsage = meter.stop();
  progress(plan, `consume: ${Math.round(plan.messages / consumed.seconds)} records/s`);

  collectGarbage();
  progress(plan, `end-to-end latency: ${plan.latencyRate} records/s for ${plan.latencySeconds} s`);
  const { latencies, ackLatencies } = await endToEndLatency(
    client,
    producer,
    plan.topics.latency,
    plan.groups.latency,
    {
      rate: plan.latencyRate,
      seconds: plan.latencySeconds,
      payload,
    },
  );
  await producer.close();

  return {
    windows,
    result: {
      client: client.description,
      notes: client.notes,
      produce: {
        ...throughput(plan.messages, produced.seconds, plan.messageBytes),
        ackLatencyMs: { ...ack, per: `send call of ${plan.chunk} records` },
        ...produceUsage,
      },
      consume: {
        ...throughput(plan.messages, consumed.seconds, plan.messageBytes),
        joinMs: Math.round(consumed.joinMs),
        commits: consumed.commits,
        ...consumeUsage,
      },
      endToEnd: {
        shape: `${plan.latencyRate} records/s, send calls about every ${LATENCY_TICK_MS} ms, consumer in the same process`,
        ratePerSecond: plan.latencyRate,
        messages: latencies.length,
        latencyMs: summarize(latencies),
        ackLatencyMs: summarize(ackLatencies),
      },
      processPeakRssMiB: processPeakRssMiB(),
    },
  };
}

const planArgument = process.argv[2];
if (planArgument !== undefined && process.send) {
  const plan = JSON.parse(planArgument) as NodeContenderPlan;
  const report = await runNodeContender(plan);
  // Exit right away: client timers left behind must not hold the process, and --cpu-prof writes on exit.
  process.send(report, () => process.exit(0));
}

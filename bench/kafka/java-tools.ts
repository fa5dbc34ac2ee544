import { execFile, spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ConsumePhase, ContenderResult, EndToEndPhase, ProducePhase } from './report.ts';
import { throughput } from './report.ts';
import { mib, round } from './stats.ts';

/** Kafka's jars (the same the local stack runs its broker from). */
export interface JavaRuntime {
  readonly libsDir: string;
}

/**
 * The JVM options Kafka's kafka-run-class.sh gives every tool, with the 512 MB heap that
 * kafka-producer-perf-test.sh and kafka-consumer-perf-test.sh set, so the tools run as shipped.
 */
const JVM_OPTIONS = [
  '-Xmx512M',
  '-server',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-XX:MaxInlineLevel=15',
  '-Djava.awt.headless=true',
];
const LOG4J_CONFIG = fileURLToPath(new URL('./log4j2-tools.properties', import.meta.url));
/** EndToEndLatency sends one record at a time and waits for it; more would only make the run longer. */
const MAX_END_TO_END_MESSAGES = 5000;
const SAMPLE_MS = 100;
/** ConsumerPerformance gives up on its own (--timeout); this catches a tool that never ends. */
const TOOL_WATCHDOG_MS = 15 * 60_000;

interface ToolRun {
  readonly stdout: string;
  readonly peakRssBytes: number;
  readonly cpuSeconds: number;
}

export interface JavaPlan {
  readonly brokers: readonly string[];
  readonly messages: number;
  readonly messageBytes: number;
  readonly latencyMessages: number;
  readonly topics: { readonly throughput: string; readonly latency: string };
  readonly group: string;
}

/** ProducerPerformance, then ConsumerPerformance on what it wrote, then EndToEndLatency. */
export async function runJavaTools(runtime: JavaRuntime, plan: JavaPlan): Promise<ContenderResult> {
  const bootstrap = plan.brokers.join(',');
  const produce = await producePerformance(runtime, bootstrap, plan);
  const consume = await consumePerformance(runtime, bootstrap, plan);
  const endToEnd = await endToEndLatency(runtime, bootstrap, plan);
  return {
    client: `Kafka's own tools (org.apache.kafka.tools.*, Java client ${await kafkaVersion(runtime)}, -Xmx512M)`,
    notes: [
      'ProducerPerformance: one record per send() call, callbacks, producer defaults of 4.x (idempotent, linger.ms 5, batch.size 16384, 5 requests in flight), acks=all, no keys',
      'ConsumerPerformance: poll loop, byte[] records, auto commit every 5 s (no commit per batch); figures are its fetch.* ones, which leave out the group join',
      `EndToEndLatency: one record in flight at a time (send, wait for ack, poll it back), ${Math.min(plan.latencyMessages, MAX_END_TO_END_MESSAGES)} records, whole milliseconds`,
      'memory: resident set of the JVM (VmHWM); CPU: user + system of the JVM, including its start-up',
    ],
    produce: produce.phase,
    consume: consume.phase,
    endToEnd: endToEnd.phase,
    processPeakRssMiB: Math.max(
      produce.phase.memory.peakRssMiB,
      consume.phase.memory.peakRssMiB,
      endToEnd.peakRssMiB,
    ),
  };
}

async function producePerformance(
  runtime: JavaRuntime,
  bootstrap: string,
  plan: JavaPlan,
): Promise<{ phase: ProducePhase }> {
  const run = await runTool(runtime, 'ProducerPerformance', [
    '--topic',
    plan.topics.throughput,
    '--num-records',
    String(plan.messages),
    '--record-size',
    String(plan.messageBytes),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${bootstrap}`,
    'acks=all',
    'client.id=bench-java',
  ]);
  // "500000 records sent, 250000.0 records/sec (47.68 MB/sec), 80.1 ms avg latency, 300.0 ms max latency,
  //  70 ms 50th, 150 ms 95th, 200 ms 99th, 250 ms 99.9th."
  const final = run.stdout.match(
    /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th/,
  );
  if (!final) throw new Error(`ProducerPerformance printed no final line:\n${run.stdout}`);
  const [, sent, perSecond, , avg, max, p50, , p99] = final.map(Number) as number[];
  if (sent !== plan.messages) throw new Error(`ProducerPerformance sent ${sent} of ${plan.messages} records`);
  return {
    phase: {
      ...throughput(plan.messages, plan.messages / (perSecond ?? Number.NaN), plan.messageBytes),
      ackLatencyMs: {
        count: plan.messages,
        p50: p50 ?? Number.NaN,
        p99: p99 ?? Number.NaN,
        max: max ?? Number.NaN,
        mean: avg ?? Number.NaN,
        per: 'record (whole ms)',
      },
      cpuSeconds: run.cpuSeconds,
      memory: { peakRssMiB: mib(run.peakRssBytes), peakHeapUsedMiB: null },
    },
  };
}

async function consumePerformance(
  runtime: JavaRuntime,
  bootstrap: string,
  plan: JavaPlan,
): Promise<{ phase: ConsumePhase }> {
  const run = await runTool(runtime, 'ConsumerPerformance', [
    '--bootstrap-server',
    bootstrap,
    '--topic',
    plan.topics.throughput,
    '--group',
    plan.group,
    '--messages',
    String(plan.messages),
    '--timeout',
    '60000',
  ]);
  // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
  // rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
  const lines = run.stdout.split('\n');
  const header = lines.findIndex((line) => line.startsWith('start.time, end.time'));
  const fields = lines[header + 1]?.split(', ') ?? [];
  if (header < 0 || fields.length < 10)
    throw new Error(`ConsumerPerformance printed no stats:\n${run.stdout}`);
  const consumed = Number(fields[4]);
  const joinMs = Number(fields[6]);
  const fetchMs = Number(fields[7]);
  if (consumed < plan.messages)
    throw new Error(`ConsumerPerformance read ${consumed} of ${plan.messages} records`);
  return {
    phase: {
      ...throughput(consumed, fetchMs / 1000, plan.messageBytes),
      joinMs,
      commits: null,
      cpuSeconds: run.cpuSeconds,
      memory: { peakRssMiB: mib(run.peakRssBytes), peakHeapUsedMiB: null },
    },
  };
}

async function endToEndLatency(
  runtime: JavaRuntime,
  bootstrap: string,
  plan: JavaPlan,
): Promise<{ phase: EndToEndPhase; peakRssMiB: number }> {
  const messages = Math.min(plan.latencyMessages, MAX_END_TO_END_MESSAGES);
  const run = await runTool(runtime, 'EndToEndLatency', [
    bootstrap,
    plan.topics.latency,
    String(messages),
    'all',
    String(plan.messageBytes),
  ]);
  const avg = run.stdout.match(/Avg latency: ([\d.]+) ms/);
  const percentiles = run.stdout.match(/Percentiles: 50th = (\d+), 99th = (\d+), 99\.9th = (\d+)/);
  if (!avg || !percentiles) throw new Error(`EndToEndLatency printed no latencies:\n${run.stdout}`);
  return {
    phase: {
      shape: 'one record in flight: send, wait for the ack, poll it back (EndToEndLatency)',
      ratePerSecond: null,
      messages,
      latencyMs: {
        count: messages,
        p50: Number(percentiles[1]),
        p99: Number(percentiles[2]),
        max: Number.NaN,
        mean: round(Number(avg[1])),
      },
      ackLatencyMs: null,
    },
    peakRssMiB: mib(run.peakRssBytes),
  };
}

/** Runs one tool class; its stdout is kept for parsing and echoed to stderr as progress. */
function runTool(runtime: JavaRuntime, tool: string, args: readonly string[]): Promise<ToolRun> {
  process.stderr.write(`[bench java] ${tool} ${args.join(' ')}\n`);
  const child = spawn(
    'java',
    [
      ...JVM_OPTIONS,
      `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`,
      '-cp',
      `${runtime.libsDir}/*`,
      `org.apache.kafka.tools.${tool}`,
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const usage = new ProcessUsage(child.pid);
  const watchdog = setTimeout(() => child.kill('SIGKILL'), TOOL_WATCHDOG_MS);
  let stdout = '';
  let echoed = 0;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    const complete = stdout.lastIndexOf('\n') + 1;
    for (const line of stdout.slice(echoed, complete).split('\n').slice(0, -1)) {
      process.stderr.write(`[bench java ${tool}] ${line}\n`);
    }
    echoed = Math.max(echoed, complete);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      usage.stop();
      if (code === 0) resolve({ stdout, peakRssBytes: usage.peakRssBytes, cpuSeconds: usage.cpuSeconds });
      else reject(new Error(`${tool} exited with ${signal ?? code}:\n${stdout.slice(-2000)}`));
    });
  });
}

/**
 * Peak resident set (VmHWM) and CPU time of a child, read from /proc while it runs. The last read
 * is up to 100 ms before its exit, so CPU time can fall short by that much.
 */
class ProcessUsage {
  static readonly #ticksPerSecond = 100; // USER_HZ, 100 on every Linux the bench runs on
  readonly #pid: number | undefined;
  readonly #timer: NodeJS.Timeout;
  peakRssBytes = 0;
  cpuSeconds = 0;

  constructor(pid: number | undefined) {
    this.#pid = pid;
    this.#timer = setInterval(() => void this.#sample(), SAMPLE_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async #sample(): Promise<void> {
    if (this.#pid === undefined) return;
    try {
      const [status, stat] = await Promise.all([
        readFile(`/proc/${this.#pid}/status`, 'utf8'),
        readFile(`/proc/${this.#pid}/stat`, 'utf8'),
      ]);
      const hwm = status.match(/^VmHWM:\s+(\d+) kB/m);
      if (hwm) this.peakRssBytes = Math.max(this.peakRssBytes, Number(hwm[1]) * 1024);
      // Fields after "(comm)": state is field 3, utime 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      if (Number.isFinite(ticks)) this.cpuSeconds = round(ticks / ProcessUsage.#ticksPerSecond);
    } catch {
      // the process has just exited
    }
  }
}

/** The Kafka version of the jars, from the kafka-clients jar's name. */
export async function kafkaVersion(runtime: JavaRuntime): Promise<string> {
  const jars = await readdir(runtime.libsDir);
  const clients = jars.map((jar) => jar.match(/^kafka-clients-(.+)\.jar$/)?.[1]).find(Boolean);
  return clients ?? 'unknown';
}

export async function javaVersion(): Promise<string> {
  const { stderr } = await promisify(execFile)('java', ['-version']);
  return stderr.match(/version "([^"]+)"/)?.[1] ?? 'unknown';
}

import { parseArgs } from 'node:util';

export const CONTENDERS = ['java', 'ours', 'kafkajs', 'platformatic'] as const;
export type ContenderName = (typeof CONTENDERS)[number];
/** The contenders that run inside a Node process of their own (the Java tools run in a JVM). */
export type NodeContenderName = Exclude<ContenderName, 'java'>;

export interface BenchOptions {
  readonly messages: number;
  readonly messageBytes: number;
  readonly partitions: number;
  /** Concurrent async senders in one producer process. */
  readonly senders: number;
  /** Records per `send` call. */
  readonly chunk: number;
  /** Records produced and consumed before timing, on a topic of their own. */
  readonly warmup: number;
  readonly latencyRate: number;
  readonly latencySeconds: number;
  readonly contenders: readonly ContenderName[];
  /** Each contender runs this many times, the contenders taking turns; figures are per-phase medians. */
  readonly rounds: number;
  /** Contenders whose Node process runs under `--cpu-prof`. */
  readonly profile: readonly NodeContenderName[];
  readonly artifactsDir: string;
  /** Kafka's jars, which the Java tools run from; default: the local stack's. */
  readonly kafkaLibs: string | undefined;
  /** Pause between contenders so the broker's deletes and flushes of the last one settle. */
  readonly settleMs: number;
}

const USAGE = `pnpm bench kafka [options]

Produce and consume throughput, ack and end-to-end latency, memory: our Kafka layer, raw kafkajs,
@platformatic/kafka and Kafka's own Java tools, one after the other on the local stack's broker.
One JSON document on stdout; progress on stderr.

  --messages N          records per throughput run (default 500000)
  --message-bytes B     record value size (default 200)
  --partitions P        partitions of every topic the bench creates (default 3)
  --senders S           concurrent senders in a producer process (default 8)
  --chunk C             records per send call (default 100)
  --warmup W            records produced and consumed before timing (default 20000)
  --latency-rate R      records/s of the end-to-end latency run (default 5000)
  --latency-seconds D   length of the latency run (default 10)
  --contenders LIST     comma-separated, from ${CONTENDERS.join(',')} (default all, in that order)
  --rounds N            runs of each contender, taking turns; each figure is the median (default 3)
  --profile LIST        Node contenders to run under node --cpu-prof, e.g. ours (default none)
  --artifacts DIR       where profiles go (default .artifacts/bench)
  --settle-ms MS        pause between contenders (default 3000)
  --kafka-libs DIR      Kafka's jars for the Java tools (default: $TRIBUTARY_CACHE/kafka-4.1.2/libs,
                        where \`pnpm stack up\` keeps them)
`;

function positiveInteger(flag: string, raw: string, min = 1): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`--${flag} ${JSON.stringify(raw)}: expected an integer ≥ ${min}\n\n${USAGE}`);
  }
  return value;
}

function namesOf<T extends string>(flag: string, raw: string, allowed: readonly T[]): T[] {
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of names) {
    if (!(allowed as readonly string[]).includes(name)) {
      throw new RangeError(`--${flag}: '${name}' is not one of ${allowed.join(', ')}\n\n${USAGE}`);
    }
  }
  return names as T[];
}

/** Parses the bench's flags; prints the usage and exits for `--help`. */
export function parseBenchOptions(args: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    options: {
      messages: { type: 'string', default: '500000' },
      'message-bytes': { type: 'string', default: '200' },
      partitions: { type: 'string', default: '3' },
      senders: { type: 'string', default: '8' },
      chunk: { type: 'string', default: '100' },
      warmup: { type: 'string', default: '20000' },
      'latency-rate': { type: 'string', default: '5000' },
      'latency-seconds': { type: 'string', default: '10' },
      contenders: { type: 'string', default: CONTENDERS.join(',') },
      rounds: { type: 'string', default: '3' },
      profile: { type: 'string', default: '' },
      artifacts: { type: 'string', default: '.artifacts/bench' },
      'settle-ms': { type: 'string', default: '3000' },
      'kafka-libs': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stderr.write(USAGE);
    process.exit(0);
  }
  const messageBytes = positiveInteger('message-bytes', values['message-bytes']);
  if (messageBytes < 8) throw new RangeError('--message-bytes: at least 8 (latency runs carry a timestamp)');
  return {
    messages: positiveInteger('messages', values.messages),
    messageBytes,
    partitions: positiveInteger('partitions', values.partitions),
    senders: positiveInteger('senders', values.senders),
    chunk: positiveInteger('chunk', values.chunk),
    warmup: positiveInteger('warmup', values.warmup, 0),
    latencyRate: positiveInteger('latency-rate', values['latency-rate']),
    latencySeconds: positiveInteger('latency-seconds', values['latency-seconds']),
    contenders: namesOf('contenders', values.contenders, CONTENDERS),
    rounds: positiveInteger('rounds', values.rounds),
    profile: namesOf('profile', values.profile, ['ours', 'kafkajs', 'platformatic'] as const),
    artifactsDir: values.artifacts,
    settleMs: positiveInteger('settle-ms', values['settle-ms'], 0),
    kafkaLibs: values['kafka-libs'],
  };
}

import { parseArgs } from 'node:util';
import { type ConfigOf, env } from '@tributary/config';
import { kafkaSettings } from '@tributary/kafka';
import { machineTemperature } from '@tributary/topics';

/** The environment's part: where Kafka is, and how much to log. */
export const sourceSettings = {
  kafka: kafkaSettings,
  logLevel: env.enum('TRIBUTARY_LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const, {
    default: 'info',
    doc: 'Lowest level logged (to stderr)',
  }),
};
export type SourceSettings = ConfigOf<typeof sourceSettings>;

/**
 * What to produce comes from command-line flags; how to reach Kafka comes from the environment
 * (TRIBUTARY_KAFKA_*, see @tributary/kafka's settings), like every Tributary service.
 */
export const MODES = ['generated', 'article', 'file'] as const;
export type SourceMode = (typeof MODES)[number];

export interface SourceOptions {
  readonly mode: SourceMode;
  readonly topic: string;
  /** Stop after this many readings (bad file lines not counted); undefined: until the source ends. */
  readonly count: number | undefined;
  /** Readings per second; undefined: as fast as the brokers take them. */
  readonly rate: number | undefined;
  readonly seed: number;
  readonly machines: number;
  /** Event time of the first reading (replay); undefined: live, each reading stamped with the clock. */
  readonly startTime: number | undefined;
  readonly intervalMs: number;
  readonly file: string | undefined;
  readonly progressIntervalMs: number;
}

export const USAGE = `usage: sensor-source --mode generated|article|file [options]

  --mode MODE            generated (seeded multi-regime simulator), article (uniform integers 40..70),
                         file (replay a .jsonl or .csv readings file; bad lines go to <topic>.dlq)
  --count N              stop after N readings (default: generated/article run until stopped)
  --rate R|max           readings per second, token-bucket paced (default: 100; max = unpaced)
  --seed S               generator seed (default 42)
  --machines N           simulated machines (default 20; article: 1)
  --start-time T|now     event time of the first reading, ISO 8601 or epoch ms: replay with event
                         times T, T+interval, ...; now (default): live, stamped with the wall clock
                         (file mode always keeps the file's event times)
  --interval-ms MS       event-time step between a machine's readings in replay (default 1000)
  --file PATH            readings file for --mode file
  --topic NAME           output topic (default ${machineTemperature.name})
  --progress-interval MS how often progress goes to stderr (default 5000)

Kafka: TRIBUTARY_KAFKA_BROKERS etc. from the environment.`;

/** A bad flag: the message names it and says what was expected. */
export class UsageError extends Error {
  readonly code = 'SOURCE_USAGE';
  readonly retriable = false;
}

function integer(flag: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!(Number.isSafeInteger(value) && value >= min))
    throw new UsageError(`--${flag}: expected an integer ≥ ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

function startTimeOf(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === 'now') return undefined;
  const value = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new UsageError(`--start-time: expected now, epoch ms or ISO 8601, got ${JSON.stringify(raw)}`);
  return value;
}

export function parseSourceArgs(argv: readonly string[]): SourceOptions {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        mode: { type: 'string' },
        count: { type: 'string' },
        rate: { type: 'string' },
        seed: { type: 'string' },
        machines: { type: 'string' },
        'start-time': { type: 'string' },
        'interval-ms': { type: 'string' },
        file: { type: 'string' },
        topic: { type: 'string' },
        'progress-interval': { type: 'string' },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const mode = values.mode;
  if (!MODES.includes(mode as SourceMode))
    throw new UsageError(`--mode: expected one of ${MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  if (mode === 'file' && values.file === undefined) throw new UsageError('--file: required with --mode file');
  if (mode !== 'file' && values.file !== undefined) throw new UsageError('--file: only with --mode file');
  const rawRate = values.rate ?? '100';
  const rate = rawRate === 'max' ? undefined : Number(rawRate);
  if (rate !== undefined && !(Number.isFinite(rate) && rate > 0))
    throw new UsageError(`--rate: expected a positive number or max, got ${JSON.stringify(rawRate)}`);
  return {
    mode: mode as SourceMode,
    topic: values.topic ?? machineTemperature.name,
    count: values.count === undefined ? undefined : integer('count', values.count, 0, 0),
    rate,
    seed: integer('seed', values.seed, 42, 0),
    machines: integer('machines', values.machines, mode === 'article' ? 1 : 20, 1),
    startTime: startTimeOf(values['start-time']),
    intervalMs: integer('interval-ms', values['interval-ms'], 1000, 1),
    file: values.file,
    progressIntervalMs: integer('progress-interval', values['progress-interval'], 5000, 100),
  };
}

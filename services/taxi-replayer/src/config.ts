import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type ConfigOf, env } from '@tributary/config';
import { kafkaSettings } from '@tributary/kafka';
import { SAMPLE_CSV_PATH } from '@tributary/taxi';
import { taxiRides } from '@tributary/topics';

/** The environment's part: where Kafka is, and how much to log. */
export const replayerSettings = {
  kafka: kafkaSettings,
  logLevel: env.enum('TRIBUTARY_LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const, {
    default: 'info',
    doc: 'Lowest level logged (to stderr)',
  }),
};
export type ReplayerSettings = ConfigOf<typeof replayerSettings>;

/** How fast: rows per second, as fast as the brokers take them, or event time sped up. */
export type Pace =
  | { readonly kind: 'rate'; readonly rowsPerSecond: number }
  | { readonly kind: 'max' }
  | { readonly kind: 'speedup'; readonly factor: number };

export interface ReplayOptions {
  readonly file: string;
  readonly topic: string;
  readonly pace: Pace;
  /** Where the acknowledged position is kept between runs. */
  readonly checkpoint: string;
  /** Ignore (and overwrite) an existing checkpoint: start from the top of the file. */
  readonly restart: boolean;
  /** Stop after this many data rows in this run (rides and dead letters); undefined: to the end. */
  readonly maxRows: number | undefined;
  readonly progressIntervalMs: number;
}

export const USAGE = `usage: taxi-replayer [--file PATH] [options]

  --file PATH            train.csv-like file (default: the bundled sample ${SAMPLE_CSV_PATH})
  --rate R|max           rows per second (default 10000); max = as fast as the brokers acknowledge
  --speedup X            pace by event time instead: X seconds of pickups per second
                         (3600 = one hour of pickups a second); excludes --rate
  --topic NAME           output topic (default ${taxiRides.name}); dead letters to NAME.dlq
  --checkpoint PATH      acknowledged position, for resuming (default .artifacts/taxi-replayer/
                         <file name>.<topic>.checkpoint.json)
  --restart              ignore the checkpoint and start from the top of the file
  --max-rows N           stop after N rows in this run (resumable like an interrupted run)
  --progress-interval MS progress to stderr this often (default 5000)

Kafka: TRIBUTARY_KAFKA_BROKERS etc. from the environment. SIGINT/SIGTERM: stop, flush, checkpoint.`;

/** A bad flag: the message names it and says what was expected. */
export class UsageError extends Error {
  readonly code = 'REPLAYER_USAGE';
  readonly retriable = false;
}

function positive(flag: string, raw: string): number {
  const value = Number(raw);
  if (!(Number.isFinite(value) && value > 0))
    throw new UsageError(`--${flag}: expected a positive number, got ${JSON.stringify(raw)}`);
  return value;
}

export function parseReplayArgs(argv: readonly string[]): ReplayOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        file: { type: 'string' },
        rate: { type: 'string' },
        speedup: { type: 'string' },
        topic: { type: 'string' },
        checkpoint: { type: 'string' },
        restart: { type: 'boolean' },
        'max-rows': { type: 'string' },
        'progress-interval': { type: 'string' },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const string = (name: string) => values[name] as string | undefined;
  if (string('rate') !== undefined && string('speedup') !== undefined)
    throw new UsageError('--rate and --speedup exclude each other');
  const rate = string('rate') ?? '10000';
  const speedup = string('speedup');
  const pace: Pace =
    speedup !== undefined
      ? { kind: 'speedup', factor: positive('speedup', speedup) }
      : rate === 'max'
        ? { kind: 'max' }
        : { kind: 'rate', rowsPerSecond: positive('rate', rate) };
  const file = resolve(string('file') ?? SAMPLE_CSV_PATH);
  const topic = string('topic') ?? taxiRides.name;
  const maxRows = string('max-rows');
  if (maxRows !== undefined && !(Number.isSafeInteger(Number(maxRows)) && Number(maxRows) > 0))
    throw new UsageError(`--max-rows: expected a positive integer, got ${JSON.stringify(maxRows)}`);
  const interval = Number(string('progress-interval') ?? '5000');
  if (!(Number.isSafeInteger(interval) && interval >= 100))
    throw new UsageError('--progress-interval: expected an integer ≥ 100 (milliseconds)');
  const fileName = file.split('/').at(-1) ?? 'rides.csv';
  return {
    file,
    topic,
    pace,
    checkpoint: resolve(
      string('checkpoint') ?? `.artifacts/taxi-replayer/${fileName}.${topic}.checkpoint.json`,
    ),
    restart: values.restart === true,
    maxRows: maxRows === undefined ? undefined : Number(maxRows),
    progressIntervalMs: interval,
  };
}

import { parseArgs } from 'node:util';

export interface MachineRegimesOptions {
  readonly readings: number;
  readonly machines: number;
  readonly partitions: number;
  readonly backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
  readonly rate: number;
  readonly seconds: number;
  readonly pollMs: number;
  readonly maxBytesPerPartition: number;
  readonly profile: boolean;
  readonly artifactsDir: string;
}

const USAGE = `pnpm bench machine-regimes [flags]
  --readings N     readings pre-produced for the classifier and sink throughput runs (default 200000)
  --machines N     machines the readings come from (default 20, as the model is trained)
  --partitions N   partitions of the bench's input and output topics (default 3)
  --backend B      classifier backend: auto|tensorflow|wasm|cpu (default auto)
  --rate R         readings/s of the live end-to-end run (default 10000)
  --seconds S      length of the live run (default 20)
  --poll-ms MS     InfluxDB poll interval of the visibility sampler (default 100)
  --max-bytes-per-partition B
                   the classifier's fetch size per partition, which bounds one transaction
                   (default 262144; the service's default of 1048576 never drains a backlog:
                   see bench/README.md)
  --no-profile     do not run the classifier under node --cpu-prof
  --artifacts DIR  model, reports and profile (default .artifacts/bench)`;

const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name}: expected a positive integer, got ${raw}`);
  return value;
}

export function parseOptions(argv: string[]): MachineRegimesOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      readings: { type: 'string' },
      machines: { type: 'string' },
      partitions: { type: 'string' },
      backend: { type: 'string' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      'poll-ms': { type: 'string' },
      'max-bytes-per-partition': { type: 'string' },
      'no-profile': { type: 'boolean' },
      artifacts: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(0);
  }
  const backend = values.backend ?? 'auto';
  if (!(BACKENDS as readonly string[]).includes(backend)) {
    throw new Error(`--backend: expected one of ${BACKENDS.join('|')}, got ${backend}`);
  }
  return {
    readings: positive('readings', values.readings, 200_000),
    machines: positive('machines', values.machines, 20),
    partitions: positive('partitions', values.partitions, 3),
    backend: backend as MachineRegimesOptions['backend'],
    rate: positive('rate', values.rate, 10_000),
    seconds: positive('seconds', values.seconds, 20),
    pollMs: positive('poll-ms', values['poll-ms'], 100),
    maxBytesPerPartition: positive('max-bytes-per-partition', values['max-bytes-per-partition'], 256 * 1024),
    profile: !values['no-profile'],
    artifactsDir: values.artifacts ?? '.artifacts/bench',
  };
}

import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './errors.ts';

/**
 * Every setting of the local stack, declared once: environment variable, default and why.
 * Defaults sit off the usual ports so that a system Kafka, PostgreSQL or Prometheus never collides.
 * This is the only module that reads process.env.
 */
const INTEGER_SETTINGS = {
  kafkaPort: {
    env: 'TRIBUTARY_STACK_KAFKA_PORT',
    default: 19092,
    min: 1024,
    max: 65_000,
    doc: 'Kafka node 1 PLAINTEXT port. Node i (1-based) takes a block of 10 from port+10*(i-1): +0 PLAINTEXT, +1 SASL_PLAINTEXT, +2 CONTROLLER, +3 SASL_SSL.',
  },
  postgresPort: {
    env: 'TRIBUTARY_STACK_POSTGRES_PORT',
    default: 15432,
    min: 1024,
    max: 65_535,
    doc: 'PostgreSQL 15 on 127.0.0.1.',
  },
  influxPort: {
    env: 'TRIBUTARY_STACK_INFLUX_PORT',
    default: 18086,
    min: 1024,
    max: 65_535,
    doc: 'InfluxDB 1.8 HTTP API (v1 and v2 endpoints, /metrics).',
  },
  influxRpcPort: {
    env: 'TRIBUTARY_STACK_INFLUX_RPC_PORT',
    default: 18088,
    min: 1024,
    max: 65_535,
    doc: 'InfluxDB backup/restore RPC; influxd always binds it, so it must not collide either.',
  },
  prometheusPort: {
    env: 'TRIBUTARY_STACK_PROMETHEUS_PORT',
    default: 19090,
    min: 1024,
    max: 65_535,
    doc: 'Prometheus web UI and API.',
  },
  testConcurrency: {
    env: 'TRIBUTARY_TEST_CONCURRENCY',
    default: 2,
    min: 1,
    max: 64,
    doc: 'Test files run at once by `pnpm test`: 2 suits 2 cores with Kafka running beside the tests.',
  },
  testTimeoutMs: {
    env: 'TRIBUTARY_TEST_TIMEOUT_MS',
    default: 180_000,
    min: 1000,
    max: 3_600_000,
    doc: 'Per-test timeout of `pnpm test`: long enough for a throw-away 3-broker cluster on 2 loaded cores, short enough that a hang fails inside CI time.',
  },
} as const;

type IntegerSettingName = keyof typeof INTEGER_SETTINGS;

export const VERSIONS = {
  kafka: '4.1.2',
  influxdb: '1.8.10',
  postgresMajor: 15,
  kubernetes: '1.34.4',
} as const;

/** The SCRAM user created when Kafka storage is formatted. */
export const KAFKA_SCRAM_USER = { username: 'tributary', password: 'tributary-secret' } as const;

export const STACK_DATABASE = 'tributary';

export interface Settings extends Record<IntegerSettingName, number> {
  /** Repository root (found from this file, not from the working directory). */
  repoRoot: string;
  /** `<repo>/.stack`: data, logs, pid files and state.json; git-ignored. */
  stackDir: string;
  /** Downloads and builds kept across clones: `$TRIBUTARY_CACHE` or `~/.cache/tributary`. */
  cacheDir: string;
  /** Where the user typed the command, for relative file arguments (npm and pnpm set INIT_CWD). */
  invocationDir: string;
}

const repoRoot = path.resolve(fileURLToPath(new URL('../../..', import.meta.url)));

function parseInteger(name: IntegerSettingName, env: NodeJS.ProcessEnv): number {
  const spec = INTEGER_SETTINGS[name];
  const raw = env[spec.env];
  if (raw === undefined || raw === '') return spec.default;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < spec.min || value > spec.max) {
    throw new ConfigError(
      spec.env,
      `${spec.env}=${JSON.stringify(raw)} is not valid: expected an integer from ${spec.min} to ${spec.max} (${spec.doc})`,
    );
  }
  return value;
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const integers = Object.fromEntries(
    (Object.keys(INTEGER_SETTINGS) as IntegerSettingName[]).map((name) => [name, parseInteger(name, env)]),
  ) as Record<IntegerSettingName, number>;
  return {
    ...integers,
    repoRoot,
    stackDir: path.join(repoRoot, '.stack'),
    cacheDir: path.resolve(env.TRIBUTARY_CACHE || path.join(homedir(), '.cache', 'tributary')),
    invocationDir: env.INIT_CWD || process.cwd(),
  };
}

/** The environment variable behind a setting, for messages such as "set X to a free port". */
export function settingVariable(name: IntegerSettingName): string {
  return INTEGER_SETTINGS[name].env;
}

/** One line per setting, for `--help`. */
export function describeSettings(): string[] {
  return Object.values(INTEGER_SETTINGS).map(
    (spec) => `  ${spec.env} (default ${spec.default}): ${spec.doc}`,
  );
}

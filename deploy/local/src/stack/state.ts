import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { influxUrl } from '../components/influxdb.ts';
import { postgresUrl } from '../components/postgres.ts';
import { prometheusUrl, scrapeTargetsDir } from '../components/prometheus.ts';
import { address, type KafkaClusterLayout } from '../kafka/layout.ts';
import { KAFKA_SCRAM_USER, type Settings, STACK_DATABASE } from '../settings.ts';

/** How to reach the running local stack; written to .stack/state.json by `stack up`. */
export interface StackState {
  /** Absolute path of .stack. */
  root: string;
  kafka: {
    /** PLAINTEXT bootstrap addresses. */
    brokers: string[];
    sasl: {
      brokers: string[];
      mechanism: 'scram-sha-256';
      username: string;
      password: string;
    };
    /** The same SCRAM user over TLS; trust `caFile` (a CA made for this stack). */
    saslSsl: { brokers: string[]; caFile: string };
  };
  postgres: { url: string };
  influx: { url: string; database: string };
  prometheus: { url: string; targetsDir: string };
}

export function stackStateFile(settings: Settings): string {
  return path.join(settings.stackDir, 'state.json');
}

export function buildStackState(settings: Settings, kafka: KafkaClusterLayout): StackState {
  return {
    root: settings.stackDir,
    kafka: {
      brokers: kafka.nodes.map((node) => address(node.ports.plaintext)),
      sasl: {
        brokers: kafka.nodes.map((node) => address(node.ports.sasl)),
        mechanism: 'scram-sha-256',
        ...KAFKA_SCRAM_USER,
      },
      saslSsl: {
        brokers: kafka.nodes.map((node) => address(node.ports.saslSsl)),
        caFile: path.join(kafka.tlsDir, 'ca.crt'),
      },
    },
    postgres: { url: postgresUrl(settings) },
    influx: { url: influxUrl(settings), database: STACK_DATABASE },
    prometheus: { url: prometheusUrl(settings), targetsDir: scrapeTargetsDir(settings) },
  };
}

export async function writeStackState(settings: Settings, state: StackState): Promise<void> {
  await writeFile(stackStateFile(settings), `${JSON.stringify(state, null, 2)}\n`);
}

export async function readStackStateFile(settings: Settings): Promise<StackState | null> {
  try {
    return JSON.parse(await readFile(stackStateFile(settings), 'utf8')) as StackState;
  } catch {
    return null;
  }
}

export async function removeStackState(settings: Settings): Promise<void> {
  await rm(stackStateFile(settings), { force: true });
}

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { KafkaRuntime } from '../prerequisites/kafka-jars.ts';
import { runCommand } from '../process/run-command.ts';
import { KAFKA_SCRAM_USER } from '../settings.ts';
import { kafkaJavaArgs } from './jvm.ts';
import type { KafkaClusterLayout, KafkaNodeLayout } from './layout.ts';

/** What a cluster folder was formatted for; another shape means formatting anew. */
export interface ClusterRecord {
  clusterId: string;
  brokers: number;
  basePort: number;
}

export async function readClusterRecord(file: string): Promise<ClusterRecord | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as ClusterRecord;
  } catch {
    return null;
  }
}

/**
 * A Kafka cluster id is 16 random bytes in URL-safe base64; made here rather than by
 * `StorageTool random-uuid` to spare a JVM start. Kafka rejects ids starting with '-'.
 */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function scramArgs(): string[] {
  const { username, password } = KAFKA_SCRAM_USER;
  return ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((mechanism) => [
    '--add-scram',
    `${mechanism}=[name=${username},password=${password}]`,
  ]);
}

async function formatNode(
  layout: KafkaClusterLayout,
  node: KafkaNodeLayout,
  clusterId: string,
  runtime: KafkaRuntime,
): Promise<void> {
  const args = ['format', '-t', clusterId, '-c', node.propertiesFile, ...scramArgs()];
  // One node elects itself through a dynamic quorum; three share the static voter list.
  if (layout.brokers === 1) args.push('--standalone');
  await runCommand('java', kafkaJavaArgs(runtime, 'kafka.tools.StorageTool', args), {
    logFile: path.join(node.dir, 'format.log'),
  });
}

/**
 * Formats every node's storage that is not formatted yet, under one cluster id. A folder formatted
 * for another broker count or ports is wiped first: callers make sure none of its nodes runs.
 */
export async function ensureFormatted(layout: KafkaClusterLayout, runtime: KafkaRuntime): Promise<void> {
  let record = await readClusterRecord(layout.clusterFile);
  if (record === null || record.brokers !== layout.brokers || record.basePort !== layout.basePort) {
    await Promise.all(layout.nodes.map((node) => rm(node.dataDir, { recursive: true, force: true })));
    record = { clusterId: newClusterId(), brokers: layout.brokers, basePort: layout.basePort };
    await writeFile(layout.clusterFile, `${JSON.stringify(record)}\n`);
  }
  const { clusterId } = record;
  const unformatted = layout.nodes.filter((node) => !existsSync(path.join(node.dataDir, 'meta.properties')));
  await Promise.all(unformatted.map((node) => formatNode(layout, node, clusterId, runtime)));
}

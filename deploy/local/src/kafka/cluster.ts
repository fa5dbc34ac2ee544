import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StackConflictError } from '../errors.ts';
import { ensureKafkaJars, kafkaRuntime } from '../prerequisites/kafka-jars.ts';
import { ManagedProcess } from '../process/managed-process.ts';
import { assertPortsFree, findFreePortBlock } from '../process/ports.ts';
import { loadSettings, type Settings } from '../settings.ts';
import { settleAll } from '../settle-all.ts';
import { registeredBrokerIds } from './health.ts';
import { kafkaJavaArgs } from './jvm.ts';
import {
  address,
  type BrokerCount,
  type KafkaClusterLayout,
  type KafkaNodeLayout,
  kafkaClusterLayout,
  NODE_PORT_STRIDE,
  nodePorts,
} from './layout.ts';
import { renderServerProperties } from './server-properties.ts';
import { ensureFormatted, readClusterRecord } from './storage.ts';
import { ensureKafkaTls } from './tls.ts';

const HEAP = '512m';
/** Three JVMs starting at once on 2 cores take well under a minute; the rest is headroom. */
const START_TIMEOUT_MS = 120_000;
/** A controlled shutdown takes a few seconds; past this the node is killed. */
const STOP_TIMEOUT_MS = 30_000;
const MAX_BROKERS = 3;

export interface KafkaNode {
  id: number;
  pid: number;
  address: string;
}

export interface KafkaCluster {
  /** PLAINTEXT bootstrap addresses, one per node. */
  brokers: string[];
  nodes: KafkaNode[];
  /** Signals one node (SIGTERM by default, like process.kill) and waits for it to exit, except for SIGSTOP/SIGCONT. */
  kill(nodeId: number, signal?: NodeJS.Signals): Promise<void>;
  /** Stops every node; SIGKILL after a deadline. */
  stop(): Promise<void>;
}

export function kafkaNodeProcess(settings: Settings, node: KafkaNodeLayout): ManagedProcess {
  return new ManagedProcess({
    name: `kafka-${node.id}`,
    command: 'java',
    args: kafkaJavaArgs(kafkaRuntime(settings), 'kafka.Kafka', [node.propertiesFile], HEAP),
    dir: node.dir,
    stopSignal: 'SIGTERM',
    stopTimeoutMs: STOP_TIMEOUT_MS,
  });
}

/** Whether this node answers and lists itself among the registered brokers. */
export async function nodeHealthy(node: KafkaNodeLayout): Promise<boolean> {
  const ids = await registeredBrokerIds({ brokers: [address(node.ports.plaintext)] });
  return ids?.includes(node.id) ?? false;
}

/** Every node folder of any shape (1 or 3 brokers) that may hold a running node. */
function anyShapeNodes(dir: string): KafkaNodeLayout[] {
  return kafkaClusterLayout({ brokers: MAX_BROKERS, dir, basePort: 0 }).nodes;
}

async function assertSameShapeWhenRunning(settings: Settings, layout: KafkaClusterLayout): Promise<void> {
  const record = await readClusterRecord(layout.clusterFile);
  if (record === null || (record.brokers === layout.brokers && record.basePort === layout.basePort)) return;
  for (const node of anyShapeNodes(layout.dir)) {
    if ((await kafkaNodeProcess(settings, node).pid()) !== null) {
      throw new StackConflictError(
        `Kafka in ${layout.dir} runs with ${record.brokers} broker(s) from port ${record.basePort}, ` +
          `not ${layout.brokers} from port ${layout.basePort}: stop it first (\`pnpm stack down\`)`,
      );
    }
  }
}

export interface RunningKafkaNode {
  node: KafkaNodeLayout;
  proc: ManagedProcess;
  pid: number;
  /** False when it was already running. */
  started: boolean;
}

/**
 * Brings every node of the layout up (formatting storage the first time) and waits until each
 * answers; nodes already running are left alone.
 */
export async function ensureKafkaCluster(
  settings: Settings,
  layout: KafkaClusterLayout,
  portSetting: string,
): Promise<RunningKafkaNode[]> {
  await assertSameShapeWhenRunning(settings, layout);
  const members = await Promise.all(
    layout.nodes.map(async (node) => {
      const proc = kafkaNodeProcess(settings, node);
      return { node, proc, pid: await proc.pid() };
    }),
  );
  if (members.some((member) => member.pid === null)) {
    const tls = await ensureKafkaTls(layout.tlsDir);
    for (const node of layout.nodes) {
      await mkdir(node.dir, { recursive: true });
      await writeFile(node.propertiesFile, renderServerProperties(layout, node, tls));
    }
    await ensureFormatted(layout, kafkaRuntime(settings));
    for (const member of members) {
      if (member.pid === null) await assertPortsFree(nodePorts(member.node), portSetting);
    }
  }
  const running = await settleAll(
    members.map(async ({ node, proc, pid }) => ({
      node,
      proc,
      pid: pid ?? (await proc.start()),
      started: pid === null,
    })),
  );
  await settleAll(
    running.map(({ node, proc, pid }) =>
      proc.waitUntilHealthy(pid, () => nodeHealthy(node), START_TIMEOUT_MS),
    ),
  );
  return running;
}

/** Stops any node running from `dir`, whatever shape it was started with. */
export async function stopKafkaNodes(settings: Settings, dir: string): Promise<void> {
  await Promise.all(anyShapeNodes(dir).map((node) => kafkaNodeProcess(settings, node).stop()));
}

/**
 * A separate Kafka cluster for fault tests (not the stack's). `basePort: 0` picks free ports.
 * The caller owns `dir` and must call `stop()`.
 */
export async function startKafkaCluster(options: {
  brokers: BrokerCount;
  dir: string;
  basePort: number;
}): Promise<KafkaCluster> {
  const settings = loadSettings();
  await ensureKafkaJars(settings);
  const basePort = options.basePort || (await findFreePortBlock(options.brokers * NODE_PORT_STRIDE));
  const dir = path.resolve(options.dir);
  const layout = kafkaClusterLayout({ brokers: options.brokers, dir, basePort });
  await mkdir(dir, { recursive: true });
  const running = await ensureKafkaCluster(settings, layout, 'basePort').catch(async (error: unknown) => {
    // The caller gets no handle to stop the nodes that did start.
    await stopKafkaNodes(settings, dir);
    throw error;
  });
  const processes = new Map(running.map(({ node, proc }) => [node.id, proc]));
  const nodes = running.map(({ node, pid }) => ({
    id: node.id,
    pid,
    address: address(node.ports.plaintext),
  }));
  return {
    brokers: nodes.map((node) => node.address),
    nodes,
    async kill(nodeId, signal = 'SIGTERM') {
      const proc = processes.get(nodeId);
      if (proc === undefined)
        throw new RangeError(`no Kafka node ${nodeId}: nodes are 1 to ${options.brokers}`);
      await proc.signal(signal);
    },
    async stop() {
      await Promise.all([...processes.values()].map((proc) => proc.stop()));
    },
  };
}

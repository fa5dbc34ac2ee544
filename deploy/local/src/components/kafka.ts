import path from 'node:path';
import { ensureKafkaCluster, kafkaNodeProcess, nodeHealthy, stopKafkaNodes } from '../kafka/cluster.ts';
import { address, type BrokerCount, type KafkaClusterLayout, kafkaClusterLayout } from '../kafka/layout.ts';
import { readClusterRecord } from '../kafka/storage.ts';
import { elapsed, progress } from '../progress.ts';
import { type Settings, settingVariable } from '../settings.ts';
import type { Component } from './component.ts';
import { processStatus } from './ensure-running.ts';

export function kafkaStackDir(settings: Settings): string {
  return path.join(settings.stackDir, 'kafka');
}

/** The broker count the stack's Kafka was last formatted for, if ever. */
export async function formattedBrokerCount(settings: Settings): Promise<BrokerCount | null> {
  const record = await readClusterRecord(path.join(kafkaStackDir(settings), 'cluster.json'));
  return record?.brokers === 1 || record?.brokers === 3 ? record.brokers : null;
}

export function kafkaStackLayout(settings: Settings, brokers: BrokerCount): KafkaClusterLayout {
  return kafkaClusterLayout({ brokers, dir: kafkaStackDir(settings), basePort: settings.kafkaPort });
}

/** The stack's Kafka: the same cluster code as startKafkaCluster, in .stack/kafka on the configured ports. */
export function kafkaComponent(settings: Settings, brokers: BrokerCount): Component {
  const layout = kafkaStackLayout(settings, brokers);
  return {
    name: 'kafka',
    async up() {
      const startedAt = performance.now();
      const nodes = await ensureKafkaCluster(settings, layout, settingVariable('kafkaPort'));
      for (const { node, pid, started } of nodes) {
        progress(
          `kafka-${node.id}`,
          started ? `up in ${elapsed(startedAt)} (pid ${pid})` : `already up (pid ${pid})`,
        );
      }
    },
    status() {
      return Promise.all(
        layout.nodes.map((node) =>
          processStatus(kafkaNodeProcess(settings, node), address(node.ports.plaintext), () =>
            nodeHealthy(node),
          ),
        ),
      );
    },
    down: () => stopKafkaNodes(settings, layout.dir),
  };
}

import path from 'node:path';

export const KAFKA_HOST = '127.0.0.1';

/** Each node owns a block of 10 ports from basePort + 10*(id-1), so a port says which node it is. */
export const NODE_PORT_STRIDE = 10;

const PORT_OFFSETS = { plaintext: 0, sasl: 1, controller: 2, saslSsl: 3 } as const;

export type BrokerCount = 1 | 3;

export interface KafkaNodeLayout {
  id: number;
  dir: string;
  dataDir: string;
  propertiesFile: string;
  ports: Record<keyof typeof PORT_OFFSETS, number>;
}

export interface KafkaClusterLayout {
  brokers: BrokerCount;
  basePort: number;
  dir: string;
  /** Cluster id and the shape it was formatted for. */
  clusterFile: string;
  tlsDir: string;
  nodes: KafkaNodeLayout[];
}

export function kafkaClusterLayout(options: {
  brokers: BrokerCount;
  dir: string;
  basePort: number;
}): KafkaClusterLayout {
  const nodes = Array.from({ length: options.brokers }, (_, index): KafkaNodeLayout => {
    const id = index + 1;
    const dir = path.join(options.dir, `node-${id}`);
    const first = options.basePort + NODE_PORT_STRIDE * index;
    return {
      id,
      dir,
      dataDir: path.join(dir, 'data'),
      propertiesFile: path.join(dir, 'server.properties'),
      ports: {
        plaintext: first + PORT_OFFSETS.plaintext,
        sasl: first + PORT_OFFSETS.sasl,
        controller: first + PORT_OFFSETS.controller,
        saslSsl: first + PORT_OFFSETS.saslSsl,
      },
    };
  });
  return {
    brokers: options.brokers,
    basePort: options.basePort,
    dir: options.dir,
    clusterFile: path.join(options.dir, 'cluster.json'),
    tlsDir: path.join(options.dir, 'tls'),
    nodes,
  };
}

export function address(port: number): string {
  return `${KAFKA_HOST}:${port}`;
}

export function nodePorts(node: KafkaNodeLayout): number[] {
  return Object.values(node.ports);
}

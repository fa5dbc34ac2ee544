/** The local stack's public API, for tests and benches in other packages. */
import { influxdBinary } from './prerequisites/influxdb-binary.ts';
import { type KafkaRuntime, kafkaRuntime } from './prerequisites/kafka-jars.ts';
import { deltalakePythonBinary } from './prerequisites/python-deltalake.ts';
import { loadSettings } from './settings.ts';

export { renderInfluxConfig } from './components/influxdb.ts';
export { type PrivatePostgres, privatePostgres } from './components/postgres.ts';
export { StackError, type StackErrorCode, StackNotRunningError } from './errors.ts';
export { type KafkaCluster, type KafkaNode, startKafkaCluster } from './kafka/cluster.ts';
export {
  type KubeControlPlane,
  type KubeControlPlaneOptions,
  startKubeControlPlane,
} from './kube/control-plane.ts';
export { type ChartTools, chartTools, ensureChartTools } from './prerequisites/chart-tools.ts';
export { KUBERNETES_SCHEMA_VERSION } from './prerequisites/kubernetes-schemas.ts';
export { readStackState } from './stack/read-stack-state.ts';
export { registerScrapeTarget } from './stack/scrape-targets.ts';
export type { StackState } from './stack/state.ts';

/** Where the prerequisites put influxd, for tests that run a private InfluxDB they can stop. */
export function influxdPath(): string {
  return influxdBinary(loadSettings());
}

/** The Python interpreter with `deltalake` and `pyarrow` (an independent Delta reader for tests). */
export function deltalakePythonPath(): string {
  return deltalakePythonBinary(loadSettings());
}

/** Kafka's jars and log4j2 configuration, for tests that run Kafka's own classes on a config of theirs. */
export type { KafkaRuntime };
export function kafkaRuntimePaths(): KafkaRuntime {
  return kafkaRuntime(loadSettings());
}

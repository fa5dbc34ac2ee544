/** The local stack's public API, for tests and benches in other packages. */
export { StackError, type StackErrorCode, StackNotRunningError } from './errors.ts';
export { type KafkaCluster, type KafkaNode, startKafkaCluster } from './kafka/cluster.ts';
export { readStackState } from './stack/read-stack-state.ts';
export { registerScrapeTarget } from './stack/scrape-targets.ts';
export type { StackState } from './stack/state.ts';

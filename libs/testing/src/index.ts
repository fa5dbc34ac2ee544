export { committedByPartition, committedTotal } from './committed-offsets.ts';
export { grpcHealth } from './grpc-health.ts';
export { type InfluxSeries, influxQuery, influxSeries } from './influx-query.ts';
export { endOffsets, type ReadRecord, readTopic } from './read-topic.ts';
export { stackBrokers, testKafka } from './test-kafka.ts';
export { uniqueName } from './unique-name.ts';
export { waitFor } from './wait-for.ts';

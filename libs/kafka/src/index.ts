export { AtLeastOnceConsumer, type AtLeastOnceConsumerOptions } from './at-least-once-consumer.ts';
export { createKafka } from './client.ts';
export { consumerGroupLag, type PartitionLag } from './consumer-lag.ts';
export type { ConsumerLoopOptions, ReadinessSignal, StartPosition } from './consumer-loop.ts';
export { DEAD_LETTER_HEADERS, type DeadLetterFailure } from './dead-letter.ts';
export { isRetriable, KafkaLayerError, type KafkaLayerErrorCode } from './errors.ts';
export {
  type ExactlyOnceContext,
  ExactlyOnceProcessor,
  type ExactlyOnceProcessorOptions,
} from './exactly-once-processor.ts';
export { type BatchHandler, type HandlerContext, handle, type TopicHandler } from './handler.ts';
export { KafkaMetrics } from './metrics.ts';
export type { OffsetMove, OffsetSink } from './offset-sink.ts';
export { BatchingProducer, type BatchingProducerOptions } from './producer.ts';
export { readToEnd } from './read-to-end.ts';
export type { ConsumedRecord, OutgoingRecord } from './records.ts';
export { type KafkaSettings, kafkaSettings } from './settings.ts';
export { SinkOffsetsConsumer, type SinkOffsetsConsumerOptions } from './sink-offsets-consumer.ts';
export {
  type AnyTopicSpec,
  CHANGELOG_CONFIG,
  type CleanupPolicy,
  defineTopic,
  type TopicDeclaration,
  type TopicSpec,
} from './topic.ts';
export {
  describeTopics,
  growPartitions,
  type KafkaAdmin,
  type PartitionDescription,
  partitionCount,
  type TopicDescription,
} from './topic-admin.ts';
export { type DriftKind, type EnsureReport, type TopicDrift, TopicRegistry } from './topic-registry.ts';

export type KafkaLayerErrorCode =
  | 'TOPIC_NOT_DECLARED'
  | 'TOPIC_NOT_FOUND'
  | 'PARTITIONS_NOT_VISIBLE'
  | 'TRANSACTION_FAILED'
  | 'PRODUCER_FENCED'
  | 'PRODUCER_CLOSED'
  | 'SINK_OFFSET_CONFLICT'
  | 'OFFSETS_OUT_OF_RANGE'
  | 'INVALID_SETTINGS';

/** An error of our Kafka layer: a stable code, whether a retry can help, and what it is about. */
export class KafkaLayerError extends Error {
  readonly code: KafkaLayerErrorCode;
  readonly retriable: boolean;
  readonly context: Readonly<Record<string, string | number>>;

  constructor(
    code: KafkaLayerErrorCode,
    message: string,
    options: { retriable?: boolean; context?: Record<string, string | number>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KafkaLayerError';
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
  }
}

/**
 * Whether an error thrown by a handler (or by kafkajs) says that trying again later can succeed:
 * a sink that is down, a broker that moved. Both our errors and kafkajs's carry `retriable`.
 */
export function isRetriable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
}

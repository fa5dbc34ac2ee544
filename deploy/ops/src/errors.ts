import { TributaryError } from '@tributary/service-kit';

export type OpsErrorCode =
  | 'SERVICE_NOT_FOUND'
  | 'INPUT_TOPIC_UNKNOWN'
  | 'REPLICAS_EXCEED_PARTITIONS'
  | 'INVALID_ARGUMENT'
  | 'KUBERNETES_CONFIG_MISSING'
  | 'KUBERNETES_API_FAILED';

/** What tributary-ops refuses or cannot do; the message says what to run or change instead. */
export class OpsError extends TributaryError<OpsErrorCode> {}

import { TributaryError } from '@tributary/service-kit';

/**
 * Why a write did not happen. `INFLUX_UNAVAILABLE` (network, timeout, 5xx, 429) is retriable: the
 * consumer pauses the partition and the same records come again. `INFLUX_REFUSED_REQUEST` (401, 403,
 * 404 such as a missing database) is a misconfiguration no retry fixes: the service exits.
 */
export type InfluxSinkErrorCode = 'INFLUX_UNAVAILABLE' | 'INFLUX_REFUSED_REQUEST' | 'UNKNOWN_TOPIC';

export class InfluxSinkError extends TributaryError<InfluxSinkErrorCode> {}

/** A bounded label for `influx_sink_write_failures_total`. */
export type WriteFailureReason =
  | 'network'
  | 'timeout'
  | 'server_error'
  | 'throttled'
  | 'rejected_point'
  | 'refused_request';

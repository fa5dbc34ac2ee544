import { HttpError, InfluxDB, RequestTimedOutError, setLogger } from '@influxdata/influxdb-client';
import type { Logger } from '@tributary/service-kit';
import type { InfluxSinkConfig } from './config.ts';
import { InfluxSinkError, type WriteFailureReason } from './errors.ts';
import type { InfluxSinkMetrics } from './metrics.ts';

/** A point ready to write: its line protocol (ms precision) and measurement, for the metric label. */
export interface PendingPoint {
  readonly line: string;
  readonly measurement: string;
}

/** Index in the written list → why InfluxDB refused that point. */
export type RefusedPoints = Map<number, string>;

type Failure =
  | { readonly kind: 'retriable'; readonly reason: WriteFailureReason; readonly error: unknown }
  | { readonly kind: 'data'; readonly message: string }
  | { readonly kind: 'request'; readonly status: number; readonly message: string };

/**
 * Writes points and owns the retry policy: the client's own retries are off, so a failure comes
 * back at once and the Kafka consumer decides (pause and redeliver, dead-letter, or exit).
 */
export class InfluxWriter {
  readonly #client: InfluxDB;
  readonly #settings: InfluxSinkConfig['influx'];
  readonly #maxPoints: number;
  readonly #metrics: InfluxSinkMetrics;
  readonly #logger: Logger;

  constructor(
    settings: InfluxSinkConfig['influx'],
    maxPoints: number,
    metrics: InfluxSinkMetrics,
    logger: Logger,
  ) {
    this.#settings = settings;
    this.#maxPoints = maxPoints;
    this.#metrics = metrics;
    this.#logger = logger;
    this.#client = new InfluxDB({
      url: settings.url,
      token: settings.token ?? '',
      timeout: settings.requestTimeoutMs,
    });
    // The client logs every failed write on the console; we log and count them ourselves.
    setLogger({
      error: (message, error) => logger.debug({ err: error }, message),
      warn: (message, error) => logger.debug({ err: error }, message),
    });
  }

  /**
   * Writes all points, in requests of at most `maxPoints`. Returns the points InfluxDB refused as
   * bad data (found by halving a refused request down to single points; rewriting the good ones
   * is harmless, as points are idempotent). Throws when InfluxDB could not be written at all.
   */
  async write(points: readonly PendingPoint[]): Promise<RefusedPoints> {
    const refused: RefusedPoints = new Map();
    for (let start = 0; start < points.length; start += this.#maxPoints) {
      await this.#writeRange(points, start, Math.min(points.length, start + this.#maxPoints), refused);
    }
    return refused;
  }

  /** InfluxDB answers /ping (both 1.8 and 2.x). */
  async ping(): Promise<boolean> {
    try {
      const response = await fetch(new URL('/ping', this.#settings.url), {
        signal: AbortSignal.timeout(this.#settings.requestTimeoutMs),
      });
      return response.status === 204 || response.ok;
    } catch {
      return false;
    }
  }

  async #writeRange(points: readonly PendingPoint[], start: number, end: number, refused: RefusedPoints) {
    const failure = await this.#send(points.slice(start, end));
    if (failure === undefined) return;
    if (failure.kind === 'retriable') {
      throw new InfluxSinkError('INFLUX_UNAVAILABLE', `InfluxDB write failed (${failure.reason})`, {
        retriable: true,
        cause: failure.error,
        context: { url: this.#settings.url, bucket: this.#settings.bucket },
      });
    }
    if (failure.kind === 'request') {
      throw new InfluxSinkError(
        'INFLUX_REFUSED_REQUEST',
        `InfluxDB refused the write request: ${failure.message}`,
        {
          context: { status: failure.status, url: this.#settings.url, bucket: this.#settings.bucket },
        },
      );
    }
    if (end - start === 1) {
      refused.set(start, failure.message);
      return;
    }
    const middle = start + Math.ceil((end - start) / 2);
    await this.#writeRange(points, start, middle, refused);
    await this.#writeRange(points, middle, end, refused);
  }

  async #send(points: readonly PendingPoint[]): Promise<Failure | undefined> {
    const api = this.#client.getWriteApi(this.#settings.org, this.#settings.bucket, 'ms', {
      batchSize: points.length + 1,
      maxBatchBytes: Number.MAX_SAFE_INTEGER,
      flushInterval: 0,
      maxRetries: 0,
      gzipThreshold: 64 * 1024,
    });
    api.writeRecords(points.map((point) => point.line));
    const stopTimer = this.#metrics.writeSeconds.startTimer();
    try {
      await api.close();
    } catch (error) {
      const failure = classify(error);
      this.#metrics.writeFailed(failureReason(failure));
      if (failure.kind !== 'data')
        this.#logger.debug({ err: error, points: points.length }, 'InfluxDB write failed');
      return failure;
    } finally {
      stopTimer();
    }
    this.#metrics.writePoints.observe(points.length);
    for (const [measurement, count] of countBy(points))
      this.#metrics.pointsWritten.inc({ measurement }, count);
    return undefined;
  }
}

function classify(error: unknown): Failure {
  if (error instanceof HttpError) {
    const status = error.statusCode;
    if (status === 429) return { kind: 'retriable', reason: 'throttled', error };
    if (status >= 500) return { kind: 'retriable', reason: 'server_error', error };
    const message = `${status} ${error.body ?? error.message}`.trim();
    // 400 (bad line, type conflict, partial write), 413 (too large), 422 (outside retention): the data.
    if (status === 400 || status === 413 || status === 422) return { kind: 'data', message };
    return { kind: 'request', status, message };
  }
  if (error instanceof RequestTimedOutError) return { kind: 'retriable', reason: 'timeout', error };
  return { kind: 'retriable', reason: 'network', error };
}

function failureReason(failure: Failure): WriteFailureReason {
  if (failure.kind === 'data') return 'rejected_point';
  if (failure.kind === 'request') return 'refused_request';
  return failure.reason;
}

/** Points per measurement; a record that maps to several points (a top-N list) is one line each. */
function countBy(points: readonly PendingPoint[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { measurement, line } of points) {
    let lines = 1;
    for (let at = line.indexOf('\n'); at >= 0; at = line.indexOf('\n', at + 1)) lines++;
    counts.set(measurement, (counts.get(measurement) ?? 0) + lines);
  }
  return counts;
}

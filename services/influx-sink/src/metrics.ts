import type { Registry } from '@tributary/service-kit';
import { Counter, Histogram } from 'prom-client';
import type { WriteFailureReason } from './errors.ts';

/** The sink's own metrics; consumption, lag and dead letters come from the Kafka layer's. */
export class InfluxSinkMetrics {
  readonly pointsWritten: Counter<'measurement'>;
  readonly writeSeconds: Histogram;
  readonly writePoints: Histogram;
  readonly writeFailures: Counter<'reason'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.pointsWritten = new Counter({
      name: 'influx_sink_points_written_total',
      help: 'Points InfluxDB acknowledged (a redelivered record counts again; InfluxDB overwrites it)',
      labelNames: ['measurement'],
      registers,
    });
    this.writeSeconds = new Histogram({
      name: 'influx_sink_write_seconds',
      help: 'Duration of one InfluxDB write request, failed ones included',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.writePoints = new Histogram({
      name: 'influx_sink_write_points',
      help: 'Points per InfluxDB write request',
      buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10_000],
      registers,
    });
    this.writeFailures = new Counter({
      name: 'influx_sink_write_failures_total',
      help: 'Failed write requests by reason: network, timeout, server_error, throttled (retried); rejected_point, refused_request',
      labelNames: ['reason'],
      registers,
    });
  }

  writeFailed(reason: WriteFailureReason): void {
    this.writeFailures.inc({ reason });
  }
}

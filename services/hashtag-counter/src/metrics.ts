import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type Stage = 'extract' | 'count';
export type TooLateAction = 'drop' | 'dead-letter';

/** The counting stages' metrics; the Kafka layer registers its consumer/producer metrics beside. */
export class CounterMetrics {
  readonly tweets: Counter;
  readonly tags: Counter;
  readonly invalid: Counter;
  readonly late: Counter;
  readonly tooLate: Counter<'stage' | 'action'>;
  readonly countUpdates: Counter<'final'>;
  readonly windowsClosed: Counter;
  readonly windowsOpen: Gauge<'partition'>;
  readonly aggregatesOpen: Gauge<'partition'>;
  readonly watermarkLag: Gauge<'stage' | 'partition'>;
  readonly idleSources: Gauge<'partition'>;
  readonly batchSeconds: Histogram<'stage'>;
  readonly restoreSeconds: Histogram<'stage'>;
  readonly restoredRecords: Counter<'stage'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.tweets = new Counter({
      name: 'hashtag_counter_tweets_total',
      help: 'Tweets read by the extract stage (an aborted batch is read again)',
      registers,
    });
    this.tags = new Counter({
      name: 'hashtag_counter_tags_total',
      help: 'Distinct (tweet, tag) pairs sent to the repartition topic',
      registers,
    });
    this.invalid = new Counter({
      name: 'hashtag_counter_invalid_tweets_total',
      help: 'Tweets sent to the dead-letter topic because their createdAt is no instant',
      registers,
    });
    this.late = new Counter({
      name: 'hashtag_counter_late_tweets_total',
      help: "Tweets behind their partition's watermark that still went into windows not yet final",
      registers,
    });
    this.tooLate = new Counter({
      name: 'hashtag_counter_too_late_tweets_total',
      help: 'Tweets (extract) or tags (count, only after an idle source came back) whose every window was final, by what was done with them',
      labelNames: ['stage', 'action'],
      registers,
    });
    this.countUpdates = new Counter({
      name: 'hashtag_counter_count_updates_total',
      help: 'Records written to hashtags.counts, by final (window closed) or not',
      labelNames: ['final'],
      registers,
    });
    this.windowsClosed = new Counter({
      name: 'hashtag_counter_windows_closed_total',
      help: 'Windows that became final (watermark ≥ end + allowed lateness)',
      registers,
    });
    this.windowsOpen = new Gauge({
      name: 'hashtag_counter_windows_open',
      help: 'Open event-time windows per repartition partition owned by this instance',
      labelNames: ['partition'],
      registers,
    });
    this.aggregatesOpen = new Gauge({
      name: 'hashtag_counter_window_tags_open',
      help: '(window, tag) counts held in memory per repartition partition',
      labelNames: ['partition'],
      registers,
    });
    this.watermarkLag = new Gauge({
      name: 'hashtag_counter_watermark_lag_seconds',
      help: 'Wall clock minus the watermark: per tweets.raw partition (extract) and per repartition partition (count)',
      labelNames: ['stage', 'partition'],
      registers,
    });
    this.idleSources = new Gauge({
      name: 'hashtag_counter_idle_sources',
      help: 'tweets.raw partitions currently not holding back the watermark of a repartition partition (idle)',
      labelNames: ['partition'],
      registers,
    });
    this.batchSeconds = new Histogram({
      name: 'hashtag_counter_batch_seconds',
      help: 'Time to handle one input batch in a stage (without its transaction)',
      labelNames: ['stage'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.restoreSeconds = new Histogram({
      name: 'hashtag_counter_state_restore_seconds',
      help: 'Time to read a stage state back from its changelog after an assignment or an abort',
      labelNames: ['stage'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.restoredRecords = new Counter({
      name: 'hashtag_counter_state_restored_records_total',
      help: 'Changelog records read while restoring state',
      labelNames: ['stage'],
      registers,
    });
  }
}

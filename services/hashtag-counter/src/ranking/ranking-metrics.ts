import { Counter, Gauge, type Registry } from 'prom-client';

/** Metrics of the top-N stage, the hashtags.top view and what serves it (gRPC, web page). */
export class RankingMetrics {
  readonly counts: Counter<'outcome'>;
  readonly rejected: Counter<'reason'>;
  readonly topsEmitted: Counter;
  readonly windowsExpired: Counter;
  readonly restoredRecords: Counter;
  readonly windows: Gauge;
  readonly viewWindows: Gauge;
  readonly grpcRequests: Counter<'code'>;
  readonly streamClients: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.counts = new Counter({
      name: 'hashtag_counter_ranking_counts_total',
      help: 'Window counts the top-N stage took in: applied, or expired (window already dropped by retention)',
      labelNames: ['outcome'],
      registers,
    });
    this.rejected = new Counter({
      name: 'hashtag_counter_ranking_rejected_total',
      help: 'hashtags.counts records sent to the dead-letter topic by the top-N stage, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.topsEmitted = new Counter({
      name: 'hashtag_counter_ranking_tops_emitted_total',
      help: 'Top-N records written to hashtags.top (once per window and batch whose ranking changed)',
      registers,
    });
    this.windowsExpired = new Counter({
      name: 'hashtag_counter_ranking_windows_expired_total',
      help: 'Windows dropped by retention (their state and hashtags.top key tombstoned)',
      registers,
    });
    this.restoredRecords = new Counter({
      name: 'hashtag_counter_ranking_restored_records_total',
      help: 'Changelog records read to restore the ranking state of assigned partitions',
      registers,
    });
    this.windows = new Gauge({
      name: 'hashtag_counter_ranking_windows',
      help: 'Windows whose tag counts the top-N stage holds, over the partitions it owns',
      registers,
    });
    this.viewWindows = new Gauge({
      name: 'hashtag_counter_top_view_windows',
      help: 'Windows in the local view of hashtags.top that gRPC and the web page answer from',
      registers,
    });
    this.grpcRequests = new Counter({
      name: 'hashtag_counter_grpc_top_hashtags_total',
      help: 'TopHashtags calls, by gRPC status code name',
      labelNames: ['code'],
      registers,
    });
    this.streamClients = new Gauge({
      name: 'hashtag_counter_web_stream_clients',
      help: 'Browsers connected to /hashtags/stream',
      registers,
    });
  }
}

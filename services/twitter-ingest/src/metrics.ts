import type { Registry } from '@tributary/service-kit';
import { Counter, Gauge } from 'prom-client';

/** twitter-ingest's metrics; produce counts per topic come from the Kafka layer too. */
export class IngestMetrics {
  readonly tweets: Counter;
  readonly invalid: Counter;
  readonly duplicates: Counter;
  readonly reconnects: Counter<'reason'>;
  readonly connected: Gauge;
  readonly #source: string;

  constructor(registry: Registry, source: string) {
    const registers = [registry];
    const labels = { source };
    this.tweets = new Counter({
      name: 'twitter_ingest_tweets_total',
      help: 'Tweets produced to the output topic (acknowledged)',
      labelNames: ['source'],
      registers,
    });
    this.invalid = new Counter({
      name: 'twitter_ingest_invalid_total',
      help: 'Input lines that were no tweet (bad JSON, schema mismatch), sent to the dead-letter topic',
      labelNames: ['source'],
      registers,
    });
    this.duplicates = new Counter({
      name: 'twitter_ingest_duplicates_total',
      help: 'Tweets dropped because the same id was produced moments before (the API sent it twice)',
      labelNames: ['source'],
      registers,
    });
    this.reconnects = new Counter({
      name: 'twitter_ingest_reconnects_total',
      help: 'Filtered-stream reconnects by reason: network, http, rate-limit, dropped, stall, operational-disconnect',
      labelNames: ['reason'],
      registers,
    });
    this.connected = new Gauge({
      name: 'twitter_ingest_stream_connected',
      help: '1 while the filtered stream is connected',
      registers,
    });
    this.tweets.inc(labels, 0);
    this.invalid.inc(labels, 0);
    this.duplicates.inc(labels, 0);
    this.#source = source;
  }

  produced(count: number): void {
    this.tweets.inc({ source: this.#source }, count);
  }

  deadLettered(): void {
    this.invalid.inc({ source: this.#source });
  }

  duplicate(): void {
    this.duplicates.inc({ source: this.#source });
  }
}

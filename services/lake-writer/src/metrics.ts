import type { Registry } from '@tributary/service-kit';
import { Counter, Gauge, Histogram } from 'prom-client';

export type FlushReason = 'rows' | 'bytes' | 'age' | 'shutdown';
export type ConflictOutcome = 'retried' | 'fenced';

/** The lake-writer's metrics; consumption and dead letters also show in the Kafka layer's. */
export class LakeWriterMetrics {
  readonly rowsWritten: Counter;
  readonly filesWritten: Counter;
  readonly bytesWritten: Counter;
  readonly commits: Counter<'operation'>;
  readonly commitSeconds: Histogram;
  readonly conflicts: Counter<'outcome'>;
  readonly flushes: Counter<'reason'>;
  readonly fileRows: Histogram;
  readonly bufferedRows: Gauge;
  readonly tableVersion: Gauge;
  readonly deadLetters: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.rowsWritten = new Counter({
      name: 'lake_writer_rows_written_total',
      help: 'Rows in committed data files (a file of a commit that lost is not counted)',
      registers,
    });
    this.filesWritten = new Counter({
      name: 'lake_writer_files_written_total',
      help: 'Parquet data files written and committed',
      registers,
    });
    this.bytesWritten = new Counter({
      name: 'lake_writer_bytes_written_total',
      help: 'Bytes of committed Parquet data files',
      registers,
    });
    this.commits = new Counter({
      name: 'lake_writer_commits_total',
      help: 'Delta commits won, by operation (append, optimize)',
      labelNames: ['operation'],
      registers,
    });
    this.commitSeconds = new Histogram({
      name: 'lake_writer_commit_seconds',
      help: 'Time from the start of a flush (files written) to its commit won',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.conflicts = new Counter({
      name: 'lake_writer_commit_conflicts_total',
      help: 'Log versions lost to another writer: retried at the next version, or fenced (another writer claimed the partition)',
      labelNames: ['outcome'],
      registers,
    });
    this.flushes = new Counter({
      name: 'lake_writer_flushes_total',
      help: 'Flushes by the threshold that triggered them: rows, bytes, age or shutdown',
      labelNames: ['reason'],
      registers,
    });
    this.fileRows = new Histogram({
      name: 'lake_writer_file_rows',
      help: 'Rows per data file written',
      buckets: [10, 100, 1000, 10_000, 100_000, 1_000_000],
      registers,
    });
    this.bufferedRows = new Gauge({
      name: 'lake_writer_buffered_rows',
      help: 'Rows consumed and not yet committed',
      registers,
    });
    this.tableVersion = new Gauge({
      name: 'lake_writer_table_version',
      help: 'The latest Delta log version this writer has seen',
      registers,
    });
    this.deadLetters = new Counter({
      name: 'lake_writer_dead_letters_total',
      help: 'Records sent to taxi.rides.dlq (undecodable or an unparseable pickup time)',
      registers,
    });
  }
}

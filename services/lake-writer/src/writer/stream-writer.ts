import type { Logger } from 'pino';
import type { RideRow } from '../delta/taxi-table.ts';
import type { FlushReason, LakeWriterMetrics } from '../metrics.ts';
import type { AppendOutcome, PartitionSlice, TableAppender } from './table-appender.ts';

/** When buffered rows become a file: whichever threshold is reached first. */
export interface FlushPolicy {
  readonly maxRows: number;
  /** Of the consumed record values, a proxy for the files' size. */
  readonly maxBytes: number;
  /** Since the oldest buffered row was consumed. */
  readonly maxAgeMs: number;
}

/** A dead letter is handed back opaque: the source knows how to send it. */
export type DeadLetters = readonly unknown[];

interface PartitionState {
  /** The txn version the table held when this writer took the partition (or last committed). */
  fromVersion: number | undefined;
  /** The next input offset to take: rows below it are buffered or committed. */
  position: number;
  rows: RideRow[];
  deadLetters: unknown[];
  bytes: number;
  /** When the oldest uncommitted progress was made (ms), or undefined when there is none. */
  pendingSince: number | undefined;
}

export interface StreamWriterHooks {
  /** Sends dead letters before the commit that moves past them (at-least-once for dead letters). */
  readonly sendDeadLetters: (letters: DeadLetters) => Promise<void>;
  /** The table now holds the partition up to `version` (the source may commit it to Kafka for lag). */
  readonly committed?: (partition: number, version: number) => void;
}

/**
 * Buffers rows per input partition and flushes them into one table commit when a threshold is
 * reached. Buffers live in memory only: after a crash the table's txn versions say where to resume.
 */
export class StreamWriter {
  readonly #appender: TableAppender;
  readonly #policy: FlushPolicy;
  readonly #appIdOf: (partition: number) => string;
  readonly #hooks: StreamWriterHooks;
  readonly #metrics: LakeWriterMetrics | undefined;
  readonly #logger: Logger;
  readonly #partitions = new Map<number, PartitionState>();
  #flushing: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    appender: TableAppender,
    policy: FlushPolicy,
    appIdOf: (partition: number) => string,
    hooks: StreamWriterHooks,
    deps: { logger: Logger; metrics?: LakeWriterMetrics },
  ) {
    this.#appender = appender;
    this.#policy = policy;
    this.#appIdOf = appIdOf;
    this.#hooks = hooks;
    this.#logger = deps.logger;
    this.#metrics = deps.metrics;
  }

  /** Checks the age threshold periodically; a failed flush goes to `onError` (the service crashes). */
  startAgeTimer(onError: (error: unknown) => void): void {
    const every = Math.max(50, Math.min(1000, this.#policy.maxAgeMs / 4));
    this.#timer = setInterval(() => {
      if (this.#oldestPendingAge() >= this.#policy.maxAgeMs) this.flush('age').catch(onError);
    }, every);
    this.#timer.unref();
  }

  stopAgeTimer(): void {
    clearInterval(this.#timer);
  }

  /** Takes the partition from `position`; the table held `fromVersion` for it (undefined: nothing yet). */
  assign(partition: number, fromVersion: number | undefined, position: number): void {
    this.#partitions.set(partition, {
      fromVersion,
      position,
      rows: [],
      deadLetters: [],
      bytes: 0,
      // A partition the table has never seen records its start position with the next flush.
      pendingSince: fromVersion === undefined ? Date.now() : undefined,
    });
    this.#updateBuffered();
  }

  /** Forgets the partition and its uncommitted rows (revoked or fenced). */
  drop(partition: number): void {
    this.#partitions.delete(partition);
    this.#updateBuffered();
  }

  partitions(): number[] {
    return [...this.#partitions.keys()];
  }

  position(partition: number): number | undefined {
    return this.#partitions.get(partition)?.position;
  }

  /** Moves a partition's position forward without rows (data lost to retention, policy: continue). */
  skipTo(partition: number, position: number): void {
    const state = this.#partitions.get(partition);
    if (!state) return;
    state.position = position;
    state.pendingSince ??= Date.now();
  }

  /**
   * Buffers a batch's rows and dead letters; `nextPosition` is one past the batch's last offset.
   * Returns the threshold now reached, if any: the caller awaits `flush` (backpressure).
   */
  add(
    partition: number,
    rows: readonly RideRow[],
    deadLetters: DeadLetters,
    bytes: number,
    nextPosition: number,
  ): FlushReason | undefined {
    const state = this.#partitions.get(partition);
    if (!state) throw new RangeError(`partition ${partition} is not assigned to this writer`);
    for (const row of rows) state.rows.push(row);
    for (const letter of deadLetters) state.deadLetters.push(letter);
    state.bytes += bytes;
    state.position = nextPosition;
    state.pendingSince ??= Date.now();
    this.#updateBuffered();
    let totalRows = 0;
    let totalBytes = 0;
    for (const other of this.#partitions.values()) {
      totalRows += other.rows.length;
      totalBytes += other.bytes;
    }
    if (totalRows >= this.#policy.maxRows) return 'rows';
    if (totalBytes >= this.#policy.maxBytes) return 'bytes';
    return undefined;
  }

  /** Commits every partition's progress in one table commit; flushes run one at a time. */
  flush(reason: FlushReason): Promise<AppendOutcome | undefined> {
    const run = this.#flushing.then(() => this.#flushNow(reason));
    this.#flushing = run.catch(() => undefined);
    return run;
  }

  async #flushNow(reason: FlushReason): Promise<AppendOutcome | undefined> {
    const taken: { partition: number; state: PartitionState; slice: PartitionSlice }[] = [];
    const letters: unknown[] = [];
    for (const [partition, state] of this.#partitions) {
      if (state.pendingSince === undefined) continue;
      taken.push({
        partition,
        state,
        slice: {
          appId: this.#appIdOf(partition),
          fromVersion: state.fromVersion,
          toVersion: state.position,
          rows: state.rows,
        },
      });
      letters.push(...state.deadLetters);
      state.rows = [];
      state.deadLetters = [];
      state.bytes = 0;
      state.pendingSince = undefined;
    }
    if (taken.length === 0) return undefined;
    this.#updateBuffered();
    this.#metrics?.flushes.inc({ reason });
    if (letters.length > 0) {
      await this.#hooks.sendDeadLetters(letters);
      this.#metrics?.deadLetters.inc(letters.length);
    }
    const outcome = await this.#appender.append(taken.map((entry) => entry.slice));
    for (const { partition, state, slice } of taken) {
      // A partition revoked or re-assigned meanwhile has a new state object: leave that one alone.
      if (this.#partitions.get(partition) !== state) continue;
      if (outcome.committed.includes(slice)) {
        state.fromVersion = slice.toVersion;
        this.#hooks.committed?.(partition, slice.toVersion);
      } else {
        this.#logger.warn(
          { partition, appId: slice.appId, fromVersion: slice.fromVersion },
          'fenced: another writer advanced this partition in the table; dropping its buffer',
        );
        // The source takes the partition again from the table at its next batch.
        this.drop(partition);
      }
    }
    this.#logger.info(
      {
        reason,
        version: outcome.version,
        files: outcome.files,
        bytes: outcome.bytes,
        rows: outcome.committed.reduce((sum, slice) => sum + slice.rows.length, 0),
        offsets: Object.fromEntries(outcome.committed.map((slice) => [slice.appId, slice.toVersion])),
      },
      'committed',
    );
    return outcome;
  }

  #oldestPendingAge(): number {
    let oldest = Number.POSITIVE_INFINITY;
    for (const state of this.#partitions.values()) {
      if (state.pendingSince !== undefined) oldest = Math.min(oldest, state.pendingSince);
    }
    return oldest === Number.POSITIVE_INFINITY ? 0 : Date.now() - oldest;
  }

  #updateBuffered(): void {
    let rows = 0;
    for (const state of this.#partitions.values()) rows += state.rows.length;
    this.#metrics?.bufferedRows.set(rows);
  }
}

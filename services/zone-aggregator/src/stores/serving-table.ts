import { type HandlerContext, KafkaLayerError, type OffsetMove, type OffsetSink } from '@tributary/kafka';
import pg from 'pg';
import type { ServingChanges } from '../processors/serving-rows.ts';
import { underSchemaLock } from './schema-lock.ts';
import { SQL_IDENTIFIER } from './sql-identifier.ts';

/** The serving table's name is not a plain identifier, or a write failed. */
export class ServingTableError extends Error {
  readonly code: 'SERVING_TABLE_NAME' | 'SERVING_WRITE_FAILED';
  readonly retriable: boolean;

  constructor(
    code: ServingTableError['code'],
    message: string,
    options: { retriable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ServingTableError';
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** The offsets table beside a serving table. */
export const offsetsTableOf = (table: string) => `${table}_offsets`;

function checked(table: string): string {
  if (!SQL_IDENTIFIER.test(table))
    throw new ServingTableError(
      'SERVING_TABLE_NAME',
      `serving table name ${JSON.stringify(table)} is not [a-z_][a-z0-9_]*`,
    );
  return table;
}

/**
 * Creates the serving table and its offsets table when missing. Idempotent; an advisory lock keeps
 * concurrent starts apart.
 */
export async function ensureServingTables(client: pg.ClientBase, table: string): Promise<void> {
  const name = checked(table);
  await underSchemaLock(client, name, async () => {
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${name} (
        zone_id text NOT NULL,
        hour_start timestamptz NOT NULL,
        zone_name text NOT NULL,
        borough text NOT NULL,
        rides integer NOT NULL,
        priced_rides integer NOT NULL,
        fare_sum numeric(14, 2) NOT NULL,
        avg_fare numeric(10, 2) NOT NULL,
        final boolean NOT NULL,
        source_partition integer NOT NULL,
        source_offset bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (zone_id, hour_start)
      )`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${offsetsTableOf(name)} (
        topic text NOT NULL,
        partition integer NOT NULL,
        next_offset bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (topic, partition)
      )`);
  });
}

/** What the serve stage's handler leaves for the batch's transaction. */
export class ServingContext implements HandlerContext {
  readonly topic: string;
  readonly partition: number;
  readonly reject: HandlerContext['reject'];
  changes: ServingChanges | undefined;

  constructor(base: HandlerContext) {
    this.topic = base.topic;
    this.partition = base.partition;
    this.reject = base.reject;
  }

  write(changes: ServingChanges): void {
    this.changes = changes;
  }
}

/**
 * SQLSTATE classes worth a retry: connection (08), transaction rollback such as a deadlock (40),
 * insufficient resources (53), operator intervention such as a shutdown (57). Errors without a
 * SQLSTATE are network errors. Anything else (a bad value, a constraint) would fail again.
 */
const RETRIABLE_CLASSES = new Set(['08', '40', '53', '57']);
const isRetriableSql = (error: unknown) => {
  const code = (error as { code?: unknown }).code;
  return typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || RETRIABLE_CLASSES.has(code.slice(0, 2));
};

/**
 * A batch's transaction sends its statements back to back, so a session idle inside one this long
 * belongs to a process that stalled (frozen, partitioned away) holding the partition's offset row
 * lock: PostgreSQL ends it, so the partition's new owner is not blocked behind it for good.
 */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 10_000;

/**
 * The serving table as an {@link OffsetSink}: one PostgreSQL transaction per batch moves the
 * partition's row in the offsets table (only from the offset this member read: compare-and-set, so
 * a previous owner still writing is refused) and applies the batch's upserts and deletes, one
 * statement each.
 */
export class ServingTable implements OffsetSink<ServingContext> {
  readonly #pool: pg.Pool;
  readonly #table: string;
  readonly #offsets: string;
  readonly #onCommit: ((changes: ServingChanges, seconds: number) => void) | undefined;

  constructor(options: {
    connectionString: string;
    table: string;
    onCommit?: (changes: ServingChanges, seconds: number) => void;
  }) {
    this.#table = checked(options.table);
    this.#offsets = offsetsTableOf(this.#table);
    this.#onCommit = options.onCommit;
    // Batches of a stage are handled one at a time; the second connection serves marker-only moves.
    this.#pool = new pg.Pool({
      connectionString: options.connectionString,
      max: 2,
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
    });
    this.#pool.on('error', () => {}); // an idle connection lost: the next checkout opens another
    // A connection lost while checked out (the server shut down mid-transaction) fails the query in
    // flight, which the batch sees and retries; pg also emits it on the client, where the pool does
    // not listen then, and an 'error' event nobody listens to would end the process.
    this.#pool.on('connect', (client) => client.on('error', () => {}));
  }

  get table(): string {
    return this.#table;
  }

  /** Creates the tables when missing. */
  async open(): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await ensureServingTables(client, this.#table);
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  createContext(base: HandlerContext): ServingContext {
    return new ServingContext(base);
  }

  async storedOffsets(topic: string, partitions: readonly number[]): Promise<Map<number, bigint>> {
    const { rows } = await this.#query<{ partition: number; next_offset: string }>(
      `SELECT partition, next_offset FROM ${this.#offsets} WHERE topic = $1 AND partition = ANY($2::int[])`,
      [topic, [...partitions]],
    );
    return new Map(rows.map((row) => [row.partition, BigInt(row.next_offset)]));
  }

  async commit(move: OffsetMove, context: ServingContext | undefined): Promise<void> {
    const started = performance.now();
    const changes = context?.changes;
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw this.#failed(error);
    }
    let broken = false;
    try {
      await client.query('BEGIN');
      // First: the row lock orders this transaction after any other owner's on the partition.
      const moved =
        move.from === undefined
          ? await client.query(
              `INSERT INTO ${this.#offsets} (topic, partition, next_offset) VALUES ($1, $2, $3)
               ON CONFLICT (topic, partition) DO NOTHING`,
              [move.topic, move.partition, move.to.toString()],
            )
          : await client.query(
              `UPDATE ${this.#offsets} SET next_offset = $3, updated_at = now()
               WHERE topic = $1 AND partition = $2 AND next_offset = $4`,
              [move.topic, move.partition, move.to.toString(), move.from.toString()],
            );
      if (moved.rowCount !== 1) {
        await client.query('ROLLBACK');
        throw new KafkaLayerError(
          'SINK_OFFSET_CONFLICT',
          `${this.#offsets} no longer holds ${move.from ?? 'no offset'} for ${move.topic}/${move.partition}: another owner moved it`,
          { retriable: true, context: { topic: move.topic, partition: move.partition } },
        );
      }
      if (changes && changes.upserts.length > 0) await this.#upsert(client, changes);
      if (changes && changes.deletes.length > 0) await this.#delete(client, changes);
      await client.query('COMMIT');
    } catch (error) {
      if (error instanceof KafkaLayerError) throw error;
      broken = true;
      await client.query('ROLLBACK').catch(() => {});
      throw this.#failed(error);
    } finally {
      client.release(broken);
    }
    if (changes) this.#onCommit?.(changes, (performance.now() - started) / 1000);
  }

  async #upsert(client: pg.ClientBase, { upserts }: ServingChanges): Promise<void> {
    const column = <T>(pick: (row: ServingChanges['upserts'][number]) => T) => upserts.map(pick);
    await client.query(
      `INSERT INTO ${this.#table} AS t (zone_id, hour_start, zone_name, borough, rides, priced_rides,
         fare_sum, avg_fare, final, source_partition, source_offset)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::int[], $6::int[],
         $7::numeric[], $8::numeric[], $9::boolean[], $10::int[], $11::bigint[])
       ON CONFLICT (zone_id, hour_start) DO UPDATE SET
         zone_name = EXCLUDED.zone_name, borough = EXCLUDED.borough, rides = EXCLUDED.rides,
         priced_rides = EXCLUDED.priced_rides, fare_sum = EXCLUDED.fare_sum, avg_fare = EXCLUDED.avg_fare,
         final = EXCLUDED.final, source_partition = EXCLUDED.source_partition,
         source_offset = EXCLUDED.source_offset, updated_at = now()`,
      [
        column((row) => row.zoneId),
        column((row) => row.hourStart),
        column((row) => row.zoneName),
        column((row) => row.borough),
        column((row) => row.rides),
        column((row) => row.pricedRides),
        column((row) => row.fareSum),
        column((row) => row.avgFare),
        column((row) => row.final),
        column((row) => row.partition),
        column((row) => row.offset),
      ],
    );
  }

  async #delete(client: pg.ClientBase, { deletes }: ServingChanges): Promise<void> {
    await client.query(
      `DELETE FROM ${this.#table} AS t USING unnest($1::text[], $2::timestamptz[]) AS d(zone_id, hour_start)
       WHERE t.zone_id = d.zone_id AND t.hour_start = d.hour_start`,
      [deletes.map((row) => row.zoneId), deletes.map((row) => row.hourStart)],
    );
  }

  async #query<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.#pool.query<R>(text, values);
    } catch (error) {
      throw this.#failed(error);
    }
  }

  #failed(error: unknown): ServingTableError {
    return new ServingTableError('SERVING_WRITE_FAILED', `serving table ${this.#table}: ${String(error)}`, {
      retriable: isRetriableSql(error),
      cause: error,
    });
  }
}

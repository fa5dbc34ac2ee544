import { NYC_ZONES, type Zone, ZoneIndex } from '@tributary/taxi';
import pg from 'pg';
import type { Logger } from 'pino';
import { underSchemaLock } from './schema-lock.ts';
import { SQL_IDENTIFIER } from './sql-identifier.ts';

/** The zone table's name is not a plain identifier (it is put into SQL). */
export class ZoneTableNameError extends Error {
  readonly code = 'ZONE_TABLE_NAME';
  readonly retriable = false;
}

function checked(table: string): string {
  if (!SQL_IDENTIFIER.test(table))
    throw new ZoneTableNameError(`zone table name ${JSON.stringify(table)} is not [a-z_][a-z0-9_]*`);
  return table;
}

/** The channel a change of the table is announced on. */
export const changeChannel = (table: string) => `${checked(table)}_changed`;

/**
 * Creates the zone table, its change trigger (one NOTIFY per statement) and, when the table is
 * empty, seeds it with the 30 NYC zones. Idempotent; an advisory lock keeps concurrent starts apart.
 */
export async function ensureZoneTable(client: pg.ClientBase, table: string): Promise<void> {
  const name = checked(table);
  await underSchemaLock(client, name, async () => {
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${name} (
        id text PRIMARY KEY,
        name text NOT NULL,
        borough text NOT NULL,
        min_longitude double precision NOT NULL,
        min_latitude double precision NOT NULL,
        max_longitude double precision NOT NULL,
        max_latitude double precision NOT NULL,
        CHECK (min_longitude < max_longitude AND min_latitude < max_latitude)
      )`);
    await client.query(`
      CREATE OR REPLACE FUNCTION ${name}_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('${changeChannel(name)}', TG_OP); RETURN NULL; END $$`);
    await client.query(`
      CREATE OR REPLACE TRIGGER ${name}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${name}
      FOR EACH STATEMENT EXECUTE FUNCTION ${name}_notify()`);
    const { rows } = await client.query<{ count: string }>(`SELECT count(*) FROM ${name}`);
    if (Number(rows[0]?.count ?? 0) === 0) {
      for (const zone of NYC_ZONES) {
        await client.query(
          `INSERT INTO ${name} (id, name, borough, min_longitude, min_latitude, max_longitude, max_latitude)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
          [
            zone.id,
            zone.name,
            zone.borough,
            zone.minLongitude,
            zone.minLatitude,
            zone.maxLongitude,
            zone.maxLatitude,
          ],
        );
      }
    }
  });
}

async function loadZones(client: pg.ClientBase, table: string): Promise<Zone[]> {
  const { rows } = await client.query<{
    id: string;
    name: string;
    borough: string;
    min_longitude: number;
    min_latitude: number;
    max_longitude: number;
    max_latitude: number;
  }>(`SELECT * FROM ${checked(table)} ORDER BY id`);
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    borough: row.borough,
    minLongitude: row.min_longitude,
    minLatitude: row.min_latitude,
    maxLongitude: row.max_longitude,
    maxLatitude: row.max_latitude,
  }));
}

/**
 * The zone table as a lookup index, kept current without a restart: a dedicated connection
 * LISTENs on the table's channel and reloads on every change; after a lost connection it
 * reconnects and reloads, so a change made meanwhile is not missed.
 */
export class ZoneTable {
  readonly #connectionString: string;
  readonly #table: string;
  readonly #logger: Logger;
  readonly #onReload: ((zones: number) => void) | undefined;
  #client: pg.Client | undefined;
  #index = new ZoneIndex([]);
  #reloading: Promise<void> | undefined;
  #reloadAgain = false;
  #closed = false;
  #reconnectTimer: NodeJS.Timeout | undefined;

  constructor(options: {
    connectionString: string;
    table: string;
    logger: Logger;
    onReload?: (zones: number) => void;
  }) {
    this.#connectionString = options.connectionString;
    this.#table = checked(options.table);
    this.#logger = options.logger.child({ zoneTable: options.table });
    this.#onReload = options.onReload;
  }

  get current(): ZoneIndex {
    return this.#index;
  }

  /** Creates and seeds the table if needed, loads it and starts listening. */
  async open(): Promise<void> {
    await this.#connect();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    await this.#reloading?.catch(() => {});
    await this.#client?.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#connectionString });
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('connection ended')));
    await client.connect();
    try {
      await ensureZoneTable(client, this.#table);
      client.on('notification', () => this.#scheduleReload());
      await client.query(`LISTEN ${changeChannel(this.#table)}`);
      this.#client = client;
      await this.#reload();
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
  }

  #lost(client: pg.Client, error: Error): void {
    if (this.#closed || this.#client !== client) return;
    this.#client = undefined;
    this.#logger.warn({ err: error }, 'zone table connection lost; keeping the last zones, reconnecting');
    const retry = () => {
      this.#reconnectTimer = undefined;
      if (this.#closed) return;
      this.#connect().catch((reconnectError: unknown) => {
        this.#logger.warn({ err: reconnectError }, 'zone table reconnect failed; retrying');
        this.#reconnectTimer = setTimeout(retry, 2000);
      });
    };
    this.#reconnectTimer = setTimeout(retry, 1000);
  }

  /** Coalesces bursts of notifications: one reload at a time, one more if changes came meanwhile. */
  #scheduleReload(): void {
    if (this.#reloading) {
      this.#reloadAgain = true;
      return;
    }
    this.#reloading = this.#reload()
      .catch((error: unknown) => this.#logger.warn({ err: error }, 'zone table reload failed'))
      .finally(() => {
        this.#reloading = undefined;
        if (this.#reloadAgain) {
          this.#reloadAgain = false;
          this.#scheduleReload();
        }
      });
  }

  async #reload(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    const zones = await loadZones(client, this.#table);
    this.#index = new ZoneIndex(zones);
    this.#logger.info({ zones: zones.length }, 'zone table loaded');
    this.#onReload?.(zones.length);
  }
}

import pg from 'pg';

/** PostgreSQL's undefined_table: the serve stage creates the table when it starts. */
const UNDEFINED_TABLE = '42P01';

export interface ServingTableSize {
  readonly rows: number;
  readonly rides: number;
}

/** Rows (zone-hours) and rides in zone-aggregator's serving table `table`. */
export async function servingTableSize(postgresUrl: string, table: string): Promise<ServingTableSize> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ rows: string; rides: string | null }>(
      `SELECT count(*) AS rows, sum(rides) AS rides FROM ${pg.escapeIdentifier(table)}`,
    );
    return { rows: Number(rows[0]?.rows ?? 0), rides: Number(rows[0]?.rides ?? 0) };
  } catch (error) {
    if ((error as { code?: string }).code === UNDEFINED_TABLE) return { rows: 0, rides: 0 };
    throw error;
  } finally {
    await client.end();
  }
}
